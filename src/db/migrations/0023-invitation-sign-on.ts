// Accepting an invitation by single sign-on: a sign-in begun from an
// invitation's page remembers that invitation (the SHA-256 of its token, never
// the token), so the callback can spend it and link the new account to the
// invited staff record, or refuse with nothing created.

import type { Kysely, Migration } from 'kysely';

export const invitationSignOn: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('oidc_sign_ins').addColumn('invitation_hash', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('oidc_sign_ins').dropColumn('invitation_hash').execute();
  },
};
