// Places reserved for organisations (quotas) on the event form, on every
// database engine: organisation rows added and removed without JavaScript
// (nothing saved); two quotas for one session saved, shown again on editing,
// audited with all of them before and after, and honoured by booking (a place
// reserved for one organisation is not given to another's staff); each
// mistake named at its field in English and in Welsh, with nothing written and
// what was typed kept; a blank row ignored.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { linkStaff } from './support.js';

describe.each(engines)('organisation quotas on the event form on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: who.csrf, ...payload }).toString() });
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  const EVENT = {
    titleEn: 'Cancer genomics masterclass', titleCy: 'Dosbarth meistr genomeg canser', summaryEn: 'Tumour testing', summaryCy: 'Profi tiwmorau', descriptionEn: 'A masterclass.', descriptionCy: 'Dosbarth meistr.',
    topic: 'cancer-genomics', cpdHours: '2', sessionCount: '1',
    's0-date': '2031-05-20', 's0-startTime': '10:00', 's0-endTime': '12:00', 's0-delivery': 'online', 's0-joinUrl': 'https://teams.example.test/join/q', 's0-capacity': '3', 's0-language': 'en',
  };
  /** Organisation rows of session 0: [organisation, places, until] each. */
  const rows = (...quotas: [string, string, string][]) => ({
    's0-quotaCount': String(quotas.length),
    ...Object.fromEntries(quotas.flatMap(([org, places, until], j) => [[`s0-quotaOrg-${String(j)}`, org], [`s0-quotaPlaces-${String(j)}`, places], [`s0-quotaUntil-${String(j)}`, until]])),
  });
  const written = async () => ({
    events: (await t.app.database.db.selectFrom('events').select('id').execute()).length,
    quotas: (await t.app.database.db.selectFrom('event_session_quotas').select('session_id').execute()).length,
  });
  /** The message shown at a field (nhsuk-frontend's `<id>-error`), without markup. */
  const messageAt = (body: string, id: string): string => {
    const at = body.indexOf(`id="${id}-error"`);
    if (at < 0) return '';
    const end = body.indexOf('</span>', body.indexOf('</span>', at) + 7);
    return body.slice(body.indexOf('>', at) + 1, end).replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  };
  const summaryLinks = (body: string): string[] => [...body.matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1] ?? '');

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('adds and removes organisation rows of a session without JavaScript, keeping what was typed and saving nothing', async () => {
    const added = await post(lead, '/admin/events', { ...EVENT, ...rows(['7A1', '1', '2031-05-01']), action: 'add-quota-0' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('id="s0-quotaOrg-1"');
    expect(added.body).toContain('name="s0-quotaCount" value="2"');
    expect(added.body).toMatch(/<option value="7A1" selected/);
    expect(added.body).toContain('value="remove-quota-0-1"');
    expect(added.body).toContain('Add another organisation<span class="nhsuk-u-visually-hidden"> to session 1</span>');
    // A redrawn form shows no errors: no field is marked as wrong (an empty message once marked every field).
    expect(added.body).not.toContain('nhsuk-form-group--error');
    expect((await get(lead, '/admin/events/new')).body).not.toContain('nhsuk-form-group--error');
    // Removing the first of two rows keeps the second, now first.
    const removed = await post(lead, '/admin/events', { ...EVENT, ...rows(['7A1', '1', '2031-05-01'], ['7A2', '2', '2031-05-02']), action: 'remove-quota-0-0' });
    expect(removed.statusCode).toBe(200);
    expect(removed.body).not.toContain('id="s0-quotaOrg-1"');
    expect(removed.body).toMatch(/<option value="7A2" selected/);
    expect(removed.body).not.toMatch(/<option value="7A1" selected/);
    expect(removed.body).toContain('value="2031-05-02"');
    // Removing the only row left blanks it (the way to take the last quota away); a blank only row has no button.
    expect(removed.body).toContain('value="remove-quota-0-0"');
    const blanked = await post(lead, '/admin/events', { ...EVENT, ...rows(['7A2', '2', '2031-05-02']), action: 'remove-quota-0-0' });
    expect(blanked.body).toContain('id="s0-quotaOrg-0"');
    expect(blanked.body).not.toMatch(/<option value="7A2" selected/);
    expect(blanked.body).not.toContain('value="2031-05-02"');
    expect(blanked.body).not.toContain('value="remove-quota-0-0"');
    // In Welsh.
    const welsh = await post(lead, '/cy/admin/events', { ...EVENT, ...rows(['7A1', '1', '2031-05-01']), action: 'add-quota-0' });
    expect(welsh.body).toContain('Ychwanegu sefydliad arall');
    expect(welsh.body).toContain('Dileu sefydliad 2');
    expect(await written()).toEqual({ events: 0, quotas: 0 });
  });

  it('names each mistake in the organisation rows at its field, in English and Welsh, and writes nothing', async () => {
    const bad = {
      ...EVENT,
      ...rows(
        ['', '1', '2031-05-01'], // no organisation
        ['7A2', '1', '2031-05-01'],
        ['7A2', '1', '2031-05-01'], // 7A2 again
        ['7A3', '0', '2031-05-21'], // no places; after the session
        ['7A4', '1.5', 'soon'], // not a whole number; not a date
      ),
      action: 'save',
    };
    const en = await post(lead, '/admin/events', bad);
    expect(en.statusCode).toBe(400);
    expect(summaryLinks(en.body)).toEqual(['s0-quotaOrg-0', 's0-quotaOrg-2', 's0-quotaPlaces-3', 's0-quotaUntil-3', 's0-quotaPlaces-4', 's0-quotaUntil-4']);
    expect(messageAt(en.body, 's0-quotaOrg-0')).toBe('Error: Choose the organisation');
    expect(messageAt(en.body, 's0-quotaOrg-2')).toBe('Error: This organisation already has places reserved in this session: choose another organisation or remove this one');
    expect(messageAt(en.body, 's0-quotaOrg-1')).toBe('');
    expect(messageAt(en.body, 's0-quotaPlaces-0')).toBe('');
    expect(messageAt(en.body, 's0-capacity')).toBe('');
    expect(messageAt(en.body, 's0-quotaPlaces-3')).toBe('Error: Enter the places reserved as a whole number, 1 or more');
    expect(messageAt(en.body, 's0-quotaPlaces-4')).toBe('Error: Enter the places reserved as a whole number, 1 or more');
    expect(messageAt(en.body, 's0-quotaUntil-3')).toBe('Error: Enter a real date the places are reserved until, before the day of the session');
    expect(messageAt(en.body, 's0-quotaUntil-4')).toBe('Error: Enter a real date the places are reserved until, before the day of the session');
    // The summary says which session and which organisation row.
    expect(en.body).toContain('Session 1, organisation 3: This organisation already has places reserved');
    // What was typed is kept.
    expect(en.body).toContain('value="1.5"');
    expect(en.body).toContain('value="soon"');
    expect(en.body).toContain('name="s0-quotaCount" value="5"');

    const cy = await post(lead, '/cy/admin/events', bad);
    expect(cy.statusCode).toBe(400);
    expect(summaryLinks(cy.body)).toEqual(['s0-quotaOrg-0', 's0-quotaOrg-2', 's0-quotaPlaces-3', 's0-quotaUntil-3', 's0-quotaPlaces-4', 's0-quotaUntil-4']);
    expect(messageAt(cy.body, 's0-quotaOrg-0')).toContain('Dewiswch y sefydliad');
    expect(messageAt(cy.body, 's0-quotaOrg-2')).toContain('Mae lleoedd eisoes wedi’u cadw i’r sefydliad hwn yn y sesiwn hon');
    expect(messageAt(cy.body, 's0-quotaPlaces-3')).toContain('Rhowch y lleoedd a gedwir fel rhif cyfan, 1 neu fwy');
    expect(messageAt(cy.body, 's0-quotaUntil-4')).toContain('Rhowch ddyddiad go iawn y cedwir y lleoedd tan, cyn diwrnod y sesiwn');
    expect(cy.body).toContain('Sesiwn 1, sefydliad 3: ');
    expect(await written()).toEqual({ events: 0, quotas: 0 });
  });

  it('refuses places reserved that add up to more than the session has, naming the row that goes past it', async () => {
    // Capacity 3: 2 + 1 fit, the third row's 1 goes past.
    const over = await post(lead, '/admin/events', { ...EVENT, ...rows(['7A1', '2', '2031-05-01'], ['7A2', '1', '2031-05-01'], ['7A3', '1', '2031-05-01']), action: 'save' });
    expect(over.statusCode).toBe(400);
    expect(summaryLinks(over.body)).toEqual(['s0-quotaPlaces-2']);
    expect(messageAt(over.body, 's0-quotaPlaces-2')).toBe('Error: The places reserved for organisations add up to more than the places in the session');
    const cy = await post(lead, '/cy/admin/events', { ...EVENT, ...rows(['7A1', '4', '2031-05-01']), action: 'save' });
    expect(summaryLinks(cy.body)).toEqual(['s0-quotaPlaces-0']);
    expect(messageAt(cy.body, 's0-quotaPlaces-0')).toContain('Mae’r lleoedd a gedwir i sefydliadau yn dod i fwy na’r lleoedd yn y sesiwn');
    expect(await written()).toEqual({ events: 0, quotas: 0 });
    // Exactly the places of the session is allowed (shown by the next test saving 1 + 1 of 3).
  });

  it('saves two quotas for a session (a blank row ignored), shows both on editing, audits them all, and booking honours both', async () => {
    const created = await post(lead, '/admin/events', { ...EVENT, ...rows(['7A2', '1', '2031-05-10'], ['', '', ''], ['7A1', '1', '2031-05-01']), action: 'save' });
    expect(created.statusCode).toBe(303);
    const event = await t.app.database.db.selectFrom('events').select('id').executeTakeFirstOrThrow();
    const session = await t.app.database.db.selectFrom('event_sessions').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow();
    const stored = await t.app.database.db.selectFrom('event_session_quotas').selectAll().where('session_id', '=', session.id).orderBy('organisation_code').execute();
    expect(stored.map((q) => [q.organisation_code, q.places, new Date(q.reserved_until).toISOString()])).toEqual([
      ['7A1', 1, '2031-05-01T22:59:00.000Z'], // 23:59 UK summer time
      ['7A2', 1, '2031-05-10T22:59:00.000Z'],
    ]);

    const form = await get(lead, `/admin/events/${event.id}/edit`);
    expect(form.body).toContain('name="s0-quotaCount" value="2"');
    expect(form.body).toMatch(/id="s0-quotaOrg-0"[\s\S]*?<option value="7A1" selected[\s\S]*id="s0-quotaOrg-1"[\s\S]*?<option value="7A2" selected/);
    expect(form.body).toMatch(/id="s0-quotaUntil-0"[^>]*value="2031-05-01"|value="2031-05-01"[^>]*id="s0-quotaUntil-0"/);
    expect(form.body).toMatch(/id="s0-quotaUntil-1"[^>]*value="2031-05-10"|value="2031-05-10"[^>]*id="s0-quotaUntil-1"/);

    const audit = AuditStore.create(t.app.database.db);
    const setOf = async () => (await audit.list({ entityType: 'event', entityId: event.id })).filter((a) => a.action === 'event.quotas-set');
    expect((await setOf())[0]?.after).toEqual({ sessionId: session.id, quotas: [
      { organisationCode: '7A1', places: 1, reservedUntil: '2031-05-01T22:59:00.000Z' },
      { organisationCode: '7A2', places: 1, reservedUntil: '2031-05-10T22:59:00.000Z' },
    ] });

    // Saving the form as shown changes nothing, so no new audit row.
    const sameForm = { ...EVENT, 's0-id': session.id, ...rows(['7A1', '1', '2031-05-01'], ['7A2', '1', '2031-05-10']), action: 'save' };
    expect((await post(lead, `/admin/events/${event.id}`, sameForm)).statusCode).toBe(303);
    expect(await setOf()).toHaveLength(1);

    // Booking: 3 places, one kept for 7A1 and one for 7A2 until May. Someone of neither gets the one free place;
    // the next waits; someone of 7A2 gets 7A2's place, a second of 7A2 waits (7A1's place is not theirs); 7A1's goes to 7A1.
    await post(lead, `/admin/events/${event.id}/publish`);
    const store = EventStore.create(t.app.database.db);
    const people = await Promise.all(['none1', 'none2', 'b1', 'b2', 'a1'].map(async (name) => ({ name, user: await signedIn(t.app, [{ role: 'learner', organisationCode: null }]) })));
    const tag = `${engine.name.slice(0, 2)}${String(Date.now()).slice(-6)}`;
    for (const { name, user } of people) {
      if (name !== 'none1' && name !== 'none2') await linkStaff(t.app.database.db, user.userId, { organisationCode: name.startsWith('a') ? '7A1' : '7A2', assignmentNumber: `${name.toUpperCase()}${tag}-1` });
      else await linkStaff(t.app.database.db, user.userId, { organisationCode: '7A3', assignmentNumber: `${name.toUpperCase()}${tag}-1` });
    }
    const outcomes: Record<string, string> = {};
    for (const { name, user } of people) outcomes[name] = (await store.book(session.id, user.userId)).outcome;
    expect(outcomes).toEqual({ none1: 'booked', none2: 'waiting', b1: 'booked', b2: 'waiting', a1: 'booked' });

    // Removing one quota on the form: the audit row has both before and the one left after.
    const removeOne = { ...EVENT, 's0-id': session.id, ...rows(['7A1', '1', '2031-05-01'], ['', '', '']), action: 'save' };
    expect((await post(lead, `/admin/events/${event.id}`, removeOne)).statusCode).toBe(303);
    const sets = await setOf();
    expect(sets).toHaveLength(2);
    const last = sets.find((a) => (a.after as { quotas: unknown[] }).quotas.length === 1);
    expect(last?.before).toEqual({ sessionId: session.id, quotas: [
      { organisationCode: '7A1', places: 1, reservedUntil: '2031-05-01T22:59:00.000Z' },
      { organisationCode: '7A2', places: 1, reservedUntil: '2031-05-10T22:59:00.000Z' },
    ] });
    expect(last?.after).toEqual({ sessionId: session.id, quotas: [{ organisationCode: '7A1', places: 1, reservedUntil: '2031-05-01T22:59:00.000Z' }] });
    expect((await t.app.database.db.selectFrom('event_session_quotas').select('organisation_code').where('session_id', '=', session.id).execute()).map((q) => q.organisation_code)).toEqual(['7A1']);
  });
});
