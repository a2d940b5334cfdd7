// The module renderer over every page of the real modules in content/, in both
// languages. Regression: callouts were put in by text substitution before
// marked ran, so marked read them as raw HTML and escaped them, and every
// call-out box showed its markup as text (`<div class="nhsuk-inset-text">…`),
// with English hidden prefixes on Welsh pages.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadContentLibrary } from '../../src/services/learning/content-library.js';
import { renderPage, type ContentLabels } from '../../src/web/content-render.js';
import { translator } from '../../src/web/i18n.js';
import type { LearningModule } from '../../src/domain/learning/index.js';

const LANGUAGES = ['en', 'cy'] as const;

function labels(lang: 'en' | 'cy'): ContentLabels {
  const t = translator(lang);
  return {
    information: t('learning.prefix.information'), example: t('learning.prefix.example'), important: t('learning.prefix.important'),
    reference: (number) => t('learning.citation', { number }),
  };
}

function render(module: LearningModule, index: number, lang: 'en' | 'cy'): string {
  const page = module.pages[index];
  if (page === undefined) throw new Error(`no page ${String(index)}`);
  return renderPage(module, page, lang, `/assets/content/${module.manifest.slug}`, `/learn/${module.manifest.slug}/glossary`, labels(lang)).html;
}

/** The text between tags, entities decoded as a browser would show them. */
function shownText(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('rendering module pages', () => {
  const library = loadContentLibrary('content');

  it('loads every real module: one per folder in content/, the first two among them', () => {
    const folders = readdirSync('content', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(library.modules.map((m) => m.manifest.slug).sort()).toEqual(folders);
    expect(folders).toEqual(expect.arrayContaining(['pharmacogenomics-in-practice', 'what-is-genomics']));
  });

  it('marks where the inheritance tool goes, once, and never shows the directive as text', () => {
    const module = library.bySlug('family-history-and-inheritance');
    if (module === undefined) throw new Error('the module is in content/');
    const page = module.pages[3];
    if (page === undefined) throw new Error('page 4 holds the tool');
    for (const lang of LANGUAGES) {
      const { html } = renderPage(module, page, lang, '/assets', '/glossary', labels(lang));
      expect(html.match(/<!--tool:inheritance-->/g)).toHaveLength(1);
      expect(html).not.toContain('::tool');
    }
  });

  it('marks where the genotype-to-phenotype explorer goes, in both languages', () => {
    const module = library.modules.find((m) => m.manifest.slug === 'pharmacogenomics-beyond-the-first-four');
    const page = module?.pages[1];
    if (module === undefined || page === undefined) throw new Error('no explorer page');
    for (const lang of LANGUAGES) {
      const html = renderPage(module, page, lang, '/assets', '/glossary', labels(lang)).html;
      expect(html).toContain('<!--tool:pgx-explorer-->');
      expect(html).not.toContain('::tool');
    }
  });

  it('renders every call-out of every page, in both languages, as nhsuk markup and never as text', () => {
    let callouts = 0;
    for (const module of library.modules) {
      module.pages.forEach((page, index) => {
        for (const lang of LANGUAGES) {
          const source = page[lang].markdown;
          const html = render(module, index, lang);
          const where = `${module.manifest.slug} page ${String(index + 1)} (${lang})`;
          const expected = (source.match(/^:::callout /gm) ?? []).length;
          callouts += expected;
          expect({ where, boxes: (html.match(/<div class="nhsuk-(?:inset-text|card nhsuk-card--warning)">/g) ?? []).length }).toEqual({ where, boxes: expected });
          const text = shownText(html);
          expect({ where, markupShown: /<\/?(?:div|p|span|strong|sup|a)\b/.test(text) || /&#?\w+;/.test(text) }).toEqual({ where, markupShown: false });
          expect({ where, directives: /:::|::check|\[\^|\[\[/.test(text) }).toEqual({ where, directives: false });
        }
      });
    }
    expect(callouts).toBeGreaterThan(20);
  });

  it('shows the clinical-safety warning on CYP2C19 testing in Welsh as a warning callout with a Welsh heading, apostrophes intact', () => {
    const module = library.bySlug('pharmacogenomics-in-practice');
    if (module === undefined) throw new Error('module missing');
    const html = render(module, 2, 'cy');
    expect(html).toContain('<div class="nhsuk-card nhsuk-card--warning"><div class="nhsuk-card__content"><h3 class="nhsuk-card__heading"><span role="text">Pwysig</span></h3>');
    expect(html).toContain('<strong>Mae comisiynu&#39;n dal i ddatblygu.</strong>');
    expect(shownText(html)).toContain("Mae comisiynu'n dal i ddatblygu.");
    expect(html).not.toContain('&amp;#39;');
    expect(html).not.toContain('&lt;div');
  });

  it('labels call-outs and citations in the page\'s language', () => {
    const module = library.bySlug('pharmacogenomics-in-practice');
    if (module === undefined) throw new Error('module missing');
    const welsh = render(module, 1, 'cy');
    expect(welsh).toContain('<span class="nhsuk-u-visually-hidden">Gwybodaeth: </span>');
    expect(welsh).toContain('<span class="nhsuk-u-visually-hidden">Enghraifft: </span>');
    expect(welsh).toMatch(/aria-label="Cyfeiriad \d+"/);
    expect(welsh).not.toMatch(/Information: |Example: |Important: |aria-label="Reference /);
    const english = render(module, 1, 'en');
    expect(english).toContain('<span class="nhsuk-u-visually-hidden">Information: </span>');
    expect(english).toMatch(/aria-label="Reference \d+"/);
  });

  it('renders citations, glossary terms, checks and figures from marked tokens of their own', () => {
    const sample = loadContentLibrary('test/fixtures/content').bySlug('sample-genomics');
    if (sample === undefined) throw new Error('fixture missing');
    const page = sample.pages[0];
    if (page === undefined) throw new Error('page missing');
    const rendered = renderPage(sample, page, 'en', '/assets/content/sample-genomics', '/learn/sample-genomics/glossary', labels('en'));
    expect(rendered.html).toContain('<sup class="app-cite"><a href="#ref-r1" aria-label="Reference 1">[1]</a></sup>');
    expect(rendered.html).toContain('<a class="app-term" href="/learn/sample-genomics/glossary#term-gene">');
    expect(rendered.html).toContain('<!--check:k1-->');
    expect(rendered.html).toContain('<img src="/assets/content/sample-genomics/images/helix.svg" alt="A double helix drawn as two twisted lines">');
    expect(rendered.checkIds).toEqual(['k1']);
    expect(rendered.citedReferences).toContain('r1');
    // The page's own title is the player's h1, not part of the content.
    expect(rendered.html).not.toMatch(/<h1/);
  });

  it('still shows raw HTML written in Markdown as text, and a callout that holds some as text inside the box', () => {
    const sample = loadContentLibrary('test/fixtures/content').bySlug('sample-genomics');
    if (sample === undefined) throw new Error('fixture missing');
    const markdown = '# T\n\n<script>alert(1)</script>\n\n:::callout info\nSee <b>this</b> [^r1].\n:::\n';
    const page = { id: 'x', en: { title: 'T', markdown }, cy: { title: 'T', markdown } };
    const html = renderPage(sample, page, 'en', '/a', '/g', labels('en')).html;
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: <\/span><p>See &lt;b&gt;this&lt;\/b&gt; <sup class="app-cite">/);
  });
});
