// The outbox and a person's Messages page in a real browser, in English and
// Welsh, at 1280 and 320 pixels: axe clean, readable text (no markup, no raw
// keys, Welsh on Welsh pages), no sideways scroll. Screenshots go to
// /tmp/shots/jobs/ (never committed) to be looked at.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, PASSWORD, signInWith, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { hashPassword } from '../../src/security/passwords.js';
import { eventually } from '../support/eventually.js';

const SHOTS = '/tmp/shots/jobs';

describe('messages pages in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base = '';
  let messageId = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await openServer('test/fixtures/content');
    const hash = await hashPassword(PASSWORD);
    await server.app.stores.users.create({ email: 'admin@shots.genomeg.test', displayName: 'Ada Admin', passwordHash: hash, grants: [{ role: 'platform-admin', organisationCode: null }] }, null);
    const learner = await server.app.stores.users.create({ email: 'learner@shots.genomeg.test', displayName: 'Lowri Learner', passwordHash: hash, grants: [{ role: 'learner', organisationCode: null }] }, null);
    const { base: at, browser: b } = await listenWithBrowser(server.app);
    base = at;
    browser = b;
    const email = server.app.email;
    const to = { address: 'learner@shots.genomeg.test', userId: learner.id, name: 'Lowri Learner' };
    messageId = await email.sendEmail('reminder-due-soon', to, { module: 'Sample: genes and DNA', dueDate: '31 January 2027', link: `${base}/learn/sample-genomics` }, 'en');
    await email.sendEmail('reminder-overdue', to, { module: 'Enghraifft: genynnau a DNA', dueDate: '31 Ionawr 2027', link: `${base}/cy/learn/sample-genomics` }, 'cy');
    await email.sendEmail('test-message', { address: 'a-very-long-address-that-might-push-a-page-sideways@shots.genomeg.test', name: 'Someone' }, { link: `${base}/` }, null);
    await email.store.recordFailedAddress('gone-for-good@shots.genomeg.test', '550 5.1.1 No such mailbox', null);
    await eventually(async () => (await email.store.get(messageId))?.status === 'outboxed');
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); }, 60_000);

  const check = async (page: Page, path: string, lang: 'en' | 'cy', name: string) => {
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}${path}`);
      await page.screenshot({ path: `${SHOTS}/${name}-${lang}-${String(width)}.png`, fullPage: true });
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
      await expectReadableText(page, lang);
    }
    await expectAxeClean(page);
  };

  it('shows a platform administrator the outbox, a message and the failing addresses', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWith(page, base, 'admin@shots.genomeg.test');
    for (const lang of ['en', 'cy'] as const) {
      await check(page, '/admin/outbox', lang, 'outbox');
      await check(page, `/admin/outbox/${messageId}`, lang, 'outbox-message');
    }
    await page.goto(`${base}/admin/outbox`);
    expect(await page.textContent('main')).toContain('gone-for-good@shots.genomeg.test');
    await context.close();
  }, 180_000);

  it('shows a person the messages sent to them', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWith(page, base, 'learner@shots.genomeg.test');
    for (const lang of ['en', 'cy'] as const) {
      await check(page, '/my-learning/messages', lang, 'messages');
      await check(page, `/my-learning/messages/${messageId}`, lang, 'message');
    }
    await page.goto(`${base}/my-learning/messages`);
    expect(await page.textContent('main')).toContain('Reminder: Sample: genes and DNA is due on 31 January 2027');
    await context.close();
  }, 180_000);
});
