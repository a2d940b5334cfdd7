// What a new password must be: at least 12 characters (NCSC and NIST SP 800-63B
// favour length over composition rules), at most 128, not one of the commonly
// used passwords, and not the person's own email address. Pure: the list of
// common passwords is handed in (security/common-passwords.ts reads it).

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'required' | 'too-short' | 'too-long' | 'common' | 'email' | 'mismatch';

/** Lower case, with spaces, dots, dashes and underscores removed: "Pass word-2024" is "password2024". */
export function normalisePassword(password: string): string {
  return password.toLowerCase().replace(/[\s._-]+/g, '');
}

export function passwordProblem(password: string, confirmation: string, context: { email: string; common: ReadonlySet<string> }): PasswordProblem | null {
  if (password === '') return 'required';
  // Characters as people count them: a surrogate pair (an emoji, say) is one.
  const length = password.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
  if (length < PASSWORD_MIN_LENGTH) return 'too-short';
  if (length > PASSWORD_MAX_LENGTH) return 'too-long';
  const normal = normalisePassword(password);
  if (context.common.has(normal)) return 'common';
  // A common password with the digits or symbols at its end changed is still common.
  const stem = normal.replace(/[^a-z]+$/, '');
  if (stem.length >= 6 && context.common.has(stem)) return 'common';
  const email = context.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (normal === normalisePassword(email) || (local.length >= 4 && normal.includes(normalisePassword(local)))) return 'email';
  if (password !== confirmation) return 'mismatch';
  return null;
}
