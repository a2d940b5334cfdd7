// The foundation tables: people with accounts, their roles, sessions, the staff
// directory, its imports, and the append-only audit log.

import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, engineOf } from '../dialect.js';

export const foundation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);

    await db.schema.createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
      .addColumn('staff_id', 'text')
      .addColumn('active', t.boolean, (c) => c.notNull())
      .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('role_grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('granted_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('role_grants_unique', ['user_id', 'role', 'organisation_code'])
      .execute();

    await db.schema.createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema.createTable('sign_in_failures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', t.timestamp, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();

    await db.schema.createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('employee_number', 'text', (c) => c.notNull())
      .addColumn('assignment_number', 'text', (c) => c.notNull().unique())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('job_role', 'text', (c) => c.notNull())
      .addColumn('band_code', 'text', (c) => c.notNull())
      .addColumn('wte', t.real, (c) => c.notNull())
      .addColumn('assignment_start_date', 'text', (c) => c.notNull())
      .addColumn('age_band', 'text', (c) => c.notNull())
      .addColumn('line_manager_assignment_number', 'text')
      .addColumn('active', t.boolean, (c) => c.notNull())
      .addColumn('left_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('staff_org_active').on('staff').columns(['organisation_code', 'active', 'last_name']).execute();
    await db.schema.createIndex('staff_manager').on('staff').column('line_manager_assignment_number').execute();
    await db.schema.createIndex('staff_email').on('staff').column('email').execute();

    await db.schema.createTable('staff_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_codes', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('added', 'integer', (c) => c.notNull())
      .addColumn('updated', 'integer', (c) => c.notNull())
      .addColumn('leavers', 'integer', (c) => c.notNull())
      .addColumn('unchanged', 'integer', (c) => c.notNull())
      .addColumn('error_count', 'integer', (c) => c.notNull())
      .addColumn('warning_count', 'integer', (c) => c.notNull())
      .addColumn('imported_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('audit_events')
      .addColumn('id', t.bigAutoId, (c) => (engineOf(db) === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('organisation_code', 'text')
      .addColumn('before_json', 'text')
      .addColumn('after_json', 'text')
      .execute();
    await db.schema.createIndex('audit_entity').on('audit_events').columns(['entity_type', 'entity_id']).execute();
    await db.schema.createIndex('audit_at').on('audit_events').column('at').execute();

    // The audit log is append-only: the database itself refuses changes to it.
    if (engineOf(db) === 'postgres') {
      await sql`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
    } else {
      await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['audit_events', 'staff_imports', 'staff', 'sign_in_failures', 'sessions', 'role_grants', 'users']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    if (engineOf(db) === 'postgres') await sql`DROP FUNCTION IF EXISTS audit_events_append_only()`.execute(db);
  },
};
