// Single sign-on and account state. Accounts remember the identity provider's
// subject they are linked to (so a changed email at the provider still finds the
// same account), when they last signed in, and whether their password must be
// changed before anything else (the one-time password `users create` prints).
// Sign-ins under way with the provider are kept in the database, not in a web
// process, so the provider may send the person back to any process; each is
// single-use and short-lived.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const singleSignOn: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.alterTable('users').addColumn('oidc_issuer', 'text').execute();
    await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
    await db.schema.alterTable('users').addColumn('last_signed_in_at', t.timestamp).execute();
    await db.schema.alterTable('users').addColumn('must_change_password', t.boolean, (c) => c.notNull().defaultTo(false)).execute();
    await db.schema.createIndex('users_oidc_subject').on('users').columns(['oidc_issuer', 'oidc_subject']).unique().execute();

    await db.schema.createTable('oidc_sign_ins')
      // SHA-256 of the state sent to the provider; the state itself is never stored.
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      // SHA-256 of a random value in an HttpOnly cookie: the browser that began the sign-in must finish it.
      .addColumn('browser_hash', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('return_to', 'text')
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oidc_sign_ins_expires').on('oidc_sign_ins').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('oidc_sign_ins').ifExists().execute();
    await db.schema.dropIndex('users_oidc_subject').ifExists().execute();
    await db.schema.alterTable('users').dropColumn('must_change_password').execute();
    await db.schema.alterTable('users').dropColumn('last_signed_in_at').execute();
    await db.schema.alterTable('users').dropColumn('oidc_subject').execute();
    await db.schema.alterTable('users').dropColumn('oidc_issuer').execute();
  },
};
