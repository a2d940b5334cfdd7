// The Open Badges 3.0 credential for a completed module: an
// OpenBadgeCredential (a W3C Verifiable Credential) about an achievement, with
// the learner identified by a salted hash of their email rather than the email
// itself. Pure: builds the JSON and the JWT's signing input; the signing key
// and its use live outside the domain.

export interface CredentialFacts {
  readonly credentialId: string;
  readonly baseUrl: string;
  readonly issuerName: string;
  readonly learnerName: string;
  readonly identityHash: string;
  readonly salt: string;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly moduleTitle: string;
  readonly moduleSummary: string;
  readonly criteria: string;
  readonly score: number;
  readonly cpdHours: number;
  readonly issuedAt: Date;
}

export function openBadgeCredential(f: CredentialFacts): Record<string, unknown> {
  const issuerId = `${f.baseUrl}/issuer`;
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `${f.baseUrl}/credentials/${f.credentialId}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerId, type: ['Profile'], name: f.issuerName, url: f.baseUrl },
    validFrom: f.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    name: f.moduleTitle,
    credentialSubject: {
      type: ['AchievementSubject'],
      name: f.learnerName,
      identifier: [{ type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: f.identityHash, salt: f.salt }],
      achievement: {
        id: `${f.moduleId}#v${f.moduleVersion}`,
        type: ['Achievement'],
        achievementType: 'Course',
        name: f.moduleTitle,
        description: f.moduleSummary,
        criteria: { narrative: f.criteria },
        version: f.moduleVersion,
        creditsAvailable: f.cpdHours,
      },
      creditsEarned: f.cpdHours,
      result: [{ type: ['Result'], value: `${Math.round(f.score * 100)}%` }],
    },
  };
}

/**
 * The claims of a VC-JWT (Open Badges 3.0, section 8.2): the credential with
 * iss, jti, sub, nbf and iat, and exp when it has a validUntil. Signed by the
 * caller (with jose, in services/learning/credentials.ts).
 */
export function credentialJwtClaims(credential: Record<string, unknown>): Record<string, unknown> {
  const subject = credential['credentialSubject'] as { identifier?: { identityHash?: string }[] } | undefined;
  const issuer = credential['issuer'] as { id: string };
  const seconds = (value: unknown) => Math.floor(new Date(String(value)).getTime() / 1000);
  const issuedAt = seconds(credential['validFrom']);
  return {
    ...credential, iss: issuer.id, jti: credential['id'], sub: subject?.identifier?.[0]?.identityHash, nbf: issuedAt, iat: issuedAt,
    ...(credential['validUntil'] === undefined ? {} : { exp: seconds(credential['validUntil']) }),
  };
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> | null {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || parts[1] === undefined) return null;
  try {
    const value = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}
