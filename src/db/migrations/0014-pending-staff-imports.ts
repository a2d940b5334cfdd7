// A checked staff extract kept for the person who checked it, so that they can
// import it without choosing the file again. One per person, kept for an hour
// at most (PENDING_IMPORT_MINUTES in the staff store), deleted when it is
// imported, replaced or expired. It holds the file's text as read, so it holds
// the same personal data as the extract; nothing else reads it.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const pendingStaffImports: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('staff_import_pending')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('encoding', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('staff_import_pending_user').on('staff_import_pending').column('user_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('staff_import_pending').execute();
  },
};
