// Configuration from environment variables, validated once at start-up. A wrong
// value stops the start with a message naming the variable and what is allowed.

import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const variables = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().regex(/^(sqlite:|file:|postgres(ql)?:\/\/)/, 'must start with sqlite:, file: or postgres://').default('sqlite:data/genomeg.sqlite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_LIFETIME_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(8),
  SESSION_MAX_HOURS: z.coerce.number().min(0.25).max(24 * 30).default(12),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_WINDOW_MINUTES: z.coerce.number().min(1).max(24 * 60).default(15),
  TRUST_PROXY: booleanFlag.default(false),
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
    return `${variable}=${JSON.stringify(input[variable] ?? '')}: ${issue.message}`;
  });
  throw new DomainError('GNM_CONFIG_INVALID', { problems: problems.join('; ') }, problems);
}
