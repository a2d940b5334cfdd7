// The web application, built apart from listening so that tests can inject
// requests. Shared infrastructure (language, sessions, form tokens, views,
// errors) is installed once on the root; each capability's routes are an
// encapsulated plugin.

import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { Config } from '../config/env.js';
import { recordWriterFor, type RecordWriter } from '../services/record-writer.js';
import type { DatabaseHandle } from '../db/database.js';
import { AuditStore } from '../db/stores/audit-store.js';
import { SessionStore } from '../db/stores/session-store.js';
import { SignInThrottle } from '../db/stores/sign-in-throttle.js';
import { policyFor } from '../domain/auth/index.js';
import { StaffStore } from '../db/stores/staff-store.js';
import { UserStore } from '../db/stores/user-store.js';
import { projectRoot } from './paths.js';
import { limitedServer } from './http-server.js';
import { loadContentLibrary, type ContentLibrary } from '../services/learning/content-library.js';
import { PublishedLibrary } from '../services/learning/published-library.js';
import { installLanguage, rewriteLanguageUrl } from './plugins/language.js';
import { installAuth } from './plugins/auth.js';
import { installCsrf } from './plugins/csrf.js';
import { installUploads } from './plugins/uploads.js';
import { createViewEnvironment, installViews } from './plugins/views.js';
import { installErrorHandling } from './plugins/errors.js';
import { publicRoutes } from './routes/public.js';
import { signInRoutes } from './routes/sign-in.js';
import { staffRoutes } from './routes/staff.js';
import { adminRoutes } from './routes/admin.js';
import { teamRoutes } from './routes/team.js';
import { insightsRoutes } from './routes/insights.js';
import { confidenceRoutes } from './routes/confidence.js';
import { insightsReportRoutes } from './routes/insights-report.js';
import { learnRoutes } from './routes/learn.js';
import { toolRoutes } from './routes/tools.js';
import { learningAdminRoutes } from './routes/learning-admin.js';
import { problemReportRoutes } from './routes/problem-reports.js';
import { eventRoutes } from './routes/events.js';
import { eventAttendanceRoutes } from './routes/events-attendance.js';
import { fundedRoutes } from './routes/funded.js';
import { fundedAdminRoutes } from './routes/funded-admin.js';
import { assessmentRoutes } from './routes/assessment.js';
import { credentialRoutes } from './routes/credentials.js';
import { xapiRoutes } from './routes/xapi.js';
import { xapiClientRoutes } from './routes/xapi-clients.js';
import { xapiPeopleRoutes } from './routes/xapi-people.js';
import { planRoutes } from './routes/plan.js';
import { messageRoutes } from './routes/messages.js';
import { openJobQueue, type JobQueue } from '../services/jobs/index.js';
import { EmailService } from '../services/email/email-service.js';
import { registerPlatformJobs } from '../services/platform-jobs.js';
import { AccountStore } from '../db/stores/account-store.js';
import { SingleSignOn, singleSignOnSettings } from '../services/auth/oidc.js';
import { oidcRoutes } from './routes/oidc.js';
import { accountRoutes, installPasswordChangeGate } from './routes/account.js';
import { passwordResetRoutes } from './routes/password-reset.js';
import { invitationRoutes } from './routes/invitations.js';
import { EmailAccountMessages, type AccountMessages } from '../services/auth/account-messages.js';

export interface Stores {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly staff: StaffStore;
  readonly audit: AuditStore;
  readonly throttle: SignInThrottle;
  /** Single sign-on links, sign-in times, password changes, disabling (accounts). */
  readonly accounts: AccountStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    stores: Stores;
    /** Learning modules from CONTENT_DIR, checked and loaded once at start-up. */
    content: ContentLibrary;
    config: Config;
    database: DatabaseHandle;
    /** Where learning records are written: page views, answers and /xapi statements (services/record-writer.ts). */
    records: RecordWriter;
    /** Background jobs (services/jobs): sent from here; worked here when started (JOBS_WORK_IN_WEB) or by `genomeg worker`. */
    jobs: JobQueue;
    /** Email: sendEmail(template, to, params, language) queues a message (services/email). */
    email: EmailService;
  }
}

export interface AppOptions {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** Pino logger options, or false for none (tests). */
  readonly logger?: boolean | Record<string, unknown>;
  /** The job queue to send to; by default one for the database, not working jobs until started. */
  readonly jobs?: JobQueue;
  /** Single sign-on in place of the one the configuration describes (tests reach their own provider through it). */
  readonly singleSignOn?: SingleSignOn | null;
  /** Where password-reset links and invitations go (default: a log line with ids only, until email is wired). */
  readonly accountMessages?: AccountMessages;
}

