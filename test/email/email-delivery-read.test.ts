// The email job reads a message and whether its address is recorded as failing
// in one statement (EmailStore.forDelivery). The address is matched in SQL only
// where SQL's lower/trim agree with normaliseAddress; every other address is
// checked as before, so no failing address is ever sent to again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { EmailStore } from '../../src/db/stores/email-store.js';
import { engines } from '../support/engines.js';

describe.each(engines)('reading a message for delivery on $name', (engine) => {
  let handle: DatabaseHandle;
  let store: EmailStore;
  beforeAll(async () => {
    handle = await engine.open();
    store = EmailStore.create(handle.db);
    await store.recordFailedAddress('Gone.Away@Example.test', 'No such mailbox', null);
    await store.recordFailedAddress('ÉLODIE@example.test', 'No such mailbox', null);
  });
  afterAll(async () => { await handle.close(); });

  const queue = async (recipient: string) => {
    const [id] = await store.insert([{ template: 'test-message', recipient, userId: null, language: 'en', subject: 'S', text: 'T', html: '<p>T</p>' }]);
    return id ?? '';
  };

  it('finds a failing address whatever its case or surrounding spaces, and not another', async () => {
    for (const recipient of ['gone.away@example.test', ' GONE.AWAY@example.TEST ']) {
      const found = await store.forDelivery(await queue(recipient));
      expect(found?.message.recipient).toBe(recipient);
      expect(found?.message.status).toBe('queued');
      expect(found?.failing, recipient).toBe(true);
    }
    expect((await store.forDelivery(await queue('still.here@example.test')))?.failing).toBe(false);
  });

  it('checks an address SQL would normalise differently (a letter beyond ASCII, a tab) as before', async () => {
    expect((await store.forDelivery(await queue('Élodie@example.test')))?.failing).toBe(true);
    expect((await store.forDelivery(await queue('\tgone.away@example.test')))?.failing).toBe(true);
    expect((await store.forDelivery(await queue('élodie.other@example.test')))?.failing).toBe(false);
  });

  it('knows no unknown message', async () => {
    expect(await store.forDelivery('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
