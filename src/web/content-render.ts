// Turning a module page's Markdown into HTML built from nhsuk-frontend's
// classes. The small set of extensions (content/README.md): callouts, glossary
// terms, citations, inline knowledge checks and figures. Raw HTML in Markdown is
// shown as text, never passed through.

import { Marked, type Tokens } from 'marked';
import type { LearningModule, ModulePage } from '../domain/learning/index.js';
import type { Language } from '../domain/i18n.js';

export interface RenderedPage {
  readonly title: string;
  /** HTML with <!--check:ID--> markers where the knowledge checks go. */
  readonly html: string;
  readonly checkIds: readonly string[];
  /** References cited on the page, in the order of the module's list. */
  readonly citedReferences: readonly string[];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const marked = new Marked({
  gfm: true,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    heading(token: Tokens.Heading): string {
      const level = Math.min(6, Math.max(2, token.depth));
      const size = level === 2 ? 'nhsuk-heading-m' : 'nhsuk-heading-s';
      return `<h${level} class="${size}">${this.parser.parseInline(token.tokens)}</h${level}>\n`;
    },
    image(token: Tokens.Image): string {
      const caption = token.title === null || token.title === '' ? '' : `<figcaption class="nhsuk-body-s">${escapeHtml(token.title)}</figcaption>`;
      return `<figure class="app-figure"><img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}">${caption}</figure>`;
    },
  },
});

export function renderPage(module: LearningModule, page: ModulePage, lang: Language, assetBase: string, glossaryUrl: string): RenderedPage {
  const source = page[lang].markdown;
  const referenceOrder = module.manifest.references.map((r) => r.id);
  const cited: string[] = [];
  const checkIds: string[] = [];

  let text = source.replace(/^# .*(\r?\n)?/, '');
  // Callouts become nhsuk inset text (info, example) or a warning callout.
  text = text.replace(/^:::callout (info|warning|example)\s*\r?\n([\s\S]*?)^:::\s*$/gm, (_whole, kind: string, body: string) => {
    const inner = marked.parse(body, { async: false });
    return kind === 'warning'
      ? `<div class="nhsuk-warning-callout"><div class="nhsuk-warning-callout__content">${inner}</div></div>\n`
      : `<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">${kind === 'example' ? 'Example' : 'Information'}: </span>${inner}</div>\n`;
  });
  text = text.replace(/^::check\{id=([a-z0-9-]+)\}\s*$/gm, (_whole, id: string) => {
    checkIds.push(id);
    return `GNMCHECK${checkIds.length - 1}GNMEND`;
  });
  // Citations and glossary terms are inline; placeholders survive Markdown untouched.
  text = text.replace(/\[\^([a-z0-9-]+)\]/g, (_whole, id: string) => {
    if (!cited.includes(id)) cited.push(id);
    return `GNMCITE${id}GNMEND`;
  });
  const terms: { id: string; shown: string }[] = [];
  text = text.replace(/\[\[([a-z0-9-]+)(?:\|([^\]]*))?\]\]/g, (_whole, id: string, shown: string | undefined) => {
    terms.push({ id, shown: shown ?? module.glossary[id]?.[lang].term ?? id });
    return `GNMTERM${terms.length - 1}GNMEND`;
  });
  text = text.replace(/!\[([^\]]*)\]\((?!https?:)([^)\s]+)/g, (_whole, alt: string, src: string) => `![${alt}](${assetBase}/${src}`);

  let html = marked.parse(text, { async: false });
  html = html.replace(/GNMCITE([a-z0-9-]+)GNMEND/g, (_whole, id: string) => {
    const n = referenceOrder.indexOf(id) + 1;
    return `<sup class="app-cite"><a href="#ref-${id}" aria-label="Reference ${n}">[${n}]</a></sup>`;
  });
  html = html.replace(/GNMTERM(\d+)GNMEND/g, (_whole, i: string) => {
    const term = terms[Number(i)];
    return term === undefined ? '' : `<a class="app-term" href="${glossaryUrl}#term-${term.id}">${escapeHtml(term.shown)}</a>`;
  });
  html = html.replace(/(?:<p>)?GNMCHECK(\d+)GNMEND(?:<\/p>)?/g, (_whole, i: string) => `<!--check:${checkIds[Number(i)] ?? ''}-->`);
  cited.sort((a, b) => referenceOrder.indexOf(a) - referenceOrder.indexOf(b));
  return { title: page[lang].title, html, checkIds, citedReferences: cited };
}
