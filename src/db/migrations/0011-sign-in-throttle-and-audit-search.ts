// Sign-in throttling by decaying counters (src/domain/auth/sign-in-throttle.ts)
// in place of fixed windows, the addresses each account has signed in from,
// and indexes for the audit log's filters (who, what, organisation).

import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const signInThrottleAndAuditSearch: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.dropTable('sign_in_failures').ifExists().execute();
    await db.schema.createTable('sign_in_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('score', t.real, (c) => c.notNull())
      .addColumn('last_failure_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sign_in_counters_last_failure').on('sign_in_counters').column('last_failure_at').execute();
    await db.schema.createTable('sign_in_known_addresses')
      .addColumn('account_key', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('last_success_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('sign_in_known_addresses_pk', ['account_key', 'address'])
      .execute();
    await db.schema.createIndex('audit_actor').on('audit_events').columns(['actor_user_id', 'id']).execute();
    await db.schema.createIndex('audit_action').on('audit_events').columns(['action', 'id']).execute();
    await db.schema.createIndex('audit_organisation').on('audit_events').columns(['organisation_code', 'id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    for (const index of ['audit_actor', 'audit_action', 'audit_organisation']) await sql`drop index if exists ${sql.id(index)}`.execute(db);
    await db.schema.dropTable('sign_in_known_addresses').ifExists().execute();
    await db.schema.dropTable('sign_in_counters').ifExists().execute();
    await db.schema.createTable('sign_in_failures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', t.timestamp, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();
  },
};
