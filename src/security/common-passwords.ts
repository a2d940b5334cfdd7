// The list of commonly used passwords a new password is checked against
// (domain/auth/password-policy.ts). The list is our own, written from what is
// publicly known about how people choose passwords (words, names, keyboard
// runs and number sequences, with years and digits on the end); see
// docs/security/accounts.md. Read once, normalised like the passwords it is
// compared with.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalisePassword } from '../domain/auth/password-policy.js';
import { projectRoot } from '../web/paths.js';

let cached: ReadonlySet<string> | null = null;

export function commonPasswords(): ReadonlySet<string> {
  cached ??= new Set(readFileSync(join(projectRoot, 'src', 'security', 'common-passwords.txt'), 'utf8')
    .split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')).map(normalisePassword));
  return cached;
}
