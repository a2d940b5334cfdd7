// Loads millions of generated statements for the query benchmark: loading 5
// million over HTTP would take most of an hour. It writes the rows the store
// writes, built by the store's own functions (prepareStatement, statementValues,
// indexStatement, linkValue, the progress fold, mergeDefinition), but in the way
// bulk loads are fast:
//  - statements are appended in large transactions (their ids are time-ordered,
//    so the id index is appended to as well);
//  - their index entries and progress go first to staging tables with no index,
//  - then `finish` moves them into xapi_statement_links and xapi_progress in key
//    order (progress merged by the store's own upsert), so every B-tree is filled
//    from left to right instead of at random.
// Several loader processes can run at once (while one writes, another
// generates). Only for generated statements: they have no ids, no StatementRefs
// and no voiding, which the store resolves at write time.
//
// bench/xapi.ts runs `prepare` itself, then each `load` and the `finish` in
// child processes (this file), so the server's memory figures stay its own.

import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { engineOf } from '../src/db/dialect.js';
import type { Database } from '../src/db/schema.js';
import { bulkInsert, type SqlValue } from '../src/db/stores/xapi-sql.js';
import {
  PROGRESS_COLUMNS, PROGRESS_MERGE, STATEMENT_COLUMNS, linkValue, progressValues, statementValues, timeOrderedUuid,
} from '../src/db/stores/xapi-statement-store.js';
import {
  LINK_KINDS, canonicalJson, definedActivities, foldProgress, indexStatement, mergeDefinition, prepareStatement, progressKey, type Json, type Progress,
} from '../src/domain/xapi/index.js';
import { statementAt } from './xapi-generator.js';

export interface LoadOptions {
  /** Statements to add. */
  readonly total: number;
  readonly learners: number;
  readonly seed: number;
  /** Where in the generator's stream to start (so that loaders running together differ). */
  readonly from: number;
  readonly organisationCode: string;
  readonly clientId: string;
  readonly authority: Json;
  /** Statements per transaction. */
  readonly chunk?: number;
}

export type LoadMessage =
  | ({ readonly task: 'load'; readonly url: string; readonly schema?: string } & LoadOptions)
  | { readonly task: 'finish'; readonly url: string; readonly schema?: string };

export interface LoadReport {
  readonly loaded: number;
  readonly seconds: number;
  readonly done: boolean;
}

const KINDS = Object.values(LINK_KINDS);
const STAGED_LINKS = (i: number) => `bench_xapi_links_${i}`;
const STAGED_PROGRESS = 'bench_xapi_progress';

type Db = Kysely<Database>;
const raw = async (db: Db, text: string): Promise<void> => { await sql.raw(text).execute(db); };

/** The staging tables: no keys, no indexes; unlogged on PostgreSQL. */
export async function prepareStaging(db: Db): Promise<void> {
  const unlogged = engineOf(db) === 'postgres' ? 'unlogged ' : '';
  const bool = engineOf(db) === 'postgres' ? 'boolean' : 'integer';
  const time = engineOf(db) === 'postgres' ? 'timestamptz' : 'text';
  for (const [i] of KINDS.entries()) await raw(db, `create ${unlogged}table if not exists ${STAGED_LINKS(i)} (organisation_code text, value text, seq bigint)`);
  await raw(db, `create ${unlogged}table if not exists ${STAGED_PROGRESS} (organisation_code text, actor_key text, activity_id text, attempted ${bool}, completed ${bool}, passed ${bool}, best_score double precision, last_activity_at ${time})`);
}

