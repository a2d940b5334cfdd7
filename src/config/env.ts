// Configuration from environment variables, validated once at start-up. A wrong
// value stops the start with a message naming the variable and what is allowed.

import { isIP } from 'node:net';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

// One entry of TRUST_PROXY's list: an IPv4 or IPv6 address, a CIDR range, or
// one of proxy-addr's names for a whole class of private addresses.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies in front of the service may say who the client is (through
 * X-Forwarded-For and X-Forwarded-Proto). Never "everyone": the left-most
 * X-Forwarded-For is whatever the client wrote. false: no proxy (the socket's
 * address is the client's); a number: that many hops of proxies, counted from
 * the service ("true" is one hop); a comma-separated list: only proxies at
 * those addresses or in those CIDR ranges (Fastify's trustProxy takes each).
 */
const trustProxy = z.string().trim().transform((value, context): false | number | string[] => {
  const lower = value.toLowerCase();
  if (['false', '0', 'no'].includes(lower)) return false;
  if (['true', 'yes'].includes(lower)) return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 20) return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const wrong = entries.filter((e) => !isProxyEntry(e));
  if (entries.length === 0 || wrong.length > 0) {
    context.addIssue({ code: 'custom', message: `must be false, a number of proxy hops (1 to 20), or a comma-separated list of proxy addresses or CIDR ranges${wrong.length > 0 ? ` (not an address: ${wrong.join(', ')})` : ''}` });
    return z.NEVER;
  }
  return entries;
});

const variables = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().regex(/^(sqlite:|file:|postgres(ql)?:\/\/)/, 'must start with sqlite:, file: or postgres://').default('sqlite:data/genomeg.sqlite'),
  /**
   * PostgreSQL: send statements used often as named (prepared) statements, so the server plans them once per
   * connection (src/db/postgres-pool.ts). Turn off behind a connection pooler in transaction mode that does not
   * keep them (PgBouncer before 1.21, or with max_prepared_statements 0). Read by openDatabase.
   */
  DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
  /** Re-read page templates on every request (for editing them with the server running); slow, so off by default. */
  VIEWS_RELOAD: booleanFlag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_LIFETIME_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(8),
  SESSION_MAX_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(12),
  // Sign-in throttling (src/domain/auth/sign-in-throttle.ts): failures per
  // account, and per account and address, before sign-in slows down; failures
  // per address before it slows down for accounts not signed in from there before.
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  /** The half-life of failure counts, and the longest wait sign-in asks for. */
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().min(1).max(24 * 60).default(15),
  TRUST_PROXY: trustProxy.default(false),
  IMPORT_MAX_MEGABYTES: z.coerce.number().min(1).max(500).default(50),
  CONTENT_DIR: z.string().min(1).default('content'),
  /** Without a value: the address the server listens on (see publicUrlFor). */
  PUBLIC_URL: z.url().transform((u) => u.replace(/\/+$/, '')).optional(),
  // The HTTP server's limits (src/web/http-server.ts): a client that sends its
  // headers or its request too slowly is cut off, an idle kept-alive connection
  // is closed, and connections past the cap are refused.
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(15),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(65),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(500),
  // The key that seals the Open Badges signing key in the database
  // (services/learning/signing-key-secret.ts): 32 random bytes, base64 or hex,
  // from the environment; or else a file readable by its owner only (0600),
  // made on first use. Never logged.
  CREDENTIAL_KEY_SECRET: z.string().min(1).optional(),
  CREDENTIAL_KEY_FILE: z.string().min(1).default('data/credential-key'),
  // Background jobs (src/services/jobs): whether web processes work jobs too, or
  // only send them to `genomeg worker` processes.
  JOBS_WORK_IN_WEB: booleanFlag.default(true),
  // Email (src/services/email): with no SMTP_HOST, messages go to the outbox page.
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** Implicit TLS from the first byte (port 465). */
  SMTP_SECURE: booleanFlag.default(false),
  /** STARTTLS on a plain connection: required (refuse to send without it), opportunistic, or off. */
  SMTP_STARTTLS: z.enum(['required', 'opportunistic', 'off']).default('required'),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('Genomeg <no-reply@genomeg.invalid>'),
  // Required learning reminders (src/services/reminders).
  REMINDER_DAYS_BEFORE: z.coerce.number().int().min(1).max(90).default(14),
  REMINDER_OVERDUE_MAX: z.coerce.number().int().min(0).max(52).default(4),
  // Events (docs/events.md): how long a freed place is held for the person offered
  // it, and the days before a session that reminders go (comma-separated).
  EVENT_OFFER_HOURS: z.coerce.number().min(0.25).max(24 * 14).default(48),
  EVENT_REMINDER_DAYS: z.string().trim().regex(/^\d{1,2}(,\d{1,2})*$/, 'days, comma-separated, like 7,1').default('7,1')
    .transform((v) => [...new Set(v.split(',').map(Number).filter((n) => n >= 1))].sort((a, b) => b - a)),
  // Single sign-on with the organisation's OpenID Connect provider (README "Single
  // sign-on"; services/auth/oidc.ts). Off unless OIDC_ISSUER_URL is set.
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_EMAIL_CLAIM: z.string().min(1).default('email'),
  /** Comma-separated; an email outside them is refused. Empty: any domain. */
  OIDC_ALLOWED_EMAIL_DOMAINS: z.string().default('').transform((v) => v.split(',').map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d !== '')),
  OIDC_EMPLOYEE_NUMBER_CLAIM: z.string().min(1).optional(),
  OIDC_BUTTON_LABEL_EN: z.string().min(1).max(80).default('Sign in with your NHS Wales account'),
  OIDC_BUTTON_LABEL_CY: z.string().min(1).max(80).default('Mewngofnodi gyda’ch cyfrif GIG Cymru'),
});

