// Email end to end on both engines: composed in the person's language (or in
// Welsh then English), queued as a job, delivered to a real SMTP server on
// 127.0.0.1 and read back with mailparser; links that work when followed; a
// temporary refusal retried; a permanent one recorded and shown to
// administrators; with no mail server, the outbox and ids-only logging.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressObject } from 'mailparser';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { EmailService } from '../../src/services/email/email-service.js';
import { eventually } from '../support/eventually.js';

function addressesOf(to: AddressObject | AddressObject[] | undefined): string[] {
  return [to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
}

describe.each(engines)('email through a mail server ($name)', (engine) => {
  let t: TestApp;
  let smtp: TestSmtp;
  const publicUrl = 'http://genomeg.test';

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await buildTestApp(engine, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_STARTTLS: 'off', MAIL_FROM: 'Genomeg <genomeg@test.genomeg.test>', PUBLIC_URL: publicUrl });
    await t.app.jobs.start();
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  }, 120_000);

  const received = (to: string) => smtp.received.filter((m) => addressesOf(m.to).includes(to));

  it('sends a Welsh speaker their message in Welsh, with a link that works when followed', async () => {
    const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const to = `cy-${person.userId}@test.genomeg.test`;
    const id = await t.app.email.sendEmail('reminder-due-soon', { address: to, userId: person.userId, name: 'Siân' }, { module: 'Genomeg i bawb', dueDate: '31 Rhagfyr 2026', link: `${publicUrl}/cy/my-learning/messages` }, 'cy');
    await eventually(() => received(to).length === 1);
    const mail = received(to)[0]!;
    expect(addressesOf(mail.to)).toEqual([to]);
    expect(mail.subject).toBe('Nodyn atgoffa: mae angen cwblhau Genomeg i bawb erbyn 31 Rhagfyr 2026');
    expect(mail.text).toContain('Annwyl Siân,');
    expect(mail.text).not.toContain('Dear');
    expect(mail.html).toContain('lang="cy"');
    expect(mail.html).not.toMatch(/<img/i);
    expect(mail.headers.get('content-language')).toBe('cy');
    // The link, followed, is the person's Messages page in Welsh, which lists this message.
    const link = /href="([^"]+)"/.exec(String(mail.html))?.[1] ?? '';
    expect(link.startsWith(publicUrl)).toBe(true);
    const page = await t.app.inject({ method: 'GET', url: link.slice(publicUrl.length), headers: { cookie: person.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Negeseuon');
    expect(page.body).toContain(`/my-learning/messages/${id}`);
    expect((await t.app.email.store.get(id))?.status).toBe('sent');
  }, 60_000);

  it('writes Welsh first, then English, when the language is not known', async () => {
    const to = 'unknown-language@test.genomeg.test';
    await t.app.email.sendEmail('test-message', { address: to, name: 'Alex' }, { link: `${publicUrl}/` }, null);
    await eventually(() => received(to).length === 1);
    const mail = received(to)[0]!;
    expect(mail.subject).toBe('Neges brawf Genomeg / Genomeg test message');
    const text = mail.text ?? '';
    expect(text.indexOf('Annwyl Alex')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Annwyl Alex')).toBeLessThan(text.indexOf('Dear Alex'));
    expect(mail.headers.get('content-language')).toBe('cy, en');
  }, 60_000);

  it('writes Welsh first, then English, to an account whose language is not known yet (made by users create), until the person reads a page', async () => {
    const user = await t.app.stores.users.create({ email: `new-admin-${String(Date.now())}@test.genomeg.test`, displayName: 'Alex Admin', passwordHash: null, languageKnown: false }, null);
    expect(user.languageKnown).toBe(false);
    // The caller passes the recorded language (a default 'en' here): not known, so both.
    const first = await t.app.email.sendEmail('test-message', { address: user.email, userId: user.id, name: 'Alex' }, { link: `${publicUrl}/` }, user.language);
    expect((await t.app.email.store.get(first))?.subject).toBe('Neges brawf Genomeg / Genomeg test message');
    // A caller that has read the account (a booking) says whether the language is known: the service takes its word.
    const told = await t.app.email.sendEmail('test-message', { address: user.email, userId: user.id, name: 'Alex', languageKnown: false }, { link: `${publicUrl}/` }, 'en');
    expect((await t.app.email.store.get(told))?.subject).toBe('Neges brawf Genomeg / Genomeg test message');
    const known = await t.app.email.sendEmail('test-message', { address: user.email, userId: user.id, name: 'Alex', languageKnown: true }, { link: `${publicUrl}/` }, 'en');
    expect((await t.app.email.store.get(known))?.subject).toBe('Genomeg test message');
    // The person reads a page in English: from then on, English only.
    const { token } = await t.app.stores.sessions.start(user.id);
    expect((await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `gnm_session=${token}`, accept: 'text/html' } })).statusCode).toBe(200);
    const now = await t.app.stores.users.findById(user.id);
    expect(now?.languageKnown).toBe(true);
    expect(now?.language).toBe('en');
    const second = await t.app.email.sendEmail('test-message', { address: user.email, userId: user.id, name: 'Alex' }, { link: `${publicUrl}/` }, now?.language ?? null);
    expect((await t.app.email.store.get(second))?.subject).toBe('Genomeg test message');
  }, 60_000);

  it('escapes what it is given in the HTML part', async () => {
    const to = 'escape@test.genomeg.test';
    await t.app.email.sendEmail('test-message', { address: to, name: '<script>alert(1)</script>' }, {}, 'en');
    await eventually(() => received(to).length === 1);
    expect(received(to)[0]!.html).not.toContain('<script>');
    expect(received(to)[0]!.html).toContain('&lt;script&gt;');
  }, 60_000);

  it('keeps messages sent at the same moment in shared inserts, each its own row, and delivers each once to its own person', async () => {
    let inserts = 0;
    const counted = t.database.db.withPlugin({
      transformQuery: (args) => { if (args.node.kind === 'InsertQueryNode') inserts++; return args.node; },
      transformResult: (args) => Promise.resolve(args.result),
    });
    const sender = EmailService.create(counted, t.app.jobs, { SMTP_HOST: '127.0.0.1', SMTP_PORT: smtp.port, SMTP_SECURE: false, SMTP_STARTTLS: 'off', MAIL_FROM: 'Genomeg <genomeg@test.genomeg.test>' });
    const people = Array.from({ length: 25 }, (_, i) => ({ to: `together-${String(i)}@test.genomeg.test`, module: `Module ${String(i)}` }));
    const ids = await Promise.all(people.map((p) => sender.sendEmail('reminder-due-soon', { address: p.to, name: 'Sam' }, { module: p.module, dueDate: '31 December 2026', link: `${publicUrl}/my-learning` }, 'en')));
    expect(new Set(ids).size).toBe(25);
    // One insert for the first, one for the 24 that came while it was written (a slow machine may split them once more).
    expect(inserts).toBeLessThanOrEqual(3);
    await eventually(() => people.every((p) => received(p.to).length === 1));
    for (const [i, p] of people.entries()) {
      expect(received(p.to)[0]?.subject).toContain(p.module);
      expect((await t.app.email.store.get(ids[i] ?? ''))?.recipient).toBe(p.to);
    }
    await eventually(async () => (await Promise.all(ids.map((id) => t.app.email.store.get(id)))).every((m) => m?.status === 'sent' && m.attempts === 1));
    sender.close();
  }, 60_000);

  it('retries a temporary refusal with back-off, then delivers', async () => {
    const to = 'busy@test.genomeg.test';
    smtp.refuseOnce.add(to);
    const quick = EmailService.create(t.app.database.db, t.app.jobs, t.app.config, undefined, { retryDelaySeconds: 1 });
    const id = await quick.sendEmail('test-message', { address: to, name: 'Busy' }, {}, 'en');
    await eventually(async () => (await t.app.email.store.get(id))?.status === 'sent', 60_000);
    const message = await t.app.email.store.get(id);
    expect(message?.attempts).toBe(2);
    expect(received(to)).toHaveLength(1);
    quick.close();
  }, 90_000);

  it('records an address refused for good, shows it to administrators, and sends it nothing more', async () => {
    const to = 'no-such-person@test.genomeg.test';
    smtp.refuse.add(to);
    const first = await t.app.email.sendEmail('test-message', { address: to, name: 'Nobody' }, {}, 'en');
    await eventually(async () => (await t.app.email.store.get(first))?.status === 'failed');
    expect(await t.app.email.store.isFailedAddress(to.toUpperCase())).toBe(true);
    const second = await t.app.email.sendEmail('test-message', { address: to, name: 'Nobody' }, {}, 'en');
    await eventually(async () => (await t.app.email.store.get(second))?.status === 'suppressed');

    const admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    const outbox = await t.app.inject({ method: 'GET', url: '/admin/outbox', headers: { cookie: admin.cookie } });
    expect(outbox.statusCode).toBe(200);
    expect(outbox.body).toContain(to);
    expect(outbox.body).toContain('No such mailbox');
    expect(outbox.body).toContain('127.0.0.1');
  }, 60_000);
});

