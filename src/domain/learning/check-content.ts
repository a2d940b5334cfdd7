// Checking a learning module before anyone sees it. Pure: takes what the
// loader read from content/<slug>/ (parsed YAML and page texts) and returns the
// module, or every problem found, each naming the file, the place in it and
// what is wrong. `genomeg content check` and the tests run this over content/.

import type { z } from 'zod';
import {
  AssessmentSchema, ChecksSchema, GlossarySchema, ModuleManifestSchema,
  type Glossary, type LocalisedText, type ModuleManifest, type Question,
} from './content-schema.js';
import { competencyById } from './competency-framework.js';
import { reviewProblems } from './review.js';
import { nonPreferredTerms, termMatchers, type WelshTerms } from './terms.js';
import { PathwaysFileSchema, type Pathway } from './pathways.js';

export interface ModuleSource {
  /** Folder name under content/, which must equal the manifest's slug. */
  readonly folder: string;
  readonly manifest: unknown;
  readonly glossary: unknown;
  readonly checks: unknown;
  readonly assessment: unknown;
  /** Page texts by file name without language and extension: { '01-intro': { en, cy } }. */
  readonly pages: Readonly<Record<string, { readonly en?: string; readonly cy?: string }>>;
  /** Every file in the folder, as paths relative to it (for images and links). */
  readonly files: ReadonlySet<string>;
  /** The Welsh glossary (content/terms.yaml); without it, terms are not checked. */
  readonly terms?: WelshTerms | undefined;
}

export const CONTENT_PROBLEM_CODES = [
  'schema', 'slug-mismatch', 'page-missing', 'page-unlisted', 'page-title', 'broken-reference', 'unknown-term',
  'unknown-check', 'image-alt', 'broken-link', 'unknown-outcome', 'answer-key', 'outcome-unassessed',
  'duplicate-id', 'bank-too-small', 'language-mismatch', 'review-incomplete', 'non-preferred-term', 'unknown-tool', 'unknown-competency',
  'unknown-module', 'unknown-staff-group',
] as const;

/** Interactive tools a page can embed with ::tool{id=...} (src/web/inheritance-tool.ts, src/web/content-tools.ts). */
export const CONTENT_TOOLS = ['inheritance', 'pgx-explorer'] as const;
export type ContentProblemCode = (typeof CONTENT_PROBLEM_CODES)[number];

export interface ContentProblem {
  /** Path relative to content/. */
  readonly file: string;
  /** Field path in a YAML file, e.g. questions[3].rationale.cy. */
  readonly path: string | null;
  /** Line in a page. */
  readonly line: number | null;
  readonly code: ContentProblemCode;
  readonly message: string;
}

export interface ModulePage {
  readonly id: string;
  readonly en: { readonly title: string; readonly markdown: string };
  readonly cy: { readonly title: string; readonly markdown: string };
}

export interface LearningModule {
  readonly manifest: ModuleManifest;
  readonly pages: readonly ModulePage[];
  readonly glossary: Glossary;
  readonly checks: readonly Question[];
  readonly questions: readonly Question[];
}

const CITATION = /\[\^([a-z0-9-]+)\]/g;
const TERM = /\[\[([a-z0-9-]+)(?:\|[^\]]*)?\]\]/g;
const CHECK = /^::check\{id=([a-z0-9-]+)\}\s*$/gm;
const TOOL = /^::tool\{id=([a-z0-9-]+)\}\s*$/gm;
const IMAGE = /!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const LINK = /(?<!!)\[[^\]]+\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function zodProblems(file: string, error: z.ZodError): ContentProblem[] {
  return error.issues.map((issue) => ({
    file,
    path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || null,
    line: null,
    code: 'schema' as const,
    message: issue.message,
  }));
}