const schema = variables.superRefine((config, context) => {
  // Node refuses a headers timeout longer than the whole request's.
  if (config.HTTP_HEADERS_TIMEOUT_SECONDS > config.HTTP_REQUEST_TIMEOUT_SECONDS) {
    context.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_SECONDS'], message: `must be at most HTTP_REQUEST_TIMEOUT_SECONDS (${String(config.HTTP_REQUEST_TIMEOUT_SECONDS)})` });
  }
  // A user without a password (or the reverse) is a half-made configuration.
  if ((config.SMTP_USER === undefined) !== (config.SMTP_PASSWORD === undefined)) {
    context.addIssue({ code: 'custom', path: [config.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD are set together or not at all' });
  }
  // Single sign-on needs its client's credentials; and only a local test provider may use plain http.
  if (config.OIDC_ISSUER_URL !== undefined) {
    if (config.OIDC_CLIENT_ID === undefined) context.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is required when OIDC_ISSUER_URL is set' });
    if (config.OIDC_CLIENT_SECRET === undefined) context.addIssue({ code: 'custom', path: ['OIDC_CLIENT_SECRET'], message: 'is required when OIDC_ISSUER_URL is set' });
    const issuer = new URL(config.OIDC_ISSUER_URL);
    if (issuer.protocol !== 'https:' && !(config.NODE_ENV !== 'production' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname))) {
      context.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'must be an https:// address (plain http only for a provider on this machine outside production)' });
    }
  }
});

export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL'> & { readonly PUBLIC_URL: string };

/**
 * The address credentials and certificates carry when PUBLIC_URL is not set:
 * the one the server listens on, so that their links work on the machine that
 * issued them (a wildcard host is reached as localhost).
 */
export function publicUrlFor(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${String(port)}`;
}

export const CONFIG_VARIABLES = Object.keys(variables.shape) as (keyof Config)[];

/** Read and check the configuration; throws GNM_CONFIG_INVALID naming each bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return { ...result.data, PUBLIC_URL: result.data.PUBLIC_URL ?? publicUrlFor(result.data.HOST, result.data.PORT) };
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    // A secret's value is never repeated back (it would land in logs).
    const shown = /PASSWORD|SECRET/.test(variable) ? '[hidden]' : JSON.stringify(input[variable] ?? '');
    return `${variable}=${shown}: ${issue.message}`;
  });
  throw new DomainError('GNM_CONFIG_INVALID', { problems: problems.join('; ') }, problems);
}
