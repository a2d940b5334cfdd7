// Requests for event places with no line manager on the platform, on every
// database engine: an education lead (any organisation) or an organisation
// administrator (their own) decides them; a request with an active line
// manager stays the manager's alone; a manager's account deactivated after
// the request hands it over; the event's creating lead and the learner's
// organisation administrators are emailed; the learner is told where the
// request went; declining needs a reason in both languages; the audit row
// says in which capacity the decision was made.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { accountWritten } from '../../src/db/stores/accounts-version.js';
import { EmailStore } from '../../src/db/stores/email-store.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import type { Principal } from '../../src/domain/auth/index.js';
import { capacityFor, fallbackReach } from '../../src/domain/events/approvals.js';
import { linkStaff, sessionInput } from './support.js';

const EVENT = {
  title: { en: 'Consent masterclass', cy: 'Dosbarth meistr cydsyniad' }, summary: { en: 'Summary', cy: 'Crynodeb' },
  description: { en: 'Description', cy: 'Disgrifiad' }, topic: 'pharmacogenomics', cpdHours: 2, approvalRequired: true,
};

describe('who may decide a request (pure)', () => {
  const as = (grants: Principal['grants']): Principal => ({ userId: 'u', grants });
  const lead = as([{ role: 'education-lead', organisationCode: null }]);
  const admin = as([{ role: 'org-admin', organisationCode: '7A1' }]);
  it('gives the line manager theirs alone, and the fallback only requests with no line manager', () => {
    expect(capacityFor(admin, { isTheirLineManager: true, hasActiveLineManager: true, organisationCode: '7A1' })).toBe('line-manager');
    expect(capacityFor(lead, { isTheirLineManager: false, hasActiveLineManager: true, organisationCode: '7A1' })).toBeNull();
    expect(capacityFor(lead, { isTheirLineManager: false, hasActiveLineManager: false, organisationCode: null })).toBe('education-lead');
    expect(capacityFor(admin, { isTheirLineManager: false, hasActiveLineManager: false, organisationCode: '7A1' })).toBe('org-admin');
    expect(capacityFor(admin, { isTheirLineManager: false, hasActiveLineManager: false, organisationCode: '7A2' })).toBeNull();
    expect(capacityFor(as([{ role: 'platform-admin', organisationCode: null }]), { isTheirLineManager: false, hasActiveLineManager: false, organisationCode: '7A1' })).toBeNull();
    expect(capacityFor(as([...admin.grants, { role: 'education-lead', organisationCode: null }]), { isTheirLineManager: false, hasActiveLineManager: false, organisationCode: '7A1' })).toBe('education-lead');
    expect(fallbackReach(as([...admin.grants, { role: 'org-admin', organisationCode: '7A3' }]))).toEqual(['7A1', '7A3']);
    expect(fallbackReach(as([{ role: 'line-manager', organisationCode: '7A1' }]))).toEqual([]);
    expect(fallbackReach(lead)).toBe('all');
  });
});

