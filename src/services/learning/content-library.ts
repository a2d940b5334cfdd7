// Reading learning modules from content/ on disk: YAML and Markdown in, checked
// modules (or every problem) out. Loaded once at start-up; a module with a
// problem is not offered to learners, and `genomeg content check` fails.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { checkModule, checkPathways, WelshTermsSchema, type ContentProblem, type LearningModule, type ModuleSource, type Pathway, type WelshTerms } from '../../domain/learning/index.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';

export interface ContentLibrary {
  readonly modules: readonly LearningModule[];
  readonly problems: readonly ContentProblem[];
  /** Learning pathways by staff group (content/pathways.yaml); empty without the file or when it has a problem. */
  readonly pathways: readonly Pathway[];
  bySlug(slug: string): LearningModule | undefined;
}

/** content/pathways.yaml, checked against the module folders and the staff groups. */
export function readPathways(contentDir: string, folders: readonly string[], problems: ContentProblem[]): Pathway[] {
  const path = join(contentDir, 'pathways.yaml');
  if (!existsSync(path)) return [];
  const raw = readYaml(path, 'pathways.yaml', problems);
  if (raw === undefined) return [];
  const result = checkPathways(raw, new Set(folders), new Set(STAFF_GROUPS.map((g) => g.code)));
  problems.push(...result.problems);
  return result.pathways;
}

function walk(dir: string, root: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, root) : [relative(root, path)];
  });
}

function readYaml(path: string, file: string, problems: ContentProblem[]): unknown {
  if (!existsSync(path)) {
    problems.push({ file, path: null, line: null, code: 'schema', message: 'the file is missing' });
    return undefined;
  }
  try {
    return parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0].line ?? null) : null;
    problems.push({ file, path: null, line, code: 'schema', message: `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}` });
    return undefined;
  }
}

export function readModuleSource(contentDir: string, folder: string, problems: ContentProblem[]): ModuleSource {
  const dir = join(contentDir, folder);
  const files = new Set(walk(dir, dir));
  const pages: Record<string, { en?: string; cy?: string }> = {};
  for (const file of files) {
    const match = /^pages\/(.+)\.(en|cy)\.md$/.exec(file);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const entry = pages[match[1]] ?? {};
    entry[match[2] as 'en' | 'cy'] = readFileSync(join(dir, file), 'utf8');
    pages[match[1]] = entry;
  }
  return {
    folder,
    manifest: readYaml(join(dir, 'module.yaml'), `${folder}/module.yaml`, problems),
    glossary: existsSync(join(dir, 'glossary.yaml')) ? readYaml(join(dir, 'glossary.yaml'), `${folder}/glossary.yaml`, problems) : {},
    checks: existsSync(join(dir, 'checks.yaml')) ? readYaml(join(dir, 'checks.yaml'), `${folder}/checks.yaml`, problems) : { checks: [] },
    assessment: readYaml(join(dir, 'assessment.yaml'), `${folder}/assessment.yaml`, problems),
    pages,
    files,
  };
}

/** The Welsh glossary, content/terms.yaml, if the folder has one (a broken one is a problem of its own). */
export function readWelshTerms(contentDir: string, problems: ContentProblem[]): WelshTerms | undefined {
  const path = join(contentDir, 'terms.yaml');
  if (!existsSync(path)) return undefined;
  const parsed = WelshTermsSchema.safeParse(readYaml(path, 'terms.yaml', problems));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push({ file: 'terms.yaml', path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || null, line: null, code: 'schema', message: issue.message });
  }
  return undefined;
}

export function loadContentLibrary(contentDir: string): ContentLibrary {
  const modules: LearningModule[] = [];
  const problems: ContentProblem[] = [];
  const terms = readWelshTerms(contentDir, problems);
  const folders = existsSync(contentDir)
    ? readdirSync(contentDir).filter((name) => statSync(join(contentDir, name)).isDirectory() && existsSync(join(contentDir, name, 'module.yaml'))).sort()
    : [];
  for (const folder of folders) {
    const readProblems: ContentProblem[] = [];
    const source = readModuleSource(contentDir, folder, readProblems);
    problems.push(...readProblems);
    if (readProblems.length > 0) continue;
    const result = checkModule({ ...source, terms });
    problems.push(...result.problems);
    if (result.module !== null) modules.push(result.module);
  }
  const pathways = readPathways(contentDir, folders, problems);
  const bySlugMap = new Map(modules.map((m) => [m.manifest.slug, m]));
  return { modules, problems, pathways, bySlug: (slug) => bySlugMap.get(slug) };
}