function checkQuestions(
  file: string, key: 'questions' | 'checks', questions: readonly Question[],
  outcomes: ReadonlySet<string>, references: ReadonlySet<string>, problems: ContentProblem[],
): void {
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    const at = `${key}[${i}]`;
    if (seen.has(q.id)) problems.push({ file, path: `${at}.id`, line: null, code: 'duplicate-id', message: `question id "${q.id}" is used twice` });
    seen.add(q.id);
    if (!outcomes.has(q.outcome)) problems.push({ file, path: `${at}.outcome`, line: null, code: 'unknown-outcome', message: `no outcome "${q.outcome}" in module.yaml` });
    if (!references.has(q.reference)) problems.push({ file, path: `${at}.reference`, line: null, code: 'broken-reference', message: `no reference "${q.reference}" in module.yaml` });
    const correct = q.options.filter((o) => o.correct).length;
    if (q.type === 'single' ? correct !== 1 : correct < 1) {
      problems.push({ file, path: `${at}.options`, line: null, code: 'answer-key', message: q.type === 'single' ? `a single-choice question needs exactly one correct option, not ${correct}` : 'a multiple-choice question needs at least one correct option' });
    }
    const optionIds = new Set<string>();
    for (const o of q.options) {
      if (optionIds.has(o.id)) problems.push({ file, path: `${at}.options`, line: null, code: 'duplicate-id', message: `option id "${o.id}" is used twice` });
      optionIds.add(o.id);
    }
  });
}

function pageTitle(text: string): string | null {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.startsWith('# ') ? first.slice(2).trim() : null;
}

/** Every Welsh string (a `cy` field) in parsed YAML, with its field path. */
function welshStrings(value: unknown, path: string): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => welshStrings(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const at = path === '' ? key : `${path}.${key}`;
    return key === 'cy' && typeof v === 'string' ? [[at, v] as [string, string]] : welshStrings(v, at);
  });
}