describe.each(engines)('event approvals with no line manager on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let otherLead: SignedIn;
  let admin: SignedIn;
  let otherAdmin: SignedIn;
  let eventId: string;
  let sessionId: string;
  let emails: EmailStore;
  const n = engine.name;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: who.csrf, ...payload }).toString() });
  const subjects = async (userId: string) => {
    const rows = await t.app.database.db.selectFrom('email_messages').select('id').where('user_id', '=', userId).orderBy('created_at').execute();
    return Promise.all(rows.map(async (r) => emails.get(r.id)));
  };
  const bookingOf = async (userId: string) => t.app.database.db.selectFrom('event_bookings').selectAll().where('user_id', '=', userId).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  const capacityAudited = async (bookingId: string) => {
    const row = await t.app.database.db.selectFrom('audit_events').select(['action', 'actor_user_id', 'after_json']).where('entity_id', '=', bookingId).where('action', 'in', ['event.approval-approved', 'event.approval-declined']).executeTakeFirstOrThrow();
    const after = JSON.parse(row.after_json ?? '{}') as { capacity?: string };
    return { action: row.action, actor: row.actor_user_id, capacity: after.capacity };
  };
  /** A learner in `organisationCode` with this line manager assignment number (or none), who asks for a place. */
  const asker = async (name: string, organisationCode: string, lineManager: string | null, language: 'en' | 'cy' = 'en') => {
    const who = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { displayName: name });
    await linkStaff(t.app.database.db, who.userId, { organisationCode, assignmentNumber: `${name}-${n}`, lineManager });
    if (language === 'cy') await t.app.database.db.updateTable('users').set({ language: 'cy' }).where('id', '=', who.userId).execute();
    const asked = await post(who, `${language === 'cy' ? '/cy' : ''}/events/${eventId}/sessions/${sessionId}/book`);
    expect(asked.headers.location).toContain('done=awaiting-approval');
    return who;
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    emails = EmailStore.create(t.app.database.db);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    otherLead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A1' }]);
    otherAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A2' }]);
    const store = EventStore.create(t.app.database.db);
    const created = await store.createEvent(EVENT, sessionInput(), lead.userId);
    await store.setStatus(created.event.id, 'published', lead.userId);
    eventId = created.event.id;
    sessionId = created.sessionId;
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('sends a request with no line manager to the lead who made the event and the learner\'s organisation administrators; the lead approves it and the learner is booked', async () => {
    const learner = await asker('Nomanager', '7A1', null);
    const asked = await get(learner, `/events/${eventId}?done=awaiting-approval`);
    expect(asked.body).toContain('Your request has been sent to the education team');
    expect(asked.body).toContain('Waiting for the education team to approve');
    expect(asked.body).not.toContain('Waiting for your line manager');
    // Emailed: the creating lead and the 7A1 administrator; not another lead, not another organisation's administrator.
    expect((await subjects(lead.userId)).map((m) => m?.subject)).toEqual(['Approval asked, no line manager: Nomanager, Consent masterclass']);
    expect((await subjects(admin.userId)).map((m) => m?.subject)).toEqual(['Approval asked, no line manager: Nomanager, Consent masterclass']);
    expect(await subjects(otherLead.userId)).toEqual([]);
    expect(await subjects(otherAdmin.userId)).toEqual([]);
    // The learner is told where it went, in either language.
    expect((await get(learner, `/events/${eventId}`)).body).toContain('so your request went to the education team');
    expect((await get(learner, `/cy/events/${eventId}`)).body).toContain('felly aeth eich cais i&#39;r tîm addysg');

    // The lead's home page counts it; the approvals page shows it in the second section.
    expect((await get(lead, '/')).body).toContain('1 request for an event place waits for your approval');
    const page = await get(lead, '/events/approvals');
    expect(page.body).toMatch(/Requests with no line manager on the platform[\s\S]*Nomanager: Consent masterclass/);
    expect(page.body).toContain('Organisation: Betsi Cadwaladr University Health Board');
    expect((await get(admin, '/events/approvals')).body).toContain('Nomanager: Consent masterclass');
    expect((await get(otherAdmin, '/events/approvals')).body).not.toContain('Nomanager');

    // Another organisation's administrator cannot decide it.
    const booking = await bookingOf(learner.userId);
    expect((await post(otherAdmin, `/events/approvals/${booking.id}`, { decision: 'approve' })).headers.location).toContain('done=decided-already');
    expect((await bookingOf(learner.userId)).status).toBe('awaiting-approval');

    // Declining needs a reason: the error at the field, in English and in Welsh.
    const noReason = await post(lead, `/events/approvals/${booking.id}`, { decision: 'decline', reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain(`href="#reason-${booking.id}"`);
    expect(noReason.body).toContain('Enter a reason for declining');
    const welsh = await post(lead, `/cy/events/approvals/${booking.id}`, { decision: 'decline', reason: '' });
    expect(welsh.statusCode).toBe(400);
    expect(welsh.body).toContain(`href="#reason-${booking.id}"`);
    expect(welsh.body).toContain('Rhowch reswm dros wrthod');
    expect((await bookingOf(learner.userId)).status).toBe('awaiting-approval');

    expect((await post(lead, `/events/approvals/${booking.id}`, { decision: 'approve' })).headers.location).toContain('done=approved');
    expect((await bookingOf(learner.userId)).status).toBe('booked');
    expect(await capacityAudited(booking.id)).toEqual({ action: 'event.approval-approved', actor: lead.userId, capacity: 'education-lead' });
    // In Welsh: the learner's last page was Welsh, so that is their language now.
    expect((await subjects(learner.userId)).at(-1)?.subject).toContain('Wedi archebu: Dosbarth meistr cydsyniad');
    // Decided once: the administrator's later decision changes nothing.
    expect((await post(admin, `/events/approvals/${booking.id}`, { decision: 'decline', reason: 'Too late' })).headers.location).toContain('done=decided-already');
  });

  it('leaves a request with an active line manager to that manager alone, and hands it over when the manager\'s account is deactivated', async () => {
    const manager = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { displayName: 'Manager' });
    await linkStaff(t.app.database.db, manager.userId, { organisationCode: '7A1', assignmentNumber: `Boss-${n}` });
    const learner = await asker('Managed', '7A1', `Boss-${n}`, 'cy');
    expect((await subjects(manager.userId)).map((m) => m?.subject)).toEqual(['Approval asked: Managed, Consent masterclass']);
    expect(await subjects(admin.userId)).toHaveLength(1);
    const booking = await bookingOf(learner.userId);

    expect((await get(manager, '/events/approvals')).body).toContain('Managed: Consent masterclass');
    expect((await get(lead, '/events/approvals')).body).not.toContain('Managed: Consent masterclass');
    expect((await get(admin, '/events/approvals')).body).not.toContain('Managed: Consent masterclass');
    expect((await get(lead, '/')).body).not.toContain('waits for your approval');
    expect((await post(lead, `/events/approvals/${booking.id}`, { decision: 'approve' })).headers.location).toContain('done=decided-already');
    expect((await post(admin, `/events/approvals/${booking.id}`, { decision: 'approve' })).headers.location).toContain('done=decided-already');
    expect((await bookingOf(learner.userId)).status).toBe('awaiting-approval');
    expect((await get(learner, `/cy/events/${eventId}`)).body).not.toContain('tîm addysg (yr arweinydd');

    // The manager's account is deactivated after the request was made: the fallback may decide it now.
    await t.app.database.db.updateTable('users').set({ active: false }).where('id', '=', manager.userId).execute();
    accountWritten(manager.userId);
    expect((await get(lead, '/events/approvals')).body).toContain('Managed: Consent masterclass');
    expect((await get(learner, `/cy/events/${eventId}`)).body).toContain('felly aeth eich cais i&#39;r tîm addysg');
    expect((await post(admin, `/events/approvals/${booking.id}`, { decision: 'decline', reason: 'No places for this team' })).headers.location).toContain('done=declined');
    expect((await bookingOf(learner.userId)).status).toBe('declined');
    expect(await capacityAudited(booking.id)).toEqual({ action: 'event.approval-declined', actor: admin.userId, capacity: 'org-admin' });
    // The learner is told in Welsh, that the education team decided.
    const told = (await subjects(learner.userId)).at(-1);
    expect(told?.subject).toContain('Heb ei gymeradwyo: Dosbarth meistr cydsyniad');
    expect(told?.text).toContain('y tîm addysg a benderfynodd');
    expect(told?.text).toContain('No places for this team');
    expect((await get(learner, `/cy/events/${eventId}`)).body).toContain('Heb ei gymeradwyo gan y tîm addysg: No places for this team');
  });

  it('treats a line manager with no account as no line manager', async () => {
    const placeholder = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await linkStaff(t.app.database.db, placeholder.userId, { organisationCode: '7A2', assignmentNumber: `Noaccount-${n}` });
    // The manager's staff record stays; no account is linked to it.
    await t.app.database.db.updateTable('users').set({ staff_id: null }).where('id', '=', placeholder.userId).execute();
    accountWritten(placeholder.userId);
    const learner = await asker('Unlinked', '7A2', `Noaccount-${n}`);
    expect((await subjects(otherAdmin.userId)).map((m) => m?.subject)).toEqual(['Approval asked, no line manager: Unlinked, Consent masterclass']);
    expect((await get(otherAdmin, '/events/approvals')).body).toContain('Unlinked: Consent masterclass');
    expect((await get(admin, '/events/approvals')).body).not.toContain('Unlinked');
    const booking = await bookingOf(learner.userId);
    expect((await post(otherAdmin, `/events/approvals/${booking.id}`, { decision: 'approve' })).headers.location).toContain('done=approved');
    expect(await capacityAudited(booking.id)).toEqual({ action: 'event.approval-approved', actor: otherAdmin.userId, capacity: 'org-admin' });
  });
});
