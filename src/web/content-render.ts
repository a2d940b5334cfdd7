// Turning a module page's Markdown into HTML built from nhsuk-frontend's
// classes. The module format's extensions (content/README.md) are tokens of
// marked's own, added through its extension API: callouts (a block holding
// Markdown), knowledge checks, citations and glossary terms. The source is
// never rewritten before marked reads it, so nothing an extension makes can be
// mistaken for raw HTML. Raw HTML written in Markdown is shown as text, never
// passed through.
//
// Rendering runs in three steps: lex (tokens only, the same for every page),
// walk (number citations, point terms and figures at their addresses, label
// callouts in the page's language), parse (each token renders from its own
// fields). Nothing here may read a file or know about a request.

import { Marked, type Token, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import type { LearningModule, ModulePage } from '../domain/learning/index.js';
import type { Language } from '../domain/i18n.js';

export interface RenderedPage {
  readonly title: string;
  /** HTML with <!--check:ID--> markers where the knowledge checks go, and <!--tool:ID--> where an interactive tool goes. */
  readonly html: string;
  readonly checkIds: readonly string[];
  /** References cited on the page, in the order of the module's list. */
  readonly citedReferences: readonly string[];
}

/** The words a page's extensions add, in the page's language (visually hidden prefixes and labels). */
export interface ContentLabels {
  readonly information: string;
  readonly example: string;
  readonly important: string;
  readonly reference: (n: number) => string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

type CalloutKind = 'info' | 'warning' | 'example';

interface CalloutToken extends Tokens.Generic {
  readonly type: 'callout';
  readonly kind: CalloutKind;
  tokens: Token[];
  /** Set while walking: the hidden prefix or the warning's heading, and the warning heading's level. */
  label?: string;
  headingLevel?: number;
}

interface CheckToken extends Tokens.Generic { readonly type: 'check'; readonly id: string }
interface ToolToken extends Tokens.Generic { readonly type: 'tool'; readonly id: string }
interface CitationToken extends Tokens.Generic { readonly type: 'citation'; readonly id: string; number?: number; label?: string }
interface TermToken extends Tokens.Generic { readonly type: 'term'; readonly id: string; readonly shown: string | null; href?: string; text?: string }

const CALLOUT = /^:::callout[ \t]+(info|warning|example)[ \t]*\n((?:[\s\S]*?\n)?):::[ \t]*(?:\n+|$)/;
const CHECK = /^::check\{id=([a-z0-9-]+)\}[ \t]*(?:\n+|$)/;
const TOOL = /^::tool\{id=([a-z0-9-]+)\}[ \t]*(?:\n+|$)/;
const CITATION = /^\[\^([a-z0-9-]+)\]/;
const TERM = /^\[\[([a-z0-9-]+)(?:\|([^\]]*))?\]\]/;

/** The position of the first line in `src` that matches, for marked to stop a paragraph there. */
function lineStart(src: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(src);
  return match === null ? undefined : match.index;
}

const callout: TokenizerAndRendererExtension = {
  name: 'callout',
  level: 'block',
  start: (src) => lineStart(src, /^:::callout/m),
  tokenizer(src) {
    const match = CALLOUT.exec(src);
    if (match === null) return undefined;
    const token: CalloutToken = { type: 'callout', raw: match[0], kind: match[1] as CalloutKind, tokens: [] };
    this.lexer.blockTokens(match[2] ?? '', token.tokens);
    return token;
  },
  renderer(token) {
    const t = token as CalloutToken;
    const body = this.parser.parse(t.tokens);
    const label = escapeHtml(t.label ?? '');
    if (t.kind === 'warning') {
      const level = t.headingLevel ?? 3;
      return `<div class="nhsuk-card nhsuk-card--warning"><div class="nhsuk-card__content"><h${level} class="nhsuk-card__heading"><span role="text">${label}</span></h${level}>\n${body}</div></div>\n`;
    }
    return `<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">${label}: </span>${body}</div>\n`;
  },
};

const check: TokenizerAndRendererExtension = {
  name: 'check',
  level: 'block',
  start: (src) => lineStart(src, /^::check\{/m),
  tokenizer(src) {
    const match = CHECK.exec(src);
    return match === null ? undefined : { type: 'check', raw: match[0], id: match[1] ?? '' } satisfies CheckToken;
  },
  renderer: (token) => `<!--check:${(token as CheckToken).id}-->\n`,
};

// An interactive tool (content/README.md): the player puts the tool's form where the marker is.
const tool: TokenizerAndRendererExtension = {
  name: 'tool',
  level: 'block',
  start: (src) => lineStart(src, /^::tool\{/m),
  tokenizer(src) {
    const match = TOOL.exec(src);
    return match === null ? undefined : { type: 'tool', raw: match[0], id: match[1] ?? '' } satisfies ToolToken;
  },
  renderer: (token) => `<!--tool:${(token as ToolToken).id}-->\n`,
};

const citation: TokenizerAndRendererExtension = {
  name: 'citation',
  level: 'inline',
  start: (src) => lineStart(src, /\[\^/),
  tokenizer(src) {
    const match = CITATION.exec(src);
    return match === null ? undefined : { type: 'citation', raw: match[0], id: match[1] ?? '' } satisfies CitationToken;
  },
  renderer(token) {
    const t = token as CitationToken;
    const n = t.number ?? 0;
    return `<sup class="app-cite"><a href="#ref-${escapeHtml(t.id)}" aria-label="${escapeHtml(t.label ?? '')}">[${n}]</a></sup>`;
  },
};

const term: TokenizerAndRendererExtension = {
  name: 'term',
  level: 'inline',
  start: (src) => lineStart(src, /\[\[/),
  tokenizer(src) {
    const match = TERM.exec(src);
    return match === null ? undefined : { type: 'term', raw: match[0], id: match[1] ?? '', shown: match[2] ?? null } satisfies TermToken;
  },
  renderer(token) {
    const t = token as TermToken;
    return `<a class="app-term" href="${escapeHtml(t.href ?? '')}">${escapeHtml(t.text ?? t.id)}</a>`;
  },
};

const marked = new Marked({
  gfm: true,
  extensions: [callout, check, tool, citation, term],
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

export function renderPage(module: LearningModule, page: ModulePage, lang: Language, assetBase: string, glossaryUrl: string, labels: ContentLabels): RenderedPage {
  const referenceOrder = module.manifest.references.map((r) => r.id);
  const cited: string[] = [];
  const checkIds: string[] = [];

  const tokens = marked.lexer(page[lang].markdown);
  // The page's title is shown by the player as its h1.
  const first = tokens[0];
  if (first?.type === 'heading' && (first as Tokens.Heading).depth === 1) tokens.shift();

  // Headings seen so far, so that a warning's heading sits one level below the section it is in.
  let sectionLevel = 1;
  // The callback is synchronous, so walkTokens returns no promise worth waiting for.
  void marked.walkTokens(tokens, (token) => {
    switch (token.type) {
      case 'heading':
        sectionLevel = Math.min(6, Math.max(2, (token as Tokens.Heading).depth));
        break;
      case 'callout': {
        const t = token as CalloutToken;
        t.label = t.kind === 'warning' ? labels.important : t.kind === 'example' ? labels.example : labels.information;
        t.headingLevel = Math.min(6, sectionLevel + 1);
        break;
      }
      case 'check':
        checkIds.push((token as CheckToken).id);
        break;
      case 'citation': {
        const t = token as CitationToken;
        if (!cited.includes(t.id)) cited.push(t.id);
        t.number = referenceOrder.indexOf(t.id) + 1;
        t.label = labels.reference(t.number);
        break;
      }
      case 'term': {
        const t = token as TermToken;
        t.href = `${glossaryUrl}#term-${t.id}`;
        t.text = t.shown ?? module.glossary[t.id]?.[lang].term ?? t.id;
        break;
      }
      case 'image': {
        const t = token as Tokens.Image;
        // Figures are the module's own files, under its images/ folder.
        if (!/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(t.href)) t.href = `${assetBase}/${t.href}`;
        break;
      }
      default:
        break;
    }
  });

  const html = marked.parser(tokens);
  cited.sort((a, b) => referenceOrder.indexOf(a) - referenceOrder.indexOf(b));
  return { title: page[lang].title, html, checkIds, citedReferences: cited };
}
