// `genomeg xapi …`: learning record store clients, read grants between
// organisations, the progress projection, subject access and erasure.

import { parseArgs } from 'node:util';
import type { Config } from '../config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/database.js';
import { XapiClientStore } from '../db/stores/xapi-client-store.js';
import { XapiStatementStore } from '../db/stores/xapi-statement-store.js';
import { isScope } from '../domain/xapi/scopes.js';
import { agentKey } from '../domain/xapi/statement.js';

/** "1 statement", "2 statements" (the command line speaks English; issue 14, item 21). */
function count(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export const XAPI_USAGE = `Usage:
  genomeg xapi client create --org CODE --name NAME --scope SCOPE [--scope ...]
  genomeg xapi client list [--org CODE]
  genomeg xapi client revoke ID
  genomeg xapi grant --org CODE --client ID [--revoke]   (let another organisation's client read CODE's statements; audited)
  genomeg xapi grants [--org CODE]
  genomeg xapi rebuild-progress
  genomeg xapi export --org CODE --agent '{"mbox":"mailto:…"}'     (subject access: statements, progress and documents as JSON to stdout; audited)
  genomeg xapi erase --org CODE --agent '{"mbox":"mailto:…"}' --confirm   (erasure, audited)`;

/** Runs one `xapi` subcommand; returns the exit code. */
export async function xapiCommand(config: Config, args: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const handle = openDatabase(config.DATABASE_URL);
  try {
    await migrateToLatest(handle);
    return await runXapi(handle, args, out);
  } finally {
    await handle.close();
  }
}

/** The subcommand on an open, migrated database. */
export async function runXapi(handle: DatabaseHandle, args: readonly string[], out: (text: string) => void): Promise<number> {
  const [first, second, ...rest] = args;
  const clients = XapiClientStore.create(handle.db);
  if (first === 'rebuild-progress') {
    const rows = await XapiStatementStore.create(handle.db).rebuildProgress();
    out(`Progress rebuilt: ${rows} person–activity rows.\n`);
    return 0;
  }
  if (first === 'export' || first === 'erase') {
    const { values } = parseArgs({ args: args.slice(1), options: { org: { type: 'string' }, agent: { type: 'string' }, confirm: { type: 'boolean', default: false } } });
    let key: string | null = null;
    try {
      key = values.agent === undefined ? null : agentKey(JSON.parse(values.agent));
    } catch {
      key = null;
    }
    if (values.org === undefined || key === null) {
      out(`${XAPI_USAGE}\n`);
      return 2;
    }
    const store = XapiStatementStore.create(handle.db);
    const org = values.org.toUpperCase();
    if (first === 'export') {
      out(`${JSON.stringify(await store.exportPerson(org, key, null), null, 2)}\n`);
      return 0;
    }
    if (!values.confirm) {
      out('Erasure cannot be undone: add --confirm.\n');
      return 2;
    }
    const erased = await store.erasePerson(org, key, null);
    out(`Erased ${count(erased.statements, 'statement')} and ${count(erased.documents, 'document')}; the erasure is in the audit log.\n`);
    return 0;
  }
  if (first === 'grant') {
    const { values } = parseArgs({ args: args.slice(1), options: { org: { type: 'string' }, client: { type: 'string' }, revoke: { type: 'boolean', default: false } } });
    if (values.org === undefined || values.client === undefined) {
      out(`${XAPI_USAGE}\n`);
      return 2;
    }
    const org = values.org.toUpperCase();
    if (values.revoke) {
      const done = await clients.revokeRead(values.client, org, null);
      out(done ? `Withdrawn: client ${values.client} no longer reads ${org}'s statements.\n` : `Client ${values.client} had no grant from ${org}.\n`);
      return done ? 0 : 1;
    }
    const outcome = await clients.grantRead(values.client, org, null);
    const messages = {
      granted: `Granted: client ${values.client} may read ${org}'s statements. The grant is in the audit log.\n`,
      already: `Client ${values.client} already reads ${org}'s statements.\n`,
      'no-such-client': `No client with id ${values.client}.\n`,
      'own-organisation': `Client ${values.client} belongs to ${org} already.\n`,
    } as const;
    out(messages[outcome]);
    return outcome === 'granted' || outcome === 'already' ? 0 : 1;
  }
  if (first === 'grants') {
    const { values } = parseArgs({ args: args.slice(1), options: { org: { type: 'string' } } });
    for (const g of await clients.grants(values.org?.toUpperCase())) {
      out(`${g.organisationCode}  →  ${g.clientId}  ${g.clientOrganisationCode}  ${g.clientName}  since ${g.createdAt.toISOString()}\n`);
    }
    return 0;
  }
  if (first === 'client' && second === 'create') {
    const { values } = parseArgs({ args: [...rest], options: { org: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', multiple: true } } });
    const scopes = values.scope ?? [];
    if (values.org === undefined || values.name === undefined || scopes.length === 0 || !scopes.every(isScope)) {
      out(`${XAPI_USAGE}\nScopes: statements/write statements/read statements/read/mine all/read all state define profile\n`);
      return 2;
    }
    const { client, secret } = await clients.createClient({ organisationCode: values.org.toUpperCase(), name: values.name, scopes }, null);
    out(`Client ${client.id} for ${client.organisationCode}\n  key:    ${client.key}\n  secret: ${secret}\n  (the secret is shown once)\n`);
    return 0;
  }
  if (first === 'client' && second === 'list') {
    const { values } = parseArgs({ args: [...rest], options: { org: { type: 'string' } } });
    for (const c of await clients.list(values.org === undefined ? 'all' : [values.org.toUpperCase()])) {
      out(`${c.id}  ${c.organisationCode}  ${c.key}  ${c.revokedAt === null ? 'live' : 'revoked'}  ${c.scopes.join(',')}  ${c.name}\n`);
    }
    return 0;
  }
  if (first === 'client' && second === 'revoke' && rest[0] !== undefined) {
    const done = await clients.revoke(rest[0], null);
    out(done ? 'Revoked.\n' : 'No live client with that id.\n');
    return done ? 0 : 1;
  }
  out(`${XAPI_USAGE}\n`);
  return 2;
}