export const REDACTED_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]', '*.password', '*.passwordHash', '*.token',
];

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Log the path without its query string: queries can hold search terms about people.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
      },
      ...(typeof options.logger === 'object' ? options.logger : {}),
    },
    // A hop count trusts that many proxies nearest the service (as proxy-addr
    // does for a number); a list trusts only those addresses and ranges.
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    rewriteUrl: rewriteLanguageUrl,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // Headers, request and keep-alive timeouts and a connection cap (web/http-server.ts).
    serverFactory: limitedServer(config),
  });

  const sessionLifetimeMs = config.SESSION_LIFETIME_HOURS * 3600 * 1000;
  const stores: Stores = {
    users: UserStore.create(database.db),
    sessions: SessionStore.create(database.db, sessionLifetimeMs, config.SESSION_MAX_HOURS * 3600 * 1000),
    staff: StaffStore.create(database.db),
    audit: AuditStore.create(database.db),
    throttle: SignInThrottle.create(database.db, policyFor({ accountLimit: config.SIGN_IN_MAX_FAILURES, addressLimit: config.SIGN_IN_ADDRESS_MAX_FAILURES, windowMinutes: config.SIGN_IN_WINDOW_MINUTES })),
    accounts: AccountStore.create(database.db),
  };
  app.decorate('stores', stores);
  app.decorate('config', config);
  app.decorate('database', database);
  const records = await recordWriterFor(database);
  app.decorate('records', records);
  app.addHook('onClose', async () => { await records.close(); });
  const jobs = options.jobs ?? openJobQueue(database, { onError: (error, context) => { app.log.warn({ err: error, ...context }, 'background job failed'); } });
  const email = EmailService.create(database.db, jobs, config, app.log);
  registerPlatformJobs(jobs, { db: database.db, config, email, modules: () => app.content.modules });
  app.decorate('jobs', jobs);
  app.decorate('email', email);
  // Web processes work jobs too unless JOBS_WORK_IN_WEB=false leaves them to `genomeg worker`.
  if (options.jobs === undefined && config.JOBS_WORK_IN_WEB) app.addHook('onReady', async () => { await jobs.start(); });
  app.addHook('onClose', async () => {
    if (options.jobs === undefined) await jobs.stop();
    email.close();
  });
  // Learners get each module's published version (services/learning/published-library.ts).
  app.decorate('content', PublishedLibrary.over(loadContentLibrary(resolve(projectRoot, config.CONTENT_DIR)), resolve(projectRoot, config.CONTENT_DIR)));
  if (app.content.problems.length > 0) app.log.warn({ problems: app.content.problems.length }, 'some learning modules have problems and are hidden; run `genomeg content check`');

  await app.register(cookie);
  await app.register(formbody);
  // Files only where a route takes one, read after the session and form token (plugins/uploads.ts).
  await installUploads(app, { fileBytes: config.IMPORT_MAX_MEGABYTES * 1024 * 1024 });

  installLanguage(app);
  installAuth(app, { sessions: stores.sessions, users: stores.users, sessionLifetimeMs });
  installCsrf(app);
  const views = createViewEnvironment(config.VIEWS_RELOAD);
  const ssoSettings = singleSignOnSettings(config);
  const singleSignOn = options.singleSignOn !== undefined ? options.singleSignOn : ssoSettings === null ? null : SingleSignOn.create(ssoSettings);
  // The sign-in page's "Sign in with your NHS Wales account" button (partials/sso-button.njk).
  views.addGlobal('singleSignOn', singleSignOn === null ? null : { label: singleSignOn.settings.buttonLabel });
  installViews(app, views);
  installPasswordChangeGate(app);
  installErrorHandling(app);

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
    // Nothing shown to a signed-in person (their learning, certificates, staff
    // records, a one-time xAPI secret) or sent with a cookie is kept by a
    // browser or a proxy; static assets keep their caching.
    if ((request.user !== null || reply.hasHeader('set-cookie')) && !(request.routeOptions.url ?? '').startsWith('/assets/')) {
      reply.header('Cache-Control', 'no-store');
    }
    // Behind TLS (TRUST_PROXY and X-Forwarded-Proto: https), browsers are told to use nothing else.
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (reply.statusCode === 503 && !reply.hasHeader('Retry-After')) reply.header('Retry-After', '30');
    done(null, payload);
  });

  await app.register(fastifyStatic, {
    root: join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk'),
    prefix: '/assets/nhsuk/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot, 'src', 'web', 'assets'),
    prefix: '/assets/app/',
    decorateReply: false,
    maxAge: '1h',
  });

  await app.register(publicRoutes);
  await app.register(signInRoutes);
  await app.register(staffRoutes);
  await app.register(adminRoutes);
  await app.register(teamRoutes);
  await app.register(insightsRoutes);
  await app.register(confidenceRoutes);
  await app.register(insightsReportRoutes);
  await app.register(learningAdminRoutes);
  await app.register(learnRoutes);
  await app.register(toolRoutes);
  await app.register(problemReportRoutes);
  await app.register(eventRoutes);
  await app.register(eventAttendanceRoutes);
  await app.register(fundedRoutes);
  await app.register(fundedAdminRoutes);
  await app.register(assessmentRoutes);
  await app.register(credentialRoutes);
  await app.register(xapiRoutes);
  await app.register(xapiClientRoutes);
  await app.register(xapiPeopleRoutes);
  await app.register(planRoutes);
  await app.register(messageRoutes);
  await app.register(oidcRoutes(singleSignOn));
  await app.register(accountRoutes);
  const accountMessages = options.accountMessages ?? EmailAccountMessages.create(email);
  await app.register(passwordResetRoutes(accountMessages));
  await app.register(invitationRoutes(accountMessages));
  return app;
}
