// Every page the route-access walk knows (test/support/route-table.ts), in
// English and in Welsh, as the least and the most privileged role allowed to
// see it (the home page as every role), looked at the way a person sees it:
//   - what they read holds no markup, no raw interface key and, on a Welsh
//     page, none of the English that has leaked before (test/support/readable.ts);
//   - the page does not scroll sideways at a 320 px wide window:
//     document.documentElement.scrollWidth is no wider than the window (WCAG
//     1.4.10 Reflow).
// axe cannot see either. The most privileged role (whose pages carry the most:
// a lead's buttons, an administrator's columns) and every role's home page are
// opened in a real headless Chromium at 320 px, reading innerText and the
// accessible names; the least privileged role's view of the same page is read
// as the server sends it (readableTextOfHtml), which finds the same markup,
// keys and English without a page load. The funded places pages (real ids
// from the demo data, test/support/page-walk.ts) are also checked with axe
// here, in both languages, as the most privileged role. Pages being fixed
// elsewhere are listed in KNOWN_FAILURES with the reason and the item that
// fixes them; an entry that no longer fails makes the test fail too, so the
// list only ever shrinks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { axeBuilder, closeServer, listenWithBrowser, openServer, type BrowserServer } from '../support/browser.js';
import { readabilityProblems, readableText, readableTextOfHtml } from '../support/readable.js';
import { EVERYONE, type Who } from '../support/route-table.js';
import { pageOverflow, seedPageWalk, type PageWalk } from '../support/page-walk.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';

const WIDTH = 320;

/** GET routes that answer with something other than a page of the site (files, JSON, the LRS, the self-contained report). */
const NOT_A_PAGE: readonly RegExp[] = [/\.(csv|xlsx|pdf|jwt|png|json|svg|html|ics)$/, /^\/health$/, /^\/xapi\//, /\/charts\/:file$/];

type Kind = 'text' | 'overflow' | 'axe';

/** Pages also checked with axe here (the others have their own browser tests with axe). */
const AXE_HERE: readonly RegExp[] = [/^\/funded(\/|$)/, /^\/admin\/funded(\/|$)/];

interface KnownFailure {
  /** The route as the table names it (`/plan/runs/:id`). */
  readonly url: string;
  readonly kind: Kind;
  readonly reason: string;
  /** The issue item (and helper) whose work fixes it: remove the entry once that is merged. */
  readonly fixedBy: string;
}

/** Pages other work is fixing. Every entry must still fail: remove it once its fix is merged. */
const KNOWN_FAILURES: readonly KnownFailure[] = [];

/**
 * Who looks at a page: the least and the most privileged of those allowed it (the page's two
 * extremes: what a role adds, such as a lead's buttons, shows to the most privileged), and every
 * role on the home page, where the header's navigation and the role's own notices differ most.
 * The header is the same on every page a role sees. Looking at every page as every role took
 * 796 page loads; this takes under half.
 */
function lookedAtBy(url: string, allowed: readonly Who[]): readonly Who[] {
  if (url === '/') return allowed;
  const inOrder = EVERYONE.filter((w) => allowed.includes(w));
  return [...new Set([inOrder[0], inOrder[inOrder.length - 1]].filter((w): w is Who => w !== undefined))];
}

/** Opened in the browser (width, innerText, axe where it runs here): the most privileged role allowed, and every role on the home page. */
function inBrowser(url: string, allowed: readonly Who[], who: Who): boolean {
  if (url === '/') return true;
  const inOrder = EVERYONE.filter((w) => allowed.includes(w));
  return inOrder[inOrder.length - 1] === who;
}

interface Failure { readonly who: Who; readonly path: string; readonly url: string; readonly kind: Kind; readonly detail: string }

describe('every page the route-access walk knows, as people see it', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  let walk: PageWalk;

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    walk = await seedPageWalk(server.app);
    ({ base, browser } = await listenWithBrowser(server.app));
  }, 180_000);

  afterAll(async () => {
    await closeServer(server, browser);
  });

  it('shows no markup, raw key or (in Welsh) English, and no sideways scroll at 320 px, on any page for any role', { timeout: 600_000 }, async () => {
    const started = Date.now();
    const failures: Failure[] = [];
    let loads = 0;
    let reads = 0;
    for (const who of EVERYONE) {
      const context: BrowserContext = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
      const session = walk.sessions.get(who);
      if (session !== undefined) await context.addCookies([{ name: SESSION_COOKIE, value: session.token, url: base }]);
      const page = await context.newPage();
      // Generous: the machine may be busy, and the scenario edit page is slow on the server (issue 14 item 17).
      page.setDefaultNavigationTimeout(120_000);
      const notFoundSeen = new Set<string>();
      for (const c of walk.cases) {
        if (c.method !== 'GET' || !c.allowed.includes(who) || NOT_A_PAGE.some((p) => p.test(c.url))) continue;
        if (!lookedAtBy(c.url, c.allowed).includes(who)) continue;
        const path = walk.realPaths.get(c.url) ?? c.path;
        const opened = inBrowser(c.url, c.allowed, who);
        for (const lang of ['en', 'cy'] as const) {
          const where = `${lang === 'cy' ? '/cy' : ''}${path}`;
          if (!opened) {
            // The page as the server sends it: the same text and names, no layout.
            const response = await server.app.inject({ method: 'GET', url: where, headers: { accept: 'text/html', ...(session === undefined ? {} : { cookie: `${SESSION_COOKIE}=${session.token}` }) } });
            reads += 1;
            if (response.statusCode === 404) {
              if (notFoundSeen.has(lang)) continue;
              notFoundSeen.add(lang);
            }
            for (const problem of readabilityProblems(readableTextOfHtml(response.body), lang)) failures.push({ who, path: where, url: c.url, kind: 'text', detail: problem });
            continue;
          }
          const response = await page.goto(`${base}${where}`);
          loads += 1;
          // A placeholder id shows the same "not found" page each time: look at it once per language.
          if (response?.status() === 404) {
            if (notFoundSeen.has(lang)) continue;
            notFoundSeen.add(lang);
          }
          for (const problem of readabilityProblems(await readableText(page), lang)) failures.push({ who, path: where, url: c.url, kind: 'text', detail: problem });
          if (response?.status() !== 404 && AXE_HERE.some((p) => p.test(c.url))) {
            const results = await axeBuilder(page).analyze();
            for (const v of results.violations) failures.push({ who, path: where, url: c.url, kind: 'axe', detail: `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}` });
          }
          const wide = await pageOverflow(page);
          if (wide.scrollWidth > WIDTH) failures.push({ who, path: where, url: c.url, kind: 'overflow', detail: `${String(wide.scrollWidth)} px wide: ${wide.culprits.join(', ')}` });
        }
      }
      await context.close();
    }
    const known = (f: Failure) => KNOWN_FAILURES.some((k) => k.url === f.url && k.kind === f.kind);
    const unexpected = failures.filter((f) => !known(f)).map((f) => `${f.who} ${f.path} [${f.kind}] ${f.detail}`);
    const stale = KNOWN_FAILURES.filter((k) => !failures.some((f) => f.url === k.url && f.kind === k.kind)).map((k) => `${k.url} [${k.kind}] passes now: remove it from KNOWN_FAILURES`);
    console.info(`every-page check: ${String(loads)} page loads and ${String(reads)} pages read over HTTP in ${String(Math.round((Date.now() - started) / 1000))} s`);
    expect({ unexpected, stale }).toEqual({ unexpected: [], stale: [] });
  });
});
