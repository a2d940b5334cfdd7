// Accepting an invitation by single sign-on: a sign-in begun from an
// invitation's page remembers that invitation (the SHA-256 of its token, never
// the token), so the callback can spend it and link the new account to the
// invited staff record, or refuse with nothing created.
// And whether an account's language is known: an account made by `genomeg
// users create` has not chosen one until its first page, so until then its
// emails are in Welsh then English. Existing accounts keep theirs as known.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const invitationSignOn: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('oidc_sign_ins').addColumn('invitation_hash', 'text').execute();
    await db.schema.alterTable('users').addColumn('language_known', columnTypes(db).boolean, (c) => c.notNull().defaultTo(true)).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('language_known').execute();
    await db.schema.alterTable('oidc_sign_ins').dropColumn('invitation_hash').execute();
  },
};
