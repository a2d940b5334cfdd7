#!/usr/bin/env node
// The `genomeg` command: serve, migrate, seed, staff import, users create.
// Configuration comes from environment variables (src/config/env.ts); a wrong
// value stops here with a message naming the variable.

import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { NO_MIGRATIONS } from 'kysely';
import { loadConfig, type Config } from '../config/env.js';
import { isDomainError } from '../domain/errors.js';
import { isRole, validateGrant, type RoleGrant } from '../domain/auth/index.js';
import { decodeExtract, organisationByCode } from '../domain/staff/index.js';
import { CredentialStore } from '../db/stores/credential-store.js';
import { keyEncryptionKey } from '../services/learning/signing-key-secret.js';
import { isPostgresUrl, migrateToLatest, migratorFor, openDatabase, PRIVATE_FILE_MODE, sqlitePath, type DatabaseHandle } from '../db/database.js';
import { StaffStore } from '../db/stores/staff-store.js';
import { UserStore } from '../db/stores/user-store.js';
import { buildApp } from '../web/app.js';
import { keepHeapSmall } from '../web/heap.js';
import { projectRoot } from '../web/paths.js';
import { translator } from '../web/i18n.js';
import { importStaffExtract } from '../services/staff-import.js';
import { formatSignIns, seedDemo, type DemoSignIn } from '../seed/demo.js';
import { seedDemoScenarios } from '../seed/demo-scenarios.js';
import { seedDemoEvents } from '../seed/demo-events.js';
import { seedDemoFunded } from '../seed/demo-funded.js';
import { ScenarioStore } from '../db/stores/scenario-store.js';
import { interruptRunsOfStoppedProcesses } from '../services/workforce/run-jobs.js';
import { RequirementStore } from '../db/stores/requirement-store.js';
import { hashPassword } from '../security/passwords.js';
import { AccountStore } from '../db/stores/account-store.js';
import { loadContentLibrary } from '../services/learning/content-library.js';
import { offeredOf, rebuildInsights } from '../services/insights/aggregates.js';
import { seedDemoTargets } from '../seed/demo-targets.js';
import { xapiCommand } from './xapi.js';
import { planCommand } from './plan.js';
import { helpAnswer, helpPointer, overview } from './help.js';
import { workerCommand } from './worker.js';

const USAGE = overview();

/** Where a command writes, and the environment its configuration comes from: the process's own, or a test's (test/cli.test.ts runs most commands in its own process). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTty: boolean;
}

const processIo: CliIo = { out: (t) => { process.stdout.write(t); }, err: (t) => { process.stderr.write(t); }, env: process.env, isTty: process.stderr.isTTY };

/** A command used wrongly: cli() writes the message to stderr and ends with exit code 2. */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function signInsFile(config: Config): string | null {
  return isPostgresUrl(config.DATABASE_URL) ? null : join(dirname(sqlitePath(config.DATABASE_URL)), 'demo-sign-ins.txt');
}

async function reset(config: Config, io: CliIo): Promise<void> {
  if (isPostgresUrl(config.DATABASE_URL)) {
    const handle = openDatabase(config.DATABASE_URL);
    const { error } = await migratorFor(handle).migrateTo(NO_MIGRATIONS);
    await handle.close();
    if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  } else {
    const path = sqlitePath(config.DATABASE_URL);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    const file = signInsFile(config);
    if (file !== null) rmSync(file, { force: true });
  }
  io.out('Database reset.\n');
}

