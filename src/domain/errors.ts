// Domain errors: a stable code, the parameters a person needs to act on it, and
// no HTTP status. src/web/plugins/errors.ts maps codes to statuses in one place,
// and docs/errors.md lists every code (a test keeps the two in step).

export const ERROR_CODES = {
  GNM_NOT_FOUND: 'The thing asked for does not exist, or you may not see it.',
  GNM_FORBIDDEN: 'You are signed in but your roles do not allow this.',
  GNM_UNAUTHENTICATED: 'You need to sign in first.',
  GNM_CSRF_INVALID: 'A form was sent without a valid anti-forgery token (it may be stale).',
  GNM_VALIDATION: 'A form or request field is invalid; the detail names the field.',
  GNM_SIGN_IN_FAILED: 'The email or password was not recognised.',
  GNM_SIGN_IN_THROTTLED: 'Too many failed sign-ins from this address or for this account; wait and try again.',
  GNM_ESR_FILE_UNREADABLE: 'The staff extract is not a readable CSV file.',
  GNM_ESR_HEADER_MISSING: 'A required column is missing from the header row of the staff extract.',
  GNM_ESR_ROWS_INVALID: 'One or more rows of the staff extract are invalid; nothing was written.',
  GNM_ESR_EMPTY: 'The staff extract has a header row but no staff rows.',
  GNM_ROLE_SCOPE: 'That role needs an organisation, or you may not grant it in that organisation.',
  GNM_CONFIG_INVALID: 'An environment variable has a value that is not allowed.',
  GNM_CONFLICT: 'Someone else changed this at the same time; reload and try again.',
  GNM_INTERNAL: 'Something went wrong on our side; the request id helps us find it.',
  GNM_SCENARIO_INVALID: 'A workforce scenario is invalid; each problem names the file, the field and what was expected.',
  GNM_DATABASE_UNAVAILABLE: 'The database cannot be reached (a lost connection, a failover, or a server that is down); try again shortly.',
  GNM_TOO_LARGE: 'The request is larger than this service accepts; the detail names the limit.',
  GNM_UPLOAD_NOT_ACCEPTED: 'This address does not take a file (multipart/form-data); only the pages with a file upload do.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type ErrorParams = Readonly<Record<string, string | number>>;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly details: readonly unknown[];

  constructor(code: ErrorCode, params: ErrorParams = {}, details: readonly unknown[] = []) {
    super(`${code}: ${ERROR_CODES[code]}`);
    this.name = 'DomainError';
    this.code = code;
    this.params = params;
    this.details = details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
