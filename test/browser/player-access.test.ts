// The module player as the learning experience issue asks: with a keyboard
// alone, as a screen reader reads it (the accessibility tree Chromium builds),
// without JavaScript at 320 pixels wide, and at 200% zoom, in a real headless
// Chromium with axe on the pages checked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { PASSWORD, closeServer, expectAxeClean, listenWithBrowser, openServer, signInWith, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';

const MODULE = '/learn/sample-genomics';

describe('the module player for everyone', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let learners = 0;

  /** A new learner, signed in, in a browser context with these options. */
  async function learner(options: BrowserContextOptions = {}): Promise<Page> {
    learners += 1;
    const email = `learner${String(learners)}@test.genomeg.test`;
    await app.stores.users.create({ email, displayName: `Learner ${String(learners)}`, passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'learner', organisationCode: null }] }, null);
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signInWith(page, base, email);
    return page;
  }

  /** Presses Tab until the focused element is the one described; fails if it is never reached. */
  async function tabTo(page: Page, described: (element: { tag: string; text: string; type: string; value: string }) => boolean): Promise<void> {
    for (let presses = 0; presses < 80; presses += 1) {
      await page.keyboard.press('Tab');
      // A string, run in the page: this project's TypeScript has no DOM types.
      const focused = await page.evaluate<{ tag: string; text: string; type: string; value: string } | null>(`(() => {
        const e = document.activeElement;
        return e === null ? null : { tag: e.tagName.toLowerCase(), text: (e.textContent ?? '').replace(/\\s+/g, ' ').trim(), type: e.getAttribute('type') ?? '', value: e.getAttribute('value') ?? '' };
      })()`);
      if (focused !== null && described(focused)) return;
    }
    throw new Error('never reached the element by Tab');
  }

  /** The focused element's id and role, read in the page. */
  const focused = (page: Page) => page.evaluate<{ id: string; role: string; tag: string }>(
    `(() => { const e = document.activeElement; return { id: e?.id ?? '', role: e?.getAttribute('role') ?? '', tag: (e?.tagName ?? '').toLowerCase() }; })()`);

  /** How many presses of Tab from the top of the page reach the element described, or null within the limit. */
  async function pressesTo(page: Page, limit: number, described: (element: { tag: string; text: string; type: string; value: string }) => boolean): Promise<number | null> {
    for (let presses = 1; presses <= limit; presses += 1) {
      await page.keyboard.press('Tab');
      const element = await page.evaluate<{ tag: string; text: string; type: string; value: string } | null>(`(() => {
        const e = document.activeElement;
        return e === null ? null : { tag: e.tagName.toLowerCase(), text: (e.textContent ?? '').replace(/\\s+/g, ' ').trim(), type: e.getAttribute('type') ?? '', value: e.getAttribute('value') ?? '' };
      })()`);
      if (element !== null && described(element)) return presses;
    }
    return null;
  }

  /** Does the page fit its viewport without scrolling sideways? */
  const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  it('is taken with a keyboard alone: start, answer a knowledge check, go on to the next page', { timeout: 60_000 }, async () => {
    const page = await learner();
    await page.goto(`${base}${MODULE}`);
    await tabTo(page, (e) => e.tag === 'a' && e.text === 'Start this module');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}${MODULE}/pages/1`);

    // The first option of the check, chosen with the space bar, then the check's own button.
    await tabTo(page, (e) => e.tag === 'input' && e.type === 'radio');
    await page.keyboard.press('Space');
    expect(await page.locator('input[name="answer"][value="a"]').isChecked()).toBe(true);
    await tabTo(page, (e) => e.tag === 'button' && e.text === 'Check my answer');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}${MODULE}/pages/1/checks/k1#check-k1-feedback`);
    expect(await page.getByRole('status').textContent()).toContain('Yes: genes carry instructions.');

    await tabTo(page, (e) => e.tag === 'a' && e.text.startsWith('Next'));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}${MODULE}/pages/2`);
    expect(await page.getByRole('progressbar').getAttribute('value')).toBe('2');
    await expectAxeClean(page);
    await page.context().close();
  });

  it('reads well to a screen reader: landmarks, the progress, the contents with the current page, the check as a named group', { timeout: 60_000 }, async () => {
    const page = await learner();
    await page.goto(`${base}${MODULE}/pages/1`);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Genes');
    expect(await page.getByRole('progressbar', { name: 'Page 1 of 2' }).count()).toBe(1);
    const contents = page.getByRole('navigation', { name: 'Contents' });
    expect(await contents.locator('[aria-current="page"]').textContent()).toContain('Genes');
    expect(await page.getByRole('navigation', { name: 'Pages of this module' }).getByRole('link').count()).toBe(1);
    const check = page.getByRole('group', { name: 'What is a gene?' });
    expect(await check.getByRole('radio').count()).toBe(2);
    expect(await check.getByRole('radio', { name: 'A stretch of DNA with instructions' }).count()).toBe(1);
    // The same in Welsh, with the language of the page set for the screen reader's voice.
    await page.goto(`${base}/cy${MODULE}/pages/1`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await page.getByRole('progressbar', { name: 'Tudalen 1 o 2' }).count()).toBe(1);
    expect(await page.getByRole('group', { name: 'Beth yw genyn?' }).count()).toBe(1);
    await page.context().close();
  });

  it('works without JavaScript at 320 pixels wide, and fits the width', { timeout: 60_000 }, async () => {
    const page = await learner({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    await page.goto(`${base}${MODULE}/pages/1`);
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('radio', { name: 'A kind of cell' }).check();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    expect(await page.getByRole('status').textContent()).toContain('No: cells contain genes.');
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('link', { name: /^Next/ }).click();
    await page.waitForURL(`${base}${MODULE}/pages/2`);
    expect(await fitsWidth(page)).toBe(true);
    await page.context().close();

    // axe needs script in the page, so the narrow page is checked where it has it.
    const narrow = await learner({ viewport: { width: 320, height: 640 } });
    await narrow.goto(`${base}${MODULE}/pages/1`);
    await expectAxeClean(narrow);
    await narrow.context().close();
  });

  it('reflows at 200% zoom (a 1280-pixel screen zoomed to 640 CSS pixels) without scrolling sideways', { timeout: 60_000 }, async () => {
    const page = await learner({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
    for (const path of [MODULE, `${MODULE}/pages/1`, `${MODULE}/pages/2`, `${MODULE}/glossary`, `/cy${MODULE}/pages/1`]) {
      await page.goto(`${base}${path}`);
      expect(await fitsWidth(page), path).toBe(true);
    }
    await page.goto(`${base}${MODULE}/pages/1`);
    expect(await page.getByRole('navigation', { name: 'Contents' }).isVisible()).toBe(true);
    await expectAxeClean(page);
    await page.context().close();
  });

  // Regression: after "Check my answer" focus landed on <body>, so a screen
  // reader started again from the top and never read the feedback.
  it('moves focus to the feedback after "Check my answer", so it is read out', { timeout: 60_000 }, async () => {
    const page = await learner();
    await page.goto(`${base}${MODULE}/pages/1`);
    await page.getByRole('radio', { name: 'A kind of cell' }).check();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await page.waitForURL(`${base}${MODULE}/pages/1/checks/k1#check-k1-feedback`);
    await expect.poll(() => focused(page)).toEqual({ id: 'check-k1-feedback', role: 'status', tag: 'div' });
    expect(await page.locator('#check-k1-feedback').textContent()).toContain('No: cells contain genes.');
    await expectAxeClean(page);
    // In Welsh too, and when no answer was chosen.
    await page.goto(`${base}/cy${MODULE}/pages/1`);
    await page.getByRole('button', { name: 'Gwirio fy ateb' }).click();
    await page.waitForURL(`${base}/cy${MODULE}/pages/1/checks/k1#check-k1-feedback`);
    await expect.poll(() => focused(page)).toEqual({ id: 'check-k1-feedback', role: 'status', tag: 'div' });
    await page.context().close();
  });

  it('without JavaScript, comes back at the feedback\'s address, and the next Tab starts from the feedback', { timeout: 60_000 }, async () => {
    const page = await learner({ javaScriptEnabled: false });
    await page.goto(`${base}${MODULE}/pages/1`);
    await page.getByRole('radio', { name: 'A stretch of DNA with instructions' }).check();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await page.waitForURL(`${base}${MODULE}/pages/1/checks/k1#check-k1-feedback`);
    const feedback = page.locator('#check-k1-feedback');
    expect(await feedback.getAttribute('tabindex')).toBe('-1');
    expect(await feedback.textContent()).toContain('Yes: genes carry instructions.');
    // The fragment moved the place Tab starts from: the next stop is after the feedback, not the skip link.
    await page.keyboard.press('Tab');
    const next = await focused(page);
    expect(next.tag).toBe('a');
    expect(await page.evaluate<boolean>(`(() => {
      const f = document.getElementById('check-k1-feedback');
      return f !== null && (f.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    })()`)).toBe(true);
    await page.context().close();
  });

  // Regression: 36 presses of Tab reached the knowledge check on page 2 of a real module.
  it('reaches the knowledge check in four presses of Tab through a skip link, in both languages', { timeout: 60_000 }, async () => {
    const page = await learner();
    for (const [path, skip] of [[`${MODULE}/pages/1`, 'Skip to the question'], [`/cy${MODULE}/pages/1`, "Neidio i'r cwestiwn"]] as const) {
      await page.goto(`${base}${path}`);
      expect(await pressesTo(page, 2, (e) => e.tag === 'a' && e.text === skip)).toBe(2);
      await page.keyboard.press('Enter');
      expect(await pressesTo(page, 2, (e) => e.tag === 'input' && e.type === 'radio')).toBe(1);
    }
    // A page without a check has no such link.
    await page.goto(`${base}${MODULE}/pages/2`);
    expect(await page.locator('a.nhsuk-skip-link').count()).toBe(1);
    await expectAxeClean(page);
    await page.context().close();
  });
});