export async function load(db: Db, options: LoadOptions, progress: (report: LoadReport) => void = () => undefined): Promise<LoadReport> {
  const started = performance.now();
  const chunk = options.chunk ?? 20_000;
  const writer = { organisationCode: options.organisationCode, clientId: options.clientId };
  const org = options.organisationCode;
  const definitions = new Map<string, Json>();
  let loaded = 0;
  while (loaded < options.total) {
    const size = Math.min(chunk, options.total - loaded);
    const stored = new Date();
    const storedText = stored.toISOString();
    const statements = Array.from({ length: size }, (_, i) => {
      const input = statementAt({ learners: options.learners, seed: options.seed }, options.from + loaded + i);
      return prepareStatement(input, { id: timeOrderedUuid(stored.getTime()), stored, authority: options.authority, version: '1.0.3' }).statement;
    });
    const indexed = statements.map((s) => indexStatement(s));
    const rows = statements.map((s, i) => statementValues(s, indexed[i] as (typeof indexed)[number], writer, storedText));
    const folded = new Map<string, Progress>();
    for (const s of statements) {
      const key = progressKey(s);
      if (key === null) continue;
      const k = `${key.actorKey}\u0000${key.activityId}`;
      const next = foldProgress(folded.get(k) ?? null, s);
      if (next !== null) folded.set(k, next);
      for (const { id, definition } of definedActivities(s)) definitions.set(id, mergeDefinition(definitions.get(id) ?? null, definition));
    }
    await db.transaction().execute(async (trx) => {
      const seqs: number[] = [];
      for (let i = 0; i < size; i += 5000) {
        for (const r of await bulkInsert<{ seq: number }>(trx, { table: 'xapi_statements', columns: STATEMENT_COLUMNS, rows: rows.slice(i, i + 5000), returning: 'seq' })) seqs.push(r.seq);
      }
      const staged: SqlValue[][][] = KINDS.map(() => []);
      indexed.forEach((ix, i) => { for (const [kind, value] of ix.links) staged[KINDS.indexOf(kind)]?.push([org, linkValue(value), seqs[i] as number]); });
      for (const [k, list] of staged.entries()) {
        for (let i = 0; i < list.length; i += 20_000) {
          await bulkInsert(trx, { table: STAGED_LINKS(k), columns: [['organisation_code', 'text'], ['value', 'text'], ['seq', 'bigint']], rows: list.slice(i, i + 20_000) });
        }
      }
      const progressRows = [...folded.values()].map((p) => progressValues(org, p));
      for (let i = 0; i < progressRows.length; i += 10_000) await bulkInsert(trx, { table: STAGED_PROGRESS, columns: PROGRESS_COLUMNS, rows: progressRows.slice(i, i + 10_000) });
    });
    loaded += size;
    progress({ loaded, seconds: (performance.now() - started) / 1000, done: false });
  }
  // The canonical definitions the bench client (scope all) makes, merged with what is held. Read first, then
  // one writing transaction: on SQLite a transaction that reads before it writes can find another loader writing.
  const merged = new Map<string, string>();
  for (const [id, definition] of definitions) {
    const held = await db.selectFrom('xapi_activities').select('definition').where('organisation_code', '=', org).where('activity_id', '=', id).executeTakeFirst();
    merged.set(id, canonicalJson(mergeDefinition(held === undefined ? null : JSON.parse(held.definition) as Json, definition)));
  }
  await db.transaction().execute(async (trx) => {
    for (const [id, definition] of merged) {
      await trx.insertInto('xapi_activities').values({ organisation_code: org, activity_id: id, definition, updated: new Date() })
        .onConflict((oc) => oc.columns(['organisation_code', 'activity_id']).doUpdateSet({ definition })).execute();
    }
  });
  return { loaded, seconds: (performance.now() - started) / 1000, done: true };
}

/** Move the staged entries into the real tables in key order, one kind per transaction, then drop the staging tables. */
export async function finish(db: Db): Promise<void> {
  const postgres = engineOf(db) === 'postgres';
  for (const [i, kind] of KINDS.entries()) {
    await db.transaction().execute(async (trx) => {
      await sql.raw(`insert into xapi_statement_links (organisation_code, kind, value, seq) select organisation_code, '${kind}', value, seq from ${STAGED_LINKS(i)} where true order by organisation_code, value, seq`).execute(trx);
    });
    await raw(db, `drop table ${STAGED_LINKS(i)}`);
  }
  // The staged folds of each transaction, merged (the aggregates are the fold's merge) and then merged into the held rows by the store's upsert.
  const or = (c: string) => (postgres ? `bool_or(${c})` : `max(${c})`);
  await db.transaction().execute(async (trx) => {
    await sql.raw(`insert into xapi_progress (${PROGRESS_COLUMNS.map(([c]) => c).join(', ')})
      select organisation_code, actor_key, activity_id, ${or('attempted')}, ${or('completed')}, ${or('passed')}, max(best_score), max(last_activity_at)
      from ${STAGED_PROGRESS} where true group by organisation_code, actor_key, activity_id order by organisation_code, actor_key, activity_id ${PROGRESS_MERGE}`).execute(trx);
  });
  await raw(db, `drop table ${STAGED_PROGRESS}`);
  if (postgres) await raw(db, 'analyze');
}

// As a child process: one task, reporting as it goes.
if (process.send !== undefined) {
  process.once('message', (message) => {
    const m = message as LoadMessage;
    const handle = openDatabase(m.url, { ...(m.schema === undefined ? {} : { schema: m.schema }), poolSize: 2 });
    const run = async () => {
      // This process's own connection may keep a large page cache: the finish sorts and fills whole indexes.
      if (handle.engine === 'sqlite') await sql`pragma cache_size = -500000`.execute(handle.db);
      if (m.task === 'load') process.send?.(await load(handle.db, m, (r) => process.send?.(r)));
      else {
        const started = performance.now();
        await finish(handle.db);
        process.send?.({ loaded: 0, seconds: (performance.now() - started) / 1000, done: true });
      }
      await handle.close();
    };
    run().catch((error: unknown) => { console.error(error); process.exit(1); });
  });
}
