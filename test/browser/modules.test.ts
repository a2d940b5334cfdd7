// The real learning modules in content/. Two are taken end to end by a new learner
// in a real headless Chromium (Debian's package, driven by playwright-core):
// found in the catalogue, read page by page, assessed, passed, certified and
// shown in the learner's record. "What is genomics?" is taken in English and
// "Pharmacogenomics in practice" entirely in Welsh. axe-core checks every page
// visited against WCAG 2.2 AA. The answers come from each module's own
// assessment.yaml, so a wrong correct-answer flag or a missing Welsh string
// makes the test fail. Every module is then opened (first and last page) at
// 320 px in both languages, each of those pages checked by axe in one language,
// and assessed and passed in both (over HTTP, the result page in the browser);
// every page of every module is checked for readable text.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, fitsWidth, listenWithBrowser, openServer, sessionPage, type BrowserServer } from '../support/browser.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { decodeEntities, expectReadableText, readabilityProblems, readableTextOfHtml } from '../support/readable.js';
import { bakedCredential } from '../../src/services/learning/png.js';

const CONTENT = 'content';

type Lang = 'en' | 'cy';
type Text = Readonly<Record<Lang, string>>;

interface Manifest {
  readonly slug: string;
  readonly title: Text;
  readonly pages: readonly string[];
  readonly questionsPerAttempt: number;
}

interface Question {
  readonly id: string;
  readonly type: 'single' | 'multiple';
  readonly stem: Text;
  readonly options: readonly { readonly id: string; readonly correct: boolean; readonly text: Text }[];
}

