// Single-use links sent to people: password resets (1 hour) and invitations
// (7 days). Only the SHA-256 of a token is kept, so a copy of the
// database cannot be used to reset anyone's password; a used or expired token
// is refused.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const accountTokens: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('account_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      // An invitation's staff record: the account it creates is linked to it.
      .addColumn('staff_id', 'text')
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('used_at', t.timestamp)
      .execute();
    await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'kind']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('account_tokens').ifExists().execute();
  },
};
