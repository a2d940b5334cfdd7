// A signed-in request's first question, answered in one query: whose session
// is this, and what may they do?

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { hashToken, SESSION_KEEP_MS, SessionStore } from '../../src/db/stores/session-store.js';
import { AccountStore } from '../../src/db/stores/account-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { engines } from '../support/engines.js';

describe.each(engines)('sessions on $name', (engine) => {
  let handle: DatabaseHandle;
  let sessions: SessionStore;
  let users: UserStore;

  beforeAll(async () => {
    handle = await engine.open();
    sessions = SessionStore.create(handle.db, 60 * 60 * 1000, 12 * 60 * 60 * 1000);
    users = UserStore.create(handle.db);
  });
  afterAll(async () => { await handle.close(); });

  it('finds the person with every role they hold, and the session\'s form token', async () => {
    const user = await users.create({
      email: 'seren@test.genomeg.test', displayName: 'Seren Davies', passwordHash: null,
      grants: [{ role: 'org-admin', organisationCode: '7A1' }, { role: 'learner', organisationCode: null }, { role: 'line-manager', organisationCode: '7A1' }],
    }, null);
    const { token, session } = await sessions.start(user.id);
    const found = await sessions.findWithUser(token);
    expect(found?.user).toMatchObject({ id: user.id, displayName: 'Seren Davies', active: true });
    expect(found?.user.grants).toEqual([
      { role: 'learner', organisationCode: null }, { role: 'line-manager', organisationCode: '7A1' }, { role: 'org-admin', organisationCode: '7A1' },
    ]);
    expect(found?.session.csrfToken).toBe(session.csrfToken);
    expect(found?.session.userId).toBe(user.id);
  });

  it('finds a person who holds no role', async () => {
    const user = await users.create({ email: 'rhys@test.genomeg.test', displayName: 'Rhys Bowen', passwordHash: null, grants: [] }, null);
    const { token } = await sessions.start(user.id);
    expect((await sessions.findWithUser(token))?.user.grants).toEqual([]);
  });

  it('knows no unknown token, and ends an expired session', async () => {
    expect(await sessions.findWithUser('no-such-token')).toBeUndefined();
    const user = await users.create({ email: 'mali@test.genomeg.test', displayName: 'Mali Rees', passwordHash: null, grants: [] }, null);
    const { token } = await sessions.start(user.id);
    await handle.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id_hash', '=', hashToken(token)).execute();
    expect(await sessions.findWithUser(token)).toBeUndefined();
    expect(await handle.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashToken(token)).executeTakeFirst()).toBeUndefined();
  });

  it('ends a session twelve hours (SESSION_MAX_HOURS) after it began, however recently it was used', async () => {
    const user = await users.create({ email: 'absolute@test.genomeg.test', displayName: 'Aled Absolute', passwordHash: null, grants: [] }, null);
    const { token } = await sessions.start(user.id);
    const ago = (hours: number) => new Date(Date.now() - hours * 3600_000);
    await handle.db.updateTable('sessions').set({ created_at: ago(12.01), last_seen_at: ago(0.01), expires_at: ago(-0.9) }).where('id_hash', '=', hashToken(token)).execute();
    expect(await sessions.findWithUser(token)).toBeUndefined();
    expect(await handle.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashToken(token)).executeTakeFirst()).toBeUndefined();
  });

  it('never slides a session\'s expiry past its absolute end', async () => {
    const user = await users.create({ email: 'sliding@test.genomeg.test', displayName: 'Sioned Sliding', passwordHash: null, grants: [] }, null);
    const { token } = await sessions.start(user.id);
    const began = new Date(Date.now() - 11.5 * 3600_000);
    await handle.db.updateTable('sessions').set({ created_at: began, last_seen_at: new Date(Date.now() - 120_000) }).where('id_hash', '=', hashToken(token)).execute();
    const found = await sessions.findWithUser(token);
    if (found === undefined) throw new Error('the session should still be there');
    await sessions.touch(token, found.session);
    const after = await sessions.findWithUser(token);
    // Idle time would take it to an hour from now; its absolute end is half an hour from now.
    expect(after?.session.expiresAt.getTime()).toBe(began.getTime() + 12 * 3600_000);
  });

  describe('kept in memory for a few seconds', () => {
    const HOUR = 3_600_000;
    let now = Date.now();
    let kept: SessionStore;
    beforeAll(() => { kept = SessionStore.create(handle.db, HOUR, 12 * HOUR, { clock: () => now }); });

    it('sees a session deleted by another process within SESSION_KEEP_MS, and at once when this process ends it', async () => {
      const user = await users.create({ email: 'kept@test.genomeg.test', displayName: 'Cadi Kept', passwordHash: null, grants: [] }, null);
      const { token } = await kept.start(user.id);
      expect(await kept.findWithUser(token)).toBeDefined();
      // Another process (a second server, the command line) signs it out: no store of this process is told.
      await handle.db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute();
      now += SESSION_KEEP_MS - 1;
      expect((await kept.findWithUser(token))?.user.id).toBe(user.id);
      now += 1;
      expect(await kept.findWithUser(token)).toBeUndefined();

      const again = await kept.start(user.id);
      expect(await kept.findWithUser(again.token)).toBeDefined();
      // Signed out by this process through another store (another app in the process): seen at the next look-up.
      await SessionStore.create(handle.db, HOUR, 12 * HOUR).end(again.token);
      expect(await kept.findWithUser(again.token)).toBeUndefined();
    });

    it('drops every kept session once this process removes a role, changes a language or deactivates an account', async () => {
      const user = await users.create({ email: 'dropped@test.genomeg.test', displayName: 'Dylan Dropped', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A1' }, { role: 'learner', organisationCode: null }] }, null);
      const { token } = await kept.start(user.id);
      expect((await kept.findWithUser(token))?.user.grants).toContainEqual({ role: 'org-admin', organisationCode: '7A1' });
      await users.revoke(user.id, { role: 'org-admin', organisationCode: '7A1' }, user.id);
      expect((await kept.findWithUser(token))?.user.grants).toEqual([{ role: 'learner', organisationCode: null }]);
      await users.setLanguage(user.id, 'cy');
      expect((await kept.findWithUser(token))?.user.language).toBe('cy');
      await AccountStore.create(handle.db).setActive(user.id, false, user.id);
      expect(await kept.findWithUser(token)).toBeUndefined();
    });

    it('drops only that person\'s kept session when their own language or last sign-in is written, everyone\'s for a role', async () => {
      const first = await users.create({ email: 'own.first@test.genomeg.test', displayName: 'Owain First', passwordHash: null, grants: [] }, null);
      const second = await users.create({ email: 'own.second@test.genomeg.test', displayName: 'Osian Second', passwordHash: null, grants: [] }, null);
      const a = await kept.start(first.id);
      const b = await kept.start(second.id);
      expect(await kept.findWithUser(a.token)).toBeDefined();
      expect(await kept.findWithUser(b.token)).toBeDefined();
      // The second's session is deleted by another process: this process goes on trusting its kept copy until something says otherwise.
      await handle.db.deleteFrom('sessions').where('id_hash', '=', hashToken(b.token)).execute();
      await users.setLanguage(first.id, 'cy');
      await users.recordSuccessfulSignIn(first.id);
      expect((await kept.findWithUser(a.token))?.user.language).toBe('cy');
      expect((await kept.findWithUser(b.token))?.user.id).toBe(second.id);
      await users.grant(first.id, { role: 'learner', organisationCode: null }, first.id);
      expect(await kept.findWithUser(b.token)).toBeUndefined();
    });

    it('checks both ends of a kept session against the clock on every look-up', async () => {
      const user = await users.create({ email: 'clock@test.genomeg.test', displayName: 'Carys Clock', passwordHash: null, grants: [] }, null);
      const short = SessionStore.create(handle.db, 1_000, 2_000, { clock: () => now });
      const { token } = await short.start(user.id);
      expect(await short.findWithUser(token)).toBeDefined();
      // Idle past its sliding end, though read well within SESSION_KEEP_MS: ended, and removed from the database.
      now += 1_000;
      expect(await short.findWithUser(token)).toBeUndefined();
      expect(await handle.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashToken(token)).executeTakeFirst()).toBeUndefined();
    });

    it('follows its own sliding of the expiry, so a kept session stays kept while in use', async () => {
      const user = await users.create({ email: 'slide@test.genomeg.test', displayName: 'Sian Slide', passwordHash: null, grants: [] }, null);
      const { token } = await kept.start(user.id);
      const first = await kept.findWithUser(token);
      if (first === undefined) throw new Error('the session should be there');
      now += 60_000;
      // Past SESSION_KEEP_MS: read again, then slid forward as the sign-in hook does.
      const read = await kept.findWithUser(token);
      if (read === undefined) throw new Error('the session should be there');
      await kept.touch(token, read.session);
      const slid = await kept.findWithUser(token);
      expect(slid?.session.expiresAt.getTime()).toBe(now + HOUR);
      const row = await handle.db.selectFrom('sessions').select('expires_at').where('id_hash', '=', hashToken(token)).executeTakeFirst();
      expect(new Date(row?.expires_at ?? 0).getTime()).toBe(now + HOUR);
    });
  });
});
