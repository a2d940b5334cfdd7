// What every browser test shares: the real app on a SQLite file listening on a
// free port, Debian's Chromium driven by playwright-core, axe-core with the
// WCAG 2.2 AA tags, and signing in through the real form.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { buildApp } from '../../src/web/app.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { expectReadableText } from './readable.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const PASSWORD = 'a long synthetic test password';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * axe-core as every browser test runs it: the WCAG 2.2 AA rules, run by axe.run in the page itself
 * (legacy mode: the default runs axe in each frame apart and merges the results in a new blank page
 * with a second copy of axe, a page more per check, and these pages have no frames), reporting only
 * the violations in full (listing every passing node of a large page, which no test reads, was much
 * of the time). The same rules run and find the same violations, in about half the time.
 */
export function axeBuilder(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).withTags(AXE_TAGS).setLegacyMode();
}

/** Fails, naming the page and each rule broken with where, on any axe violation. */
export async function expectAxeClean(page: Page): Promise<void> {
  const results = await axeBuilder(page).analyze();
  const violations = results.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  expect({ url: page.url(), violations }).toEqual({ url: page.url(), violations: [] });
}

/** Signs in through the English sign-in page and waits to leave it. */
export async function signInWith(page: Page, base: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.includes('sign-in'));
}

export interface BrowserServer {
  readonly dir: string;
  readonly database: DatabaseHandle;
  readonly app: FastifyInstance;
}

/** The real app on a fresh SQLite file in a temporary folder, not yet listening (add accounts first). */
export async function openServer(contentDir: string): Promise<BrowserServer> {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-browser-'));
  const database = openDatabase(`sqlite:${join(dir, 'test.sqlite')}`);
  await migrateToLatest(database);
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: contentDir }), database, logger: false });
  return { dir, database, app };
}

/** Listen on a free port and start Chromium. */
export async function listenWithBrowser(app: FastifyInstance): Promise<{ base: string; browser: Browser }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? String(address.port) : '0'}`;
  return { base, browser: await launchChromium() };
}

export async function closeServer(server: BrowserServer, browser: Browser): Promise<void> {
  await browser.close();
  await server.app.close();
  await server.database.close();
  rmSync(server.dir, { recursive: true, force: true });
}

/** A new context of this width (JavaScript on or off) with a page signed in as this person. */
export async function signedInPage(browser: Browser, base: string, email: string, width: number, options: { javaScriptEnabled?: boolean; timeoutMs?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  context.setDefaultTimeout(options.timeoutMs ?? 30_000);
  const page = await context.newPage();
  await signInWith(page, base, email);
  return page;
}

/**
 * A new context of this width with a page already signed in as this account,
 * through a session started in the store and its cookie: for tests whose subject
 * is not signing in (the sign-in form has its own tests), without an argon2 hash
 * per context.
 */
export async function sessionPage(browser: Browser, app: FastifyInstance, base: string, userId: string, options: { width?: number; timeoutMs?: number; javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  context.setDefaultTimeout(options.timeoutMs ?? 30_000);
  const { token } = await app.stores.sessions.start(userId);
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
  return context.newPage();
}

/**
 * Narrow (or widen) a loaded page's window. The NHS header moves navigation items into its
 * "More" menu on the window's resize event, a frame or more after the window changes, so
 * until then the page can be wider than the window (seen under load: 362 px at 320). Waits,
 * at most 2 s, for the page to fit; a page that still does not fit is left for the caller's
 * check to fail on.
 */
export async function resizeTo(page: Page, width: number, height = 900): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.waitForFunction(`document.documentElement.clientWidth <= ${String(width)}`);
  await page.waitForFunction('document.documentElement.scrollWidth <= document.documentElement.clientWidth', undefined, { timeout: 2_000 }).catch(() => undefined);
}

/** Whether the page fits its window: no sideways scroll. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}

/** What a person sees: axe clean, readable text in the page's language, no sideways scroll; then a screenshot to look at. */
export async function lookAt(page: Page, lang: 'en' | 'cy', name: string, shotsDir: string): Promise<void> {
  await expectAxeClean(page);
  await expectReadableText(page, lang);
  expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
  await page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: true });
}
