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

function base64url(input: string | Uint8Array): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input)).toString('base64url');
}

/** The header and payload of a VC-JWT (Open Badges 3.0, section 8.2), joined for signing. */
export function jwtSigningInput(credential: Record<string, unknown>, kid: string): string {
  const subject = credential['credentialSubject'] as { identifier?: { identityHash?: string }[] } | undefined;
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const issuer = credential['issuer'] as { id: string };
  const issuedAt = Math.floor(new Date(String(credential['validFrom'])).getTime() / 1000);
  const payload = { ...credential, iss: issuer.id, jti: credential['id'], sub: subject?.identifier?.[0]?.identityHash, nbf: issuedAt, iat: issuedAt };
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
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