async function seedIfEmpty(handle: DatabaseHandle, config: Config, io: CliIo): Promise<DemoSignIn[] | null> {
  const users = UserStore.create(handle.db);
  if ((await users.count()) > 0) return null;
  io.out('Empty database: loading the synthetic demo data set…\n');
  const result = await seedDemo({ users, staff: StaffStore.create(handle.db), requirements: RequirementStore.create(handle.db) });
  io.out(`Loaded ${result.staff} synthetic staff across NHS Wales organisations.\n`);
  const planner = result.signIns.find((s) => s.role === 'workforce-planner');
  const owner = planner === undefined ? null : (await users.findByEmail(planner.email))?.id ?? null;
  const scenarios = await seedDemoScenarios(ScenarioStore.create(handle.db), resolve(projectRoot, 'scenarios'), owner);
  io.out(`Saved ${scenarios} example workforce scenarios for the planner.\n`);
  const events = await seedDemoEvents(handle.db);
  io.out(`Added ${String(events.events)} illustrative events with ${String(events.bookings)} bookings.\n`);
  const funded = await seedDemoFunded(handle.db);
  io.out(`Added ${String(funded.modules)} university modules (codes, dates and places illustrative) with ${String(funded.applications)} applications.\n`);
  const targets = await seedDemoTargets(handle.db);
  const counted = await rebuildInsights(handle.db, offeredOf(loadContentLibrary(resolve(projectRoot, config.CONTENT_DIR)).modules));
  io.out(`Counted ${String(counted)} staff for insights, with ${String(targets)} illustrative literacy targets.\n`);
  const file = signInsFile(config);
  if (file !== null) {
    // Made owner-only as it is created, never readable by others for a moment.
    rmSync(file, { force: true });
    writeFileSync(file, JSON.stringify(result.signIns, null, 2), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  }
  return [...result.signIns];
}

function storedSignIns(config: Config): DemoSignIn[] | null {
  const file = signInsFile(config);
  if (file === null || !existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoSignIn[];
}

async function serve(config: Config, flags: { demo: boolean; reset: boolean }, io: CliIo): Promise<void> {
  keepHeapSmall();
  if (flags.reset) await reset(config, io);
  const handle = openDatabase(config.DATABASE_URL, { checkpoints: 'background', applicationName: 'genomeg web' });
  const { applied } = await migrateToLatest(handle);
  if (applied.length > 0) io.out(`Applied migrations: ${applied.join(', ')}\n`);
  // Planner runs left queued or running by a process that has stopped (a server killed and started again).
  const interrupted = await interruptRunsOfStoppedProcesses(ScenarioStore.create(handle.db));
  if (interrupted > 0) io.out(`Marked ${interrupted} planner run(s) of a stopped process as interrupted.\n`);
  // The Open Badges signing key: sealed under CREDENTIAL_KEY_SECRET or the key file (a wrong or too open one stops the start here).
  const sealed = await CredentialStore.create(handle.db).sealPlaintextKeys(keyEncryptionKey(config));
  if (sealed > 0) io.out(`Encrypted ${sealed === 1 ? 'the Open Badges signing key' : `${String(sealed)} Open Badges signing keys`} stored in plain text before.\n`);
  const signIns = flags.demo ? (await seedIfEmpty(handle, config, io)) ?? storedSignIns(config) : null;
  const app = await buildApp({ config, database: handle });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(() => handle.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => { shutdown('SIGINT'); });
  process.once('SIGTERM', () => { shutdown('SIGTERM'); });

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${port}`;
  io.out(`\nGenomeg is running at ${url} (database: ${handle.description})\n`);
  io.out(`Credentials and certificates will link to ${config.PUBLIC_URL} (PUBLIC_URL)\n`);
  if (signIns !== null) {
    io.out(`\nDemo sign-ins (synthetic accounts; passwords made at first start):\n${formatSignIns(signIns)}\n\n`);
  }
}

/** How many of the people a held import would mark as leavers the command names (the rest are counted). */
const LEAVER_NAMES_SHOWN = 10;

async function staffImport(config: Config, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      mode: { type: 'string', default: 'full' }, 'dry-run': { type: 'boolean', default: false }, 'as-of': { type: 'string' }, lang: { type: 'string', default: 'en' },
      'confirm-leavers': { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (file === undefined) fail('staff import: name the CSV file to import.');
  if (values.mode !== 'full' && values.mode !== 'partial') fail(`staff import: --mode must be full or partial, not "${values.mode}".`);
  let asOf: Date | undefined;
  if (values['as-of'] !== undefined) {
    asOf = new Date(`${values['as-of']}T12:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values['as-of']) || Number.isNaN(asOf.getTime())) fail('staff import: --as-of must be a date like 2026-03-31.');
  }
  if (!existsSync(file)) fail(`staff import: no file at ${file}.`);
  const t = translator(values.lang === 'cy' ? 'cy' : 'en');
  const handle = openDatabase(config.DATABASE_URL);
  try {
    await migrateToLatest(handle);
    const started = performance.now();
    // Read strictly: UTF-8, UTF-16 with a byte-order mark, or Windows-1252 with a warning; never a lossy guess.
    const decoded = decodeExtract(readFileSync(file));
    if (!decoded.ok) {
      io.err(`${file}: ${t('staffImport.errors.notText')}\n`);
      return 1;
    }
    const outcome = await importStaffExtract(StaffStore.create(handle.db), {
      text: decoded.text, encoding: decoded.encoding, fileName: file, mode: values.mode, permittedOrganisations: 'all',
      actorUserId: null, dryRun: values['dry-run'], ...(asOf === undefined ? {} : { asOf }),
      // As on the web page: a full extract that would mark more than a tenth of an organisation's active staff as leavers is held until confirmed.
      holdManyLeavers: !values['confirm-leavers'],
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    for (const issue of outcome.read.issues) {
      const where = `${file}${issue.line === null ? '' : `:${issue.line}`}${issue.column === null ? '' : ` [${issue.column}]`}`;
      const shownValue = issue.value === null || issue.code === 'windows-encoding' ? null : issue.value;
      const found = shownValue === null ? '' : ` (${shownValue}${issue.firstLine === undefined ? '' : ` ${t('staffImport.firstLine', { line: issue.firstLine })}`})`;
      io.err(`${where}: ${t(`staffImport.severity.${issue.severity}`)}: ${t(`staffImport.issues.${issue.code}`, { encoding: issue.value ?? '' })}${found}\n`);
    }
    if (outcome.status === 'rejected') {
      io.err(`${t('staffImport.rejectedTitle')}: ${t('staffImport.problemCounts', { errors: outcome.read.errorCount, warnings: outcome.read.warningCount })}\n`);
      return 1;
    }
    const s = outcome.summary;
    const lang = values.lang === 'cy' ? 'cy' : 'en';
    for (const w of s.leaverWarnings) {
      const organisation = organisationByCode(w.organisationCode)?.name[lang] ?? w.organisationCode;
      io.err(`${t('staffImport.leaverWarningTitle')}: ${t('staffImport.leaverWarningBody', { count: w.leavers, active: w.active, organisation })}\n`);
      if (outcome.status === 'applied') continue;
      for (const p of w.people.slice(0, LEAVER_NAMES_SHOWN)) io.err(`  ${p.firstName} ${p.lastName} (${p.assignmentNumber})\n`);
      if (w.people.length > LEAVER_NAMES_SHOWN) io.err(`  ${t('staffImport.cliMoreLeavers', { count: w.people.length - LEAVER_NAMES_SHOWN })}\n`);
    }
    if (outcome.status === 'held') {
      io.err(`${t('staffImport.cliHeld')}\n`);
      return 1;
    }
    for (const m of s.moves) io.out(`${t('staffImport.moves')}: ${m.firstName} ${m.lastName} (${m.assignmentNumber}) ${m.from} → ${m.to}\n`);
    io.out(`${outcome.status === 'checked' ? t('staffImport.checkedTitle') : t('staffImport.appliedTitle')}: ${t('staffImport.summary', { added: s.added, updated: s.updated, leavers: s.leavers, unchanged: s.unchanged })} (${outcome.read.rowCount} rows, ${seconds} s)\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

async function usersCreate(config: Config, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', multiple: true, default: [] } } });
  if (values.email === undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) fail('users create: --email must be an email address.');
  if (values.name === undefined || values.name.trim() === '') fail('users create: --name is required.');
  const grants: RoleGrant[] = values.role.map((spec) => {
    const [role = '', org] = spec.split(':');
    if (!isRole(role)) fail(`users create: unknown role "${role}".`);
    if (org !== undefined && organisationByCode(org) === undefined) fail(`users create: unknown organisation code "${org}".`);
    const grant = { role, organisationCode: org ?? null };
    if (!validateGrant(grant)) fail(`users create: role ${role} ${org === undefined ? 'needs an organisation (ROLE:ORG)' : 'is not held in one organisation'}.`);
    return grant;
  });
  const handle = openDatabase(config.DATABASE_URL);
  try {
    await migrateToLatest(handle);
    const password = randomBytes(15).toString('base64url');
    // No language yet: until the person reads a page, their emails are in Welsh then English.
    const user = await UserStore.create(handle.db).create({ email: values.email, displayName: values.name.trim(), passwordHash: await hashPassword(password), grants, languageKnown: false }, null);
    // A one-time password: the person must choose their own at first sign-in (routes/account.ts).
    await AccountStore.create(handle.db).requirePasswordChange(user.id);
    io.out(`Created ${user.email}. One-time password (shown once, not stored; it must be changed at first sign-in): ${password}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

function contentCheck(dir: string, io: CliIo): number {
  const library = loadContentLibrary(dir);
  for (const p of library.problems) {
    io.err(`${join(dir, p.file)}${p.line === null ? '' : `:${p.line}`}${p.path === null ? '' : ` (${p.path})`}: ${p.code}: ${p.message}\n`);
  }
  io.out(`${library.modules.length} module(s) passed, ${library.problems.length} problem(s) in ${dir}\n`);
  return library.problems.length === 0 ? 0 : 1;
}

/** Runs one command; a usage error, a configuration or database problem is thrown for cli() to report. */
async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.out(`${USAGE}\n`);
    return 2;
  }
  // Help (`--help`, `help <command>`, `<command> … --help`) before any configuration is read.
  const help = helpAnswer(argv);
  if (help !== undefined) {
    io.out(help.out);
    io.err(help.err);
    return help.code;
  }
  const config = loadConfig(io.env);
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean', default: false }, reset: { type: 'boolean', default: false } } });
      await serve(config, { demo: values.demo, reset: values.reset }, io);
      return -1;
    }
    case 'migrate': {
      const handle = openDatabase(config.DATABASE_URL);
      const { applied } = await migrateToLatest(handle);
      await handle.close();
      io.out(applied.length === 0 ? 'Database is up to date.\n' : `Applied migrations: ${applied.join(', ')}\n`);
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean', default: false } } });
      if (!values.demo) fail('seed: say --demo to load the synthetic demo data set.');
      const handle = openDatabase(config.DATABASE_URL);
      await migrateToLatest(handle);
      const signIns = await seedIfEmpty(handle, config, io);
      await handle.close();
      if (signIns === null) fail('seed: the database already has accounts; use `genomeg serve --demo --reset` to start over.');
      io.out(`Demo sign-ins:\n${formatSignIns(signIns)}\n`);
      return 0;
    }
    case 'staff': {
      if (rest[0] !== 'import') fail(`Usage: genomeg staff import <file.csv> [--mode full|partial] [--dry-run] [--confirm-leavers]\n${helpPointer(['staff', 'import'])}`);
      return staffImport(config, rest.slice(1), io);
    }
    case 'content': {
      if (rest[0] !== 'check') fail(`Usage: genomeg content check [DIR]\n${helpPointer(['content', 'check'])}`);
      return contentCheck(rest[1] ?? config.CONTENT_DIR, io);
    }
    case 'users': {
      if (rest[0] !== 'create') fail(`Usage: genomeg users create --email E --name N --role ROLE[:ORG]\n${helpPointer(['users', 'create'])}`);
      return usersCreate(config, rest.slice(1), io);
    }
    case 'insights': {
      if (rest[0] !== 'rebuild') fail(`Usage: genomeg insights rebuild\n${helpPointer(['insights', 'rebuild'])}`);
      const handle = openDatabase(config.DATABASE_URL);
      try {
        await migrateToLatest(handle);
        const offered = offeredOf(loadContentLibrary(resolve(projectRoot, config.CONTENT_DIR)).modules);
        const started = Date.now();
        const people = await rebuildInsights(handle.db, offered);
        io.out(`Insights rebuilt: ${String(people)} people counted in ${String(Date.now() - started)} ms.\n`);
      } finally {
        await handle.close();
      }
      return 0;
    }
    case 'xapi':
      return xapiCommand(config, rest, io.out);
    case 'plan':
      return planCommand(rest, io);
    case 'worker':
      await workerCommand(config);
      return -1;
    default:
      fail(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

/**
 * The `genomeg` command with these arguments, writing to io: the exit code, or
 * -1 for a command that keeps running (serve, worker). Problems a person can
 * act on (a usage error, a wrong configuration variable, a database that cannot
 * be used, an unknown option) are written as one message, exit code 2.
 */
export async function cli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
    } else if (isDomainError(error) && error.code === 'GNM_CONFIG_INVALID') {
      io.err(`Configuration is not valid:\n${error.details.map((d) => `  ${String(d)}`).join('\n')}\n`);
    } else if (isDomainError(error) && error.code === 'GNM_DATABASE_UNAVAILABLE') {
      // Named as the configuration errors are: the variable, what it points at (no password), what was tried and why.
      const { database, tried, reason } = error.params;
      io.err(`Cannot use the database named by DATABASE_URL (${String(database)}):\n  tried ${String(tried)}: ${String(reason)}\n`);
    } else if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) {
      io.err(`${error.message}\n${helpPointer(argv)}\n`);
    } else {
      io.err(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    return 2;
  }
}

/** Whether node started this file (with tsx, as dist/cli/main.js, or through the installed `genomeg` link), rather than a test importing it. */
function startedAsProgram(): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  const self = realpathSync(fileURLToPath(import.meta.url));
  // `node dist/cli/main` names the file without its extension.
  return [started, `${started}.js`, `${started}.ts`].some((path) => existsSync(path) && realpathSync(path) === self);
}

if (startedAsProgram()) {
  void cli(process.argv.slice(2)).then((code) => { if (code >= 0) process.exitCode = code; });
}
