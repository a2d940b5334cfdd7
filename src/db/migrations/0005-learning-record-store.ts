// The learning record store (xAPI): clients with their credentials and read
// grants, statements (the full JSON as received and prepared), the values each
// statement matches for the query filters, canonical activity definitions,
// documents, attachments and the progress projection.
//
// Every query filters by organisation first and reads newest-first by seq (the
// order statements were stored), so each index is (organisation, filter, seq).

import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, engineOf } from '../dialect.js';

export const learningRecordStore: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);

    await db.schema.createTable('xapi_clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .execute();
    await db.schema.createIndex('xapi_clients_org').on('xapi_clients').columns(['organisation_code', 'created_at']).execute();

    // The statement as stored (JSON, returned as is, so reads do no assembly) and
    // the few columns the store itself needs: the progress pair, the statement a
    // StatementRef targets, voiding. Query filters go through xapi_statement_links.
    // inherited: the link keys a StatementRef statement takes from its target
    // (JSON array of [kind, value]), null for every other statement.
    await db.schema.createTable('xapi_statements')
      .addColumn('seq', t.bigAutoId, (c) => (engineOf(db) === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('stored', t.timestamp, (c) => c.notNull())
      .addColumn('actor_key', 'text')
      .addColumn('object_activity_id', 'text')
      .addColumn('object_statement_ref', 'text')
      .addColumn('voided', t.boolean, (c) => c.notNull())
      .addColumn('is_voiding', t.boolean, (c) => c.notNull())
      .addColumn('inherited', 'text')
      .addColumn('statement_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('xapi_statements_org_seq').on('xapi_statements').columns(['organisation_code', 'seq']).execute();
    // Statements that target another (rare): found when their target arrives later.
    await db.schema.createIndex('xapi_statements_ref').on('xapi_statements').columns(['organisation_code', 'object_statement_ref'])
      .where(sql<boolean>`object_statement_ref is not null`).execute();

    // One row per statement per value a query filter matches, so that every filter
    // is one index range already in stored order. kind (short: these are most of
    // the rows): 'a' actor or object agent/group (agent), 'a+' any other related
    // agent (related_agents), 'v' verb, 't' object activity (activity), 't+' any
    // other related activity (related_activities), 'r' registration. A statement
    // whose object is a StatementRef also carries its target's keys (the spec's
    // filter rule for StatementRefs). No index by seq: a statement's keys are
    // recomputed from its JSON when it is erased.
    await db.schema.createTable('xapi_statement_links')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('xapi_statement_links_pk', ['organisation_code', 'kind', 'value', 'seq'])
      // On SQLite the table is its primary key (one B-tree instead of two): the links are most of the writes.
      .$call((b) => (engineOf(db) === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
      .execute();

    // The canonical definition of each activity, per organisation: assembled from
    // the definitions sent by clients with the define scope (language maps merged).
    await db.schema.createTable('xapi_activities')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('updated', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('xapi_activities_pk', ['organisation_code', 'activity_id'])
      .execute();

    // An organisation letting another organisation's client read its statements.
    await db.schema.createTable('xapi_read_grants')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('xapi_read_grants_pk', ['client_id', 'organisation_code'])
      .execute();

    // State, activity profile and agent profile documents. scope: what the document
    // hangs off (activity|agent|registration for state, the activity or the agent
    // for profiles). content: the bytes as base64, whatever the content type.
    await db.schema.createTable('xapi_documents')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('document_id', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('etag', 'text', (c) => c.notNull())
      .addColumn('updated', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('xapi_documents_pk', ['organisation_code', 'kind', 'scope', 'document_id'])
      .execute();

    // Attachment content sent in multipart/mixed, addressed by its SHA-2 (shared by every statement that declares it).
    await db.schema.createTable('xapi_attachments')
      .addColumn('sha2', 'text', (c) => c.primaryKey())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .execute();

    // Per person (agent key) per activity, folded from the non-voided statements.
    await db.schema.createTable('xapi_progress')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('actor_key', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text', (c) => c.notNull())
      .addColumn('attempted', t.boolean, (c) => c.notNull())
      .addColumn('completed', t.boolean, (c) => c.notNull())
      .addColumn('passed', t.boolean)
      .addColumn('best_score', t.real)
      .addColumn('last_activity_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('xapi_progress_pk', ['organisation_code', 'actor_key', 'activity_id'])
      .$call((b) => (engineOf(db) === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['xapi_read_grants', 'xapi_activities', 'xapi_attachments', 'xapi_documents', 'xapi_progress', 'xapi_statement_links', 'xapi_statements', 'xapi_clients']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