describe.each(engines)('email with no mail server ($name)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    await t.app.jobs.start();
  }, 120_000);
  afterAll(async () => { await t.close(); }, 120_000);

  it('keeps messages in the outbox, logs ids only, and shows each person only their own', async () => {
    const logged: Record<string, unknown>[] = [];
    const log = { info: (fields: Record<string, unknown>) => { logged.push(fields); }, warn: (fields: Record<string, unknown>) => { logged.push(fields); } };
    const email = EmailService.create(t.app.database.db, t.app.jobs, t.app.config, log);
    // Delivered here, by hand, so that what it logs can be seen.
    const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const id = await email.sendEmail('reminder-overdue', { address: 'kept@test.genomeg.test', userId: person.userId, name: 'Kept' }, { module: 'Genomics for everyone', dueDate: '1 December 2026', link: 'http://localhost/learn' }, 'en');
    await email.deliver(id, { retryCount: 0 });
    const stored = await t.app.email.store.get(id);
    expect(stored?.status).toBe('outboxed');
    expect(logged).toEqual([{ messageId: id }]);

    const admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    const outbox = await t.app.inject({ method: 'GET', url: '/admin/outbox', headers: { cookie: admin.cookie } });
    expect(outbox.body).toContain('Overdue: Genomics for everyone was due on 1 December 2026');
    expect(outbox.body).toContain('No mail server is configured');
    const shown = await t.app.inject({ method: 'GET', url: `/admin/outbox/${id}`, headers: { cookie: admin.cookie } });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('kept@test.genomeg.test');

    const mine = await t.app.inject({ method: 'GET', url: '/my-learning/messages', headers: { cookie: person.cookie } });
    expect(mine.body).toContain('Overdue: Genomics for everyone');
    expect(mine.headers['cache-control']).toBe('no-store');
    const own = await t.app.inject({ method: 'GET', url: `/my-learning/messages/${id}`, headers: { cookie: person.cookie } });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Dear Kept,');
    const theirs = await t.app.inject({ method: 'GET', url: `/my-learning/messages/${id}`, headers: { cookie: other.cookie } });
    expect(theirs.statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: '/my-learning/messages', headers: { cookie: other.cookie } });
    expect(list.body).not.toContain('Genomics for everyone');
  }, 60_000);

  it('delivers through the queue to the outbox', async () => {
    const id = await t.app.email.sendEmail('test-message', { address: 'queued@test.genomeg.test', name: 'Q' }, {}, 'cy');
    await eventually(async () => (await t.app.email.store.get(id))?.status === 'outboxed');
  }, 60_000);
});