export function checkModule(source: ModuleSource): { module: LearningModule | null; problems: ContentProblem[] } {
  const folder = source.folder;
  const problems: ContentProblem[] = [];
  const manifest = ModuleManifestSchema.safeParse(source.manifest);
  const glossary = GlossarySchema.safeParse(source.glossary ?? {});
  const checks = ChecksSchema.safeParse(source.checks ?? { checks: [] });
  const assessment = AssessmentSchema.safeParse(source.assessment);
  if (!manifest.success) problems.push(...zodProblems(`${folder}/module.yaml`, manifest.error));
  if (!glossary.success) problems.push(...zodProblems(`${folder}/glossary.yaml`, glossary.error));
  if (!checks.success) problems.push(...zodProblems(`${folder}/checks.yaml`, checks.error));
  if (!assessment.success) problems.push(...zodProblems(`${folder}/assessment.yaml`, assessment.error));
  if (!manifest.success || !glossary.success || !checks.success || !assessment.success) return { module: null, problems };

  const m = manifest.data;
  if (m.slug !== folder) problems.push({ file: `${folder}/module.yaml`, path: 'slug', line: null, code: 'slug-mismatch', message: `slug "${m.slug}" differs from the folder name "${folder}"` });
  const outcomes = new Set(m.outcomes.map((o) => o.id));
  const references = new Set(m.references.map((r) => r.id));
  const checkIds = new Set(checks.data.checks.map((c) => c.id));
  for (const [kind, ids] of [['outcome', m.outcomes.map((o) => o.id)], ['reference', m.references.map((r) => r.id)]] as const) {
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    for (const id of dupes) problems.push({ file: `${folder}/module.yaml`, path: `${kind}s`, line: null, code: 'duplicate-id', message: `${kind} id "${id}" is used twice` });
  }

  checkQuestions(`${folder}/assessment.yaml`, 'questions', assessment.data.questions, outcomes, references, problems);
  checkQuestions(`${folder}/checks.yaml`, 'checks', checks.data.checks, outcomes, references, problems);
  const assessed = new Set(assessment.data.questions.map((q) => q.outcome));
  m.outcomes.forEach((o, i) => {
    if (!assessed.has(o.id)) problems.push({ file: `${folder}/module.yaml`, path: `outcomes[${i}]`, line: null, code: 'outcome-unassessed', message: `no assessment question assesses outcome "${o.id}"` });
  });
  if (assessment.data.questions.length < m.questionsPerAttempt) {
    problems.push({ file: `${folder}/assessment.yaml`, path: 'questions', line: null, code: 'bank-too-small', message: `${assessment.data.questions.length} questions, fewer than questionsPerAttempt (${m.questionsPerAttempt})` });
  }

  m.competencies.forEach((id, i) => {
    if (competencyById(id) === undefined) problems.push({ file: `${folder}/module.yaml`, path: `competencies[${i}]`, line: null, code: 'unknown-competency', message: `no competency "${id}" in the framework (src/domain/learning/competency-framework.ts)` });
  });
  for (const p of reviewProblems(m)) problems.push({ file: `${folder}/module.yaml`, path: p.path, line: null, code: 'review-incomplete', message: p.message });

  const matchers = source.terms === undefined ? [] : termMatchers(source.terms);
  const flagTerms = (file: string, text: string, at: { path: string } | { lineIn: string }) => {
    for (const use of nonPreferredTerms(text, matchers)) {
      problems.push({
        file, path: 'path' in at ? at.path : null, line: 'lineIn' in at ? lineOf(at.lineIn, use.index) : null, code: 'non-preferred-term',
        message: `"${use.found}": the Welsh glossary (content/terms.yaml) prefers "${use.preferred}" for ${use.concept}`,
      });
    }
  };
  if (matchers.length > 0) {
    for (const [file, value] of [['module.yaml', source.manifest], ['glossary.yaml', source.glossary], ['checks.yaml', source.checks], ['assessment.yaml', source.assessment]] as const) {
      for (const [path, text] of welshStrings(value, '')) flagTerms(`${folder}/${file}`, text, { path });
    }
  }

  const pages: ModulePage[] = [];
  for (const pageId of Object.keys(source.pages)) {
    if (!m.pages.includes(pageId)) problems.push({ file: `${folder}/pages/${pageId}.en.md`, path: null, line: null, code: 'page-unlisted', message: 'this page is not listed in module.yaml pages' });
  }
  for (const pageId of m.pages) {
    const texts = source.pages[pageId];
    const parsed: Partial<Record<'en' | 'cy', { title: string; markdown: string; checks: string[]; tools: string[] }>> = {};
    for (const lang of ['en', 'cy'] as const) {
      const file = `${folder}/pages/${pageId}.${lang}.md`;
      const text = texts?.[lang];
      if (text === undefined) {
        problems.push({ file, path: null, line: null, code: 'page-missing', message: `the ${lang === 'en' ? 'English' : 'Welsh'} page is missing` });
        continue;
      }
      if (lang === 'cy') flagTerms(file, text, { lineIn: text });
      const title = pageTitle(text);
      if (title === null) problems.push({ file, path: null, line: 1, code: 'page-title', message: 'a page starts with "# Title"' });
      for (const match of text.matchAll(CITATION)) {
        if (!references.has(match[1] ?? '')) problems.push({ file, path: null, line: lineOf(text, match.index), code: 'broken-reference', message: `no reference "${match[1] ?? ''}" in module.yaml` });
      }
      for (const match of text.matchAll(TERM)) {
        if (!((match[1] ?? '') in glossary.data)) problems.push({ file, path: null, line: lineOf(text, match.index), code: 'unknown-term', message: `no term "${match[1] ?? ''}" in glossary.yaml` });
      }
      const pageChecks: string[] = [];
      for (const match of text.matchAll(CHECK)) {
        const id = match[1] ?? '';
        pageChecks.push(id);
        if (!checkIds.has(id)) problems.push({ file, path: null, line: lineOf(text, match.index), code: 'unknown-check', message: `no check "${id}" in checks.yaml` });
      }
      const pageTools: string[] = [];
      for (const match of text.matchAll(TOOL)) {
        const id = match[1] ?? '';
        pageTools.push(id);
        if (!(CONTENT_TOOLS as readonly string[]).includes(id)) problems.push({ file, path: null, line: lineOf(text, match.index), code: 'unknown-tool', message: `no tool "${id}" (tools: ${CONTENT_TOOLS.join(', ')})` });
      }
      for (const match of text.matchAll(IMAGE)) {
        const line = lineOf(text, match.index);
        if ((match[1] ?? '').trim() === '') problems.push({ file, path: null, line, code: 'image-alt', message: 'an image needs alt text: ![what it shows](path)' });
        const src = match[2] ?? '';
        if (!/^https?:/.test(src) && !source.files.has(src)) problems.push({ file, path: null, line, code: 'broken-link', message: `no file ${src} in ${folder}/` });
      }
      for (const match of text.matchAll(LINK)) {
        const href = match[1] ?? '';
        if (!/^(https?:|mailto:|#)/.test(href) && !source.files.has(href)) problems.push({ file, path: null, line: lineOf(text, match.index), code: 'broken-link', message: `the link ${href} goes nowhere` });
      }
      parsed[lang] = { title: title ?? pageId, markdown: text, checks: pageChecks.sort(), tools: pageTools.sort() };
    }
    const en = parsed.en;
    const cy = parsed.cy;
    if (en !== undefined && cy !== undefined) {
      if (en.checks.join(',') !== cy.checks.join(',')) {
        problems.push({ file: `${folder}/pages/${pageId}.cy.md`, path: null, line: null, code: 'language-mismatch', message: `the Welsh page has checks [${cy.checks.join(', ')}] where the English has [${en.checks.join(', ')}]` });
      }
      if (en.tools.join(',') !== cy.tools.join(',')) {
        problems.push({ file: `${folder}/pages/${pageId}.cy.md`, path: null, line: null, code: 'language-mismatch', message: `the Welsh page has tools [${cy.tools.join(', ')}] where the English has [${en.tools.join(', ')}]` });
      }
      pages.push({ id: pageId, en: { title: en.title, markdown: en.markdown }, cy: { title: cy.title, markdown: cy.markdown } });
    }
  }

  if (problems.length > 0) return { module: null, problems };
  return { module: { manifest: m, pages, glossary: glossary.data, checks: checks.data.checks, questions: assessment.data.questions }, problems };
}

export function localised(text: LocalisedText, lang: 'en' | 'cy'): string {
  return text[lang];
}

/**
 * Checking content/pathways.yaml: each pathway names a known staff group (once)
 * and only modules that exist in content/ (each once). `slugs` are the module
 * folders' slugs; `staffGroups` the ESR staff group codes (STAFF_GROUPS).
 */
export function checkPathways(raw: unknown, slugs: ReadonlySet<string>, staffGroups: ReadonlySet<string>): { pathways: Pathway[]; problems: ContentProblem[] } {
  const file = 'pathways.yaml';
  const parsed = PathwaysFileSchema.safeParse(raw);
  if (!parsed.success) return { pathways: [], problems: zodProblems(file, parsed.error) };
  const problems: ContentProblem[] = [];
  const groupsSeen = new Set<string>();
  parsed.data.pathways.forEach((pathway, i) => {
    const at = `pathways[${i}]`;
    if (!staffGroups.has(pathway.staffGroup)) problems.push({ file, path: `${at}.staffGroup`, line: null, code: 'unknown-staff-group', message: `no staff group "${pathway.staffGroup}" (use a code from STAFF_GROUPS)` });
    if (groupsSeen.has(pathway.staffGroup)) problems.push({ file, path: `${at}.staffGroup`, line: null, code: 'duplicate-id', message: `staff group "${pathway.staffGroup}" has two pathways` });
    groupsSeen.add(pathway.staffGroup);
    const modulesSeen = new Set<string>();
    pathway.modules.forEach((slug, j) => {
      if (!slugs.has(slug)) problems.push({ file, path: `${at}.modules[${j}]`, line: null, code: 'unknown-module', message: `no module "${slug}" in content/` });
      if (modulesSeen.has(slug)) problems.push({ file, path: `${at}.modules[${j}]`, line: null, code: 'duplicate-id', message: `module "${slug}" is listed twice` });
      modulesSeen.add(slug);
    });
  });
  return { pathways: problems.length === 0 ? parsed.data.pathways : [], problems };
}