/** Every module folder in content/. */
function moduleFolders(): string[] {
  return readdirSync(CONTENT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** A page's title in one language: the first "# " heading of its file (a missing file fails the test). */
function pageTitle(folder: string, page: string, lang: Lang): string {
  const text = readFileSync(join(CONTENT, folder, 'pages', `${page}.${lang}.md`), 'utf8');
  return (/^# (.+)$/m.exec(text)?.[1] ?? '').replace(/\s+/g, ' ').trim();
}

function readModule(folder: string): { manifest: Manifest; questions: readonly Question[] } {
  const manifest = parse(readFileSync(join(CONTENT, folder, 'module.yaml'), 'utf8')) as Manifest;
  const assessment = parse(readFileSync(join(CONTENT, folder, 'assessment.yaml'), 'utf8')) as { questions: readonly Question[] };
  return { manifest, questions: assessment.questions };
}

/** The words of the journey, from the interface text in locales/. */
const WORDS = {
  en: {
    learn: 'Learn', start: 'Start this module', next: 'Next', assessment: 'Assessment', startAssessment: 'Start the assessment',
    question: (n: number, total: number) => `Question ${String(n)} of ${String(total)}.`, submit: 'Submit answers', passed: 'You passed',
    pdf: 'Download your certificate (PDF)', badge: 'Download your credential file (Open Badges 3.0, .jwt)', verify: 'See how others can check your credential',
    badgeImage: 'Download your badge as an image (PNG, with your credential inside)',
    notPassed: 'You did not pass this time', retake: 'Take the assessment again', certificatePage: 'Your certificate and badge',
    genuine: 'This credential is genuine', myLearning: 'My learning', completed: 'Completed',
  },
  cy: {
    learn: 'Dysgu', start: "Dechrau'r modiwl hwn", next: 'Nesaf', assessment: 'Asesiad', startAssessment: "Dechrau'r asesiad",
    question: (n: number, total: number) => `Cwestiwn ${String(n)} o ${String(total)}.`, submit: "Cyflwyno'r atebion", passed: 'Rydych wedi pasio',
    pdf: 'Lawrlwytho eich tystysgrif (PDF)', badge: 'Lawrlwytho ffeil eich cymhwyster (Open Badges 3.0, .jwt)', verify: 'Gweld sut y gall eraill wirio eich cymhwyster',
    badgeImage: "Lawrlwytho eich bathodyn fel delwedd (PNG, gyda'ch cymhwyster y tu mewn iddi)",
    notPassed: "Ni wnaethoch basio'r tro hwn", retake: 'Sefyll yr asesiad eto', certificatePage: "Eich tystysgrif a'ch bathodyn",
    genuine: "Mae'r cymhwyster hwn yn ddilys", myLearning: 'Fy nysgu', completed: "Wedi'u cwblhau",
  },
} as const;

/** Ticks the right answer, from assessment.yaml, to every question the open attempt shows; the questions are found by their stem in this language and the answers by their label in this language. */
async function answerEveryQuestionCorrectly(page: Page, folder: string, questions: readonly Question[], lang: Lang): Promise<number> {
  const fieldsets = page.locator('form fieldset');
  const shown = await fieldsets.count();
  for (let i = 0; i < shown; i++) {
    const fieldset = fieldsets.nth(i);
    const legend = ((await fieldset.locator('legend').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    const questionPrefix = WORDS[lang].question(i + 1, shown);
    expect(legend.startsWith(questionPrefix), legend).toBe(true);
    const stem = legend.slice(questionPrefix.length).trim();
    const question = questions.find((q) => q.stem[lang].replace(/\s+/g, ' ').trim() === stem);
    if (question === undefined) throw new Error(`No question in ${folder}/assessment.yaml has the ${lang} stem "${stem}"`);
    expect(await fieldset.locator(`input[type=${question.type === 'single' ? 'radio' : 'checkbox'}]`).count()).toBe(question.options.length);
    const correct = question.options.filter((o) => o.correct);
    expect(correct.length, `${question.id} has a correct answer`).toBeGreaterThan(0);
    for (const option of correct) {
      // The box labelled with this option's text in this language is the option the key marks correct.
      const input = fieldset.getByLabel(option.text[lang], { exact: true });
      expect({ question: question.id, name: await input.getAttribute('name'), value: await input.getAttribute('value') }).toEqual({ question: question.id, name: `q-${question.id}`, value: option.id });
      await input.check();
    }
  }
  return shown;
}

/** One form of a page as the server sends it: its action, its hidden fields, and its fieldsets with their legends and inputs, each input with the text of its label. */
interface FormOfHtml {
  readonly action: string;
  readonly hidden: Readonly<Record<string, string>>;
  readonly fieldsets: readonly { readonly legend: string; readonly inputs: readonly { readonly type: string; readonly name: string; readonly value: string; readonly label: string }[] }[];
}

/** The text of a run of HTML, as read: tags dropped, entities turned into characters once, spaces collapsed. */
function textOfHtml(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

function attributesOf(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([a-zA-Z_:-]+)="([^"]*)"/g)].map((m) => [m[1] ?? '', decodeEntities(m[2] ?? '')]));
}

/** The first form of this HTML whose action ends with this path (undefined when there is none). */
function formOfHtml(html: string, actionEnds: RegExp): FormOfHtml | undefined {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = attributesOf(m[1] ?? '')['action'] ?? '';
    if (!actionEnds.test(action)) continue;
    const body = m[2] ?? '';
    const hidden: Record<string, string> = {};
    for (const input of body.match(/<input\b[^>]*>/g) ?? []) {
      const a = attributesOf(input);
      if (a['type'] === 'hidden' && a['name'] !== undefined) hidden[a['name']] = a['value'] ?? '';
    }
    const labels = new Map([...body.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/g)].map((l) => [attributesOf(l[1] ?? '')['for'] ?? '', textOfHtml(l[2] ?? '')]));
    const fieldsets = [...body.matchAll(/<fieldset\b[^>]*>([\s\S]*?)<\/fieldset>/g)].map((f) => ({
      legend: textOfHtml(/<legend\b[^>]*>([\s\S]*?)<\/legend>/.exec(f[1] ?? '')?.[1] ?? ''),
      inputs: (f[1]?.match(/<input\b[^>]*>/g) ?? []).map(attributesOf).filter((a) => a['type'] !== 'hidden')
        .map((a) => ({ type: a['type'] ?? '', name: a['name'] ?? '', value: a['value'] ?? '', label: labels.get(a['id'] ?? '') ?? '' })),
    }));
    return { action, hidden, fieldsets };
  }
  return undefined;
}

/**
 * The form fields that answer every question of an open attempt correctly, from assessment.yaml, read from the
 * attempt's page as the server sends it: the same checks as answerEveryQuestionCorrectly (each legend's number and
 * stem in this language, one box per option of the right kind, the box labelled with a correct option's text is that
 * option), without a browser.
 */
function correctAnswersOfHtml(form: FormOfHtml, folder: string, questions: readonly Question[], lang: Lang): [string, string][] {
  const fields: [string, string][] = Object.entries(form.hidden);
  const shown = form.fieldsets.length;
  form.fieldsets.forEach((fieldset, i) => {
    const questionPrefix = WORDS[lang].question(i + 1, shown);
    expect(fieldset.legend.startsWith(questionPrefix), fieldset.legend).toBe(true);
    const stem = fieldset.legend.slice(questionPrefix.length).trim();
    const question = questions.find((q) => q.stem[lang].replace(/\s+/g, ' ').trim() === stem);
    if (question === undefined) throw new Error(`No question in ${folder}/assessment.yaml has the ${lang} stem "${stem}"`);
    expect(fieldset.inputs.filter((input) => input.type === (question.type === 'single' ? 'radio' : 'checkbox')).length).toBe(question.options.length);
    expect(fieldset.inputs.length).toBe(question.options.length);
    const correct = question.options.filter((o) => o.correct);
    expect(correct.length, `${question.id} has a correct answer`).toBeGreaterThan(0);
    for (const option of correct) {
      const labelled = fieldset.inputs.filter((input) => input.label === option.text[lang].replace(/\s+/g, ' ').trim());
      expect({ question: question.id, labelled: labelled.map((input) => ({ name: input.name, value: input.value })) }).toEqual({ question: question.id, labelled: [{ name: `q-${question.id}`, value: option.id }] });
      fields.push([`q-${question.id}`, option.id]);
    }
  });
  return fields;
}

describe('the real modules in content/, in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let sianId = '';
  let dafyddId = '';

  async function h1(page: Page): Promise<string> {
    return ((await page.locator('h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Find, read, pass and get a certificate for one module, in one language, as a learner who has just signed in. */
  async function takeModule(page: Page, folder: string, lang: Lang, failFirst = false): Promise<void> {
    const words = WORDS[lang];
    const { manifest, questions } = readModule(folder);
    const title = manifest.title[lang];
    const prefix = lang === 'cy' ? '/cy' : '';

    // Find it in the catalogue.
    await page.getByRole('link', { name: words.learn, exact: true }).first().click();
    await page.waitForURL(`${base}${prefix}/learn`);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await expectAxeClean(page);
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.waitForURL(`${base}${prefix}/learn/${manifest.slug}`);
    expect(await h1(page)).toBe(title);
    await expectAxeClean(page);

    // Read every page, following Next. Every page is checked by axe (about a second each).
    await page.getByRole('button', { name: words.start, exact: true }).click();
    for (let index = 1; index <= manifest.pages.length; index++) {
      await page.waitForURL(`${base}${prefix}/learn/${manifest.slug}/pages/${String(index)}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await h1(page)).not.toBe('');
      await expectAxeClean(page);
      const next = page.locator('.nhsuk-pagination__link--next');
      if (index < manifest.pages.length) {
        await expect.poll(() => next.textContent()).toContain(words.next);
        await next.click();
      } else {
        expect(await next.count()).toBe(0);
      }
    }

    // Take the assessment, answering every question drawn from assessment.yaml correctly.
    await page.getByRole('button', { name: words.assessment, exact: true }).click();
    await page.waitForURL(`${base}${prefix}/learn/${manifest.slug}/assessment`);
    await expectAxeClean(page);
    await page.getByRole('button', { name: words.startAssessment, exact: true }).click();
    // Starting posts and comes back to the same address, now showing the questions.
    const fieldsets = page.locator('form fieldset');
    await fieldsets.first().waitFor();
    expect(await h1(page)).toBe(words.assessment);
    await expectAxeClean(page);
    const shown = await fieldsets.count();
    expect(shown).toBe(manifest.questionsPerAttempt);
    /** Every question shown, with its entry in assessment.yaml. */
    const shownQuestions = async () => {
      const found: { index: number; question: Question }[] = [];
      for (let i = 0; i < await fieldsets.count(); i++) {
        const legend = ((await fieldsets.nth(i).locator('legend').textContent()) ?? '').replace(/\s+/g, ' ').trim();
        const stem = legend.slice(words.question(i + 1, shown).length).trim();
        const question = questions.find((q) => q.stem[lang].replace(/\s+/g, ' ').trim() === stem);
        if (question === undefined) throw new Error(`No question in ${folder}/assessment.yaml has the ${lang} stem "${stem}"`);
        found.push({ index: i, question });
      }
      return found;
    };
    if (failFirst) {
      // A wrong answer to every question: the fail page names what to read again and gives away no answer.
      for (const { index, question } of await shownQuestions()) {
        const wrong = question.options.find((o) => !o.correct);
        if (wrong !== undefined) await fieldsets.nth(index).getByLabel(wrong.text[lang], { exact: true }).check();
      }
      await page.getByRole('button', { name: words.submit, exact: true }).click();
      await page.locator('h1', { hasText: words.notPassed }).waitFor();
      await expectAxeClean(page);
      await expectReadableText(page, lang);
      await page.getByRole('button', { name: words.retake, exact: true }).click();
      await page.locator('form fieldset').first().waitFor();
      expect(await fieldsets.count()).toBe(manifest.questionsPerAttempt);
    }
    await answerEveryQuestionCorrectly(page, folder, questions, lang);
    await page.getByRole('button', { name: words.submit, exact: true }).click();
    await page.locator('h1', { hasText: words.passed }).waitFor();
    expect(page.url()).toBe(`${base}${prefix}/learn/${manifest.slug}/assessment`);
    expect(await page.locator('main').textContent()).toContain('(100%)');
    await expectAxeClean(page);

    // The certificate, the badge and the public check.
    const pdfHref = await page.getByRole('link', { name: words.pdf, exact: true }).getAttribute('href');
    expect(pdfHref).toMatch(/\.pdf$/);
    const pdf = await page.request.get(new URL(pdfHref ?? '', page.url()).href);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    const badgeHref = await page.getByRole('link', { name: words.badge, exact: true }).getAttribute('href');
    expect(badgeHref).toMatch(/\.jwt$/);
    const badge = await page.request.get(new URL(badgeHref ?? '', page.url()).href);
    expect(badge.status()).toBe(200);
    expect((await badge.text()).trim()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const imageHref = await page.getByRole('link', { name: words.badgeImage, exact: true }).getAttribute('href');
    const image = await page.request.get(new URL(imageHref ?? '', page.url()).href);
    expect(image.headers()['content-type']).toBe('image/png');
    expect(bakedCredential(await image.body())).toBe((await badge.text()).trim());
    const resultUrl = page.url();
    await page.getByRole('link', { name: words.certificatePage, exact: true }).click();
    await page.waitForURL(/\/my-learning\/certificates\/[0-9a-f-]{36}$/);
    expect(await h1(page)).toBe(words.certificatePage);
    await expectAxeClean(page);
    await expectReadableText(page, lang);
    await page.goto(resultUrl);
    await page.getByRole('link', { name: words.verify, exact: true }).click();
    await page.waitForURL(/\/credentials\/[^/]+$/);
    expect(await page.locator('main').textContent()).toContain(words.genuine);
    expect(await page.locator('main').textContent()).toContain(title);
    await expectAxeClean(page);
    await page.goto(resultUrl);

    // The learner's record shows it as completed.
    await page.getByRole('link', { name: words.myLearning, exact: true }).first().click();
    await page.waitForURL(`${base}${prefix}/my-learning`);
    expect(await h1(page)).toBe(words.myLearning);
    expect(await page.getByRole('heading', { name: words.completed, exact: true }).count()).toBe(1);
    const row = page.locator('table tbody tr', { hasText: title });
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').nth(2).textContent()).toBe('100%');
    await expectAxeClean(page);

    // The home page offers the certificate, and reads well.
    await page.goto(`${base}${prefix}/`);
    expect(await page.locator('main').getByRole('link', { name: title, exact: true }).count()).toBeGreaterThan(0);
    await expectAxeClean(page);
    await expectReadableText(page, lang);
  }

  beforeAll(async () => {
    server = await openServer(CONTENT);
    ({ app } = server);
    // Signed in by a session cookie: signing in through the form, in both languages, is journeys.test.ts's.
    sianId = (await app.stores.users.create({ email: 'sian@demo.genomeg.test', displayName: 'Siân Learner', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null)).id;
    dafyddId = (await app.stores.users.create({ email: 'dafydd@demo.genomeg.test', displayName: 'Dafydd Dysgwr', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null)).id;
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  it('a new learner finds, takes, fails, retakes, passes and gets a certificate for "What is genomics?" in English, with axe on every page', { timeout: 240_000 }, async () => {
    const page = await sessionPage(browser, app, base, sianId, { timeoutMs: 10_000 });
    await page.goto(base);
    await takeModule(page, 'what-is-genomics', 'en', true);
    await page.context().close();
  });

  it('a new learner finds, takes, fails, retakes, passes and gets a certificate for "Pharmacogenomics in practice" entirely in Welsh, with axe on every page', { timeout: 240_000 }, async () => {
    const page = await sessionPage(browser, app, base, dafyddId, { timeoutMs: 10_000 });
    await page.goto(base);
    await page.getByRole('link', { name: 'Cymraeg' }).first().click();
    await page.waitForURL(/\/cy\/?$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    await expectAxeClean(page);
    await takeModule(page, 'pharmacogenomics-in-practice', 'cy', true);
    await page.context().close();
  });

  // Regression: every call-out of both modules showed its markup as text
  // (`<div class="nhsuk-inset-text">…`, `&#39;`), and Welsh pages carried
  // English hidden prefixes ("Information:", "Reference 5", "Support links").
  it('shows every page of every module, in English and Welsh, as text a person can read: no markup, no raw keys, no English on Welsh pages', { timeout: 240_000 }, async () => {
    // Every page as the server sends it (readableTextOfHtml: the text nodes with their entities
    // read once, and the names in attributes): a call-out escaped twice shows "<div" here as it
    // would in a browser. The browser's own innerText is read on the first and last page of
    // every module below, and on every page of the two modules taken end to end above.
    const sian = await app.stores.users.findByEmail('sian@demo.genomeg.test');
    const { token } = await app.stores.sessions.start(sian?.id ?? '');
    const folders = moduleFolders();
    expect(folders.length).toBeGreaterThanOrEqual(2);
    let pages = 0;
    const problems: string[] = [];
    const read = async (url: string, lang: Lang): Promise<void> => {
      const response = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: token } });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
      expect({ url, lang: /<html[^>]*\blang="([a-z]+)"/.exec(response.body)?.[1] }).toEqual({ url, lang });
      for (const problem of readabilityProblems(readableTextOfHtml(response.body), lang)) problems.push(`${url}: ${problem}`);
    };
    for (const folder of folders) {
      const { manifest } = readModule(folder);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        const paths = [`/learn/${manifest.slug}`, `/learn/${manifest.slug}/glossary`, ...manifest.pages.map((_, i) => `/learn/${manifest.slug}/pages/${String(i + 1)}`)];
        for (const path of paths) {
          await read(`${prefix}${path}`, lang);
          pages += 1;
        }
      }
    }
    for (const lang of ['en', 'cy'] as const) await read(`${lang === 'cy' ? '/cy' : ''}/learn`, lang);
    expect(problems).toEqual([]);
    expect(pages).toBe(folders.reduce((n, f) => n + 2 * (readModule(f).manifest.pages.length + 2), 0));
  });
  // Issue 19: every module's first and last page and its assessment, in both
  // languages, at 320 px. One learner for each language, in one browser context
  // at 320 px kept for every module, opens each module's first page and its
  // last, follows the last page's button to the assessment, starts it and
  // answers every drawn question from assessment.yaml by its stem and labels in
  // that language, passes, and sees the result in the browser. The attempt is
  // started and answered over HTTP with the forms the pages carry (the two
  // journeys above answer in the browser, one in each language). A Welsh stem
  // or option that does not match assessment.yaml, a page missing, or a wrong
  // key fails it.
  //
  // axe checks each module's first and last page once, in one language (English
  // at 1280 px, Welsh at 320 px), the languages taking turns module by module,
  // so that the first page's template (a way on) and the last page's (a way
  // back, the end note, the assessment button) are each checked in both
  // languages. The two modules taken end to end above had every page checked in
  // their language there, so here both their first and last pages are checked
  // in the other language. The call-out kinds (information, example, important)
  // and knowledge checks are on pages those journeys check, in both languages.
  // The assessment's pages are one template whatever the module: axe checks
  // them in both languages in the journeys; here their text (and width, in the
  // browser) is checked for every module.
  it('every module in content/, in English and in Welsh at 320 px: its first and last page, then its assessment answered from assessment.yaml and passed, readable and fitting throughout, axe clean on its own pages', { timeout: 600_000 }, async () => {
    const folders = moduleFolders();
    expect(folders.length).toBeGreaterThanOrEqual(11);
    const passed: string[] = [];
    const axeChecked: { folder: string; lang: Lang; which: 'first' | 'last' }[] = [];
    const takenEndToEnd: Readonly<Record<Lang, string>> = { en: 'what-is-genomics', cy: 'pharmacogenomics-in-practice' };
    /** Whether axe checks this module's first or last page in this language here. */
    const axeHere = (folder: string, moduleIndex: number, lang: Lang, which: 'first' | 'last'): boolean => {
      if (takenEndToEnd[lang] === folder) return false;
      if (takenEndToEnd[lang === 'en' ? 'cy' : 'en'] === folder) return true;
      // Even modules: the English first page and the Welsh last; odd modules: the English last page and the Welsh first.
      return (moduleIndex % 2 === 0) === ((lang === 'en') === (which === 'first'));
    };
    for (const lang of ['en', 'cy'] as const) {
      const words = WORDS[lang];
      const prefix = lang === 'cy' ? '/cy' : '';
      const learner = await app.stores.users.create({ email: `every-module.${lang}@demo.genomeg.test`, displayName: `Learner ${lang}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null);
      const page = await sessionPage(browser, app, base, learner.id, { width: 320, timeoutMs: 10_000 });
      // The same session over HTTP.
      const cookies = { [SESSION_COOKIE]: (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)?.value ?? '' };
      const form = (payload: Iterable<[string, string]>) => ({ payload: new URLSearchParams([...payload]).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      for (const [moduleIndex, folder] of folders.entries()) {
        const { manifest, questions } = readModule(folder);
        const last = manifest.pages.length;
        const where = `${folder} (${lang})`;
        const modulePath = `${prefix}/learn/${manifest.slug}`;
        const moduleUrl = `${base}${modulePath}`;
        /** In this language, no sideways scroll at 320 px, readable; axe where asked (English at 1280 px, Welsh at 320 px). */
        const lookHere = async (axe: false | 'first' | 'last'): Promise<void> => {
          expect({ where, url: page.url(), lang: await page.locator('html').getAttribute('lang') }).toEqual({ where, url: page.url(), lang });
          expect({ where, url: page.url(), fits: await fitsWidth(page) }).toEqual({ where, url: page.url(), fits: true });
          await expectReadableText(page, lang);
          if (axe !== false && axeHere(folder, moduleIndex, lang, axe)) {
            if (lang === 'en') await page.setViewportSize({ width: 1280, height: 900 });
            await expectAxeClean(page);
            if (lang === 'en') await page.setViewportSize({ width: 320, height: 900 });
            axeChecked.push({ folder, lang, which: axe });
          }
        };

        // The first page: its own title, no way back, a way on (unless it is the only page).
        expect((await page.goto(`${moduleUrl}/pages/1`))?.status(), where).toBe(200);
        expect(await h1(page), where).toBe(pageTitle(folder, manifest.pages[0] ?? '', lang));
        expect(await page.locator('.nhsuk-pagination__link--prev').count(), where).toBe(0);
        expect(await page.locator('.nhsuk-pagination__link--next').count(), where).toBe(last > 1 ? 1 : 0);
        await lookHere('first');

        // The last page: its own title, no way on, the button to the assessment; nothing after it.
        expect((await page.goto(`${moduleUrl}/pages/${String(last)}`))?.status(), where).toBe(200);
        expect(await h1(page), where).toBe(pageTitle(folder, manifest.pages[last - 1] ?? '', lang));
        expect(await page.locator('.nhsuk-pagination__link--next').count(), where).toBe(0);
        await lookHere('last');
        expect((await app.inject({ method: 'GET', url: `${modulePath}/pages/${String(last + 1)}`, cookies })).statusCode, where).toBe(404);

        // The assessment, from the last page's button.
        await page.getByRole('button', { name: words.assessment, exact: true }).click();
        await page.waitForURL(`${moduleUrl}/assessment`);
        await lookHere(false);
        // Started with the start page's own form, over HTTP.
        const start = formOfHtml((await app.inject({ method: 'GET', url: `${modulePath}/assessment`, cookies })).body, new RegExp(`^${modulePath}/assessment$`));
        if (start === undefined) throw new Error(`${where}: the assessment page has no form to start it`);
        const started = await app.inject({ method: 'POST', url: start.action, cookies, ...form(Object.entries(start.hidden)) });
        expect({ where, status: started.statusCode, location: started.headers.location }).toEqual({ where, status: 303, location: `${modulePath}/assessment` });
        // The attempt's page: in this language, readable, the questions drawn; answered with its own form.
        const attemptPage = (await app.inject({ method: 'GET', url: `${modulePath}/assessment`, cookies })).body;
        expect({ where, lang: /<html[^>]*\blang="([a-z]+)"/.exec(attemptPage)?.[1], h1: textOfHtml(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(attemptPage)?.[1] ?? '') }).toEqual({ where, lang, h1: words.assessment });
        expect({ where, problems: readabilityProblems(readableTextOfHtml(attemptPage), lang) }).toEqual({ where, problems: [] });
        const attempt = formOfHtml(attemptPage, new RegExp(`^${modulePath}/assessment/[^/]+$`));
        if (attempt === undefined) throw new Error(`${where}: the attempt's page has no form to answer it`);
        expect(attempt.fieldsets.length, where).toBe(manifest.questionsPerAttempt);
        const answered = await app.inject({ method: 'POST', url: attempt.action, cookies, ...form(correctAnswersOfHtml(attempt, folder, questions, lang)) });
        expect({ where, status: answered.statusCode, location: answered.headers.location }).toEqual({ where, status: 303, location: `${modulePath}/assessment` });

        // The result, in the browser: passed with every answer right.
        await page.reload();
        await page.locator('h1', { hasText: words.passed }).waitFor();
        expect(page.url(), where).toBe(`${moduleUrl}/assessment`);
        expect(await page.locator('main').textContent(), where).toContain('(100%)');
        await lookHere(false);
        passed.push(where);
      }
      await page.context().close();
    }
    expect(passed).toEqual((['en', 'cy'] as const).flatMap((lang) => folders.map((f) => `${f} (${lang})`)));
    // Every first and last page checked by axe in one language here (or both, for the modules taken end to end), and both templates in both languages.
    expect(new Set(axeChecked.map((c) => `${c.folder} ${c.which}`)).size).toBe(2 * folders.length);
    expect(new Set(axeChecked.map((c) => `${c.lang} ${c.which}`))).toEqual(new Set(['en first', 'en last', 'cy first', 'cy last']));
    expect(axeChecked.length).toBe(2 * folders.length);
  });
});
