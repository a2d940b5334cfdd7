// The key that encrypts the Open Badges signing key at rest (issue 13, item 11).
// The signing key's private half is kept in the database sealed with AES-256-GCM
// under a key that never enters the database: CREDENTIAL_KEY_SECRET (32 bytes,
// base64 or hex) from the environment, or else a file (CREDENTIAL_KEY_FILE,
// default data/credential-key) that must be readable by its owner only (0600)
// and is made so on first use. A database copy alone cannot sign credentials.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DomainError } from '../../domain/errors.js';

const SEALED_PREFIX = 'sealed:v1:';

export interface KeySecretSource {
  readonly CREDENTIAL_KEY_SECRET?: string | undefined;
  readonly CREDENTIAL_KEY_FILE: string;
}

function decodeSecret(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    throw new DomainError('GNM_CONFIG_INVALID', { problems: `${where}: must hold 32 random bytes, base64 or hex (make one with: openssl rand -base64 32)` }, [where]);
  }
  return bytes;
}

const cache = new Map<string, Buffer>();

/** The key-encryption key: from CREDENTIAL_KEY_SECRET, or from the 0600 key file (created when missing). */
export function keyEncryptionKey(source: KeySecretSource): Buffer {
  if (source.CREDENTIAL_KEY_SECRET !== undefined && source.CREDENTIAL_KEY_SECRET !== '') return decodeSecret(source.CREDENTIAL_KEY_SECRET, 'CREDENTIAL_KEY_SECRET');
  const file = source.CREDENTIAL_KEY_FILE;
  const known = cache.get(file);
  if (known !== undefined) return known;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new DomainError('GNM_CONFIG_INVALID', { problems: `CREDENTIAL_KEY_FILE=${JSON.stringify(file)}: readable by others (mode ${mode.toString(8)}); make it 0600 (chmod 600)` }, [file]);
  }
  const key = decodeSecret(readFileSync(file, 'utf8'), `CREDENTIAL_KEY_FILE=${JSON.stringify(file)}`);
  cache.set(file, key);
  return key;
}

/** Is this stored private key sealed (rather than a plaintext PEM of before)? */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** The private key PEM sealed under the key-encryption key, bound to its kid. */
export function sealPrivateKey(pem: string, kid: string, kek: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const content = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${content.toString('base64url')}`;
}

/** The private key PEM from its sealed form; throws when the key-encryption key is not the one it was sealed with. */
export function openPrivateKey(stored: string, kid: string, kek: Buffer): string {
  if (!isSealed(stored)) return stored;
  const [iv = '', tag = '', content = ''] = stored.slice(SEALED_PREFIX.length).split('.');
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(content, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DomainError('GNM_CONFIG_INVALID', { problems: `the Open Badges signing key ${kid} cannot be opened with this CREDENTIAL_KEY_SECRET or CREDENTIAL_KEY_FILE (it was sealed with another)` }, [kid]);
  }
}
