import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModule, type ModuleSource } from '../../src/domain/learning/index.js';
import { loadContentLibrary, readModuleSource } from '../../src/services/learning/content-library.js';

const FIXTURES = 'test/fixtures/content';

/** The fixture module as sources, with one thing changed. */
function fixture(change: (source: { manifest: Record<string, unknown>; assessment: { questions: Record<string, unknown>[] }; pages: Record<string, { en?: string; cy?: string }>; files: Set<string>; checks: unknown; glossary: unknown }) => void): ModuleSource {
  const source = readModuleSource(FIXTURES, 'sample-genomics', []);
  const copy = JSON.parse(JSON.stringify({ manifest: source.manifest, assessment: source.assessment, pages: source.pages, checks: source.checks, glossary: source.glossary })) as Parameters<typeof change>[0];
  copy.files = new Set(source.files);
  change(copy);
  return { folder: 'sample-genomics', ...copy };
}

describe('checking learning content', () => {
  it('accepts the fixture module', () => {
    const library = loadContentLibrary(FIXTURES);
    expect(library.problems).toEqual([]);
    expect(library.modules.map((m) => m.manifest.slug)).toEqual(['sample-genomics']);
  });

  it('passes every module shipped in content/', () => {
    const library = loadContentLibrary('content');
    expect(library.problems).toEqual([]);
  });

  it('fails a page missing in Welsh, naming the file', () => {
    const { problems } = checkModule(fixture((s) => { delete s.pages['02-dna']?.cy; }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.cy.md', code: 'page-missing' }));
  });

  it('fails a citation of a reference that does not exist, with its line', () => {
    const { problems } = checkModule(fixture((s) => { s.pages['02-dna'] = { ...s.pages['02-dna'], en: '# DNA\n\nFirst line.\nA claim.[^r9]\n' }; }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.en.md', line: 4, code: 'broken-reference' }));
  });

  it('fails an image without alt text, and a link to a missing file', () => {
    const { problems } = checkModule(fixture((s) => { s.pages['02-dna'] = { ...s.pages['02-dna'], en: '# DNA\n\n![](images/helix.svg)\n\n[see](other.md)\n' }; }));
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(['image-alt', 'broken-link']));
  });

  it('fails a question without a rationale, naming the field', () => {
    const { problems } = checkModule(fixture((s) => { delete s.assessment.questions[1]?.['rationale']; }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/assessment.yaml', path: 'questions[1].rationale', code: 'schema' }));
  });

  it('fails a question missing its Welsh stem', () => {
    const { problems } = checkModule(fixture((s) => { (s.assessment.questions[0]?.['stem'] as Record<string, string>)['cy'] = ''; }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'questions[0].stem.cy', code: 'schema' }));
  });

  it('fails an outcome that no question assesses', () => {
    const { problems } = checkModule(fixture((s) => {
      (s.manifest['outcomes'] as unknown[]).push({ id: 'o2', text: { en: 'Another', cy: 'Arall' } });
    }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'outcomes[1]', code: 'outcome-unassessed' }));
  });

  it('fails a single-choice question with two right answers', () => {
    const { problems } = checkModule(fixture((s) => {
      const options = s.assessment.questions[0]?.['options'] as { correct: boolean }[];
      for (const o of options) o.correct = true;
    }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'questions[0].options', code: 'answer-key' }));
  });

  it('fails a glossary term and a knowledge check that do not exist', () => {
    const { problems } = checkModule(fixture((s) => { s.pages['02-dna'] = { en: '# DNA\n\n[[allele]]\n\n::check{id=k9}\n', cy: '# DNA\n\n[[allele]]\n\n::check{id=k9}\n' }; }));
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(['unknown-term', 'unknown-check']));
  });

  it('reports invalid YAML with its file and line, and hides that module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'genomeg-content-'));
    try {
      cpSync(join(FIXTURES, 'sample-genomics'), join(dir, 'sample-genomics'), { recursive: true });
      writeFileSync(join(dir, 'sample-genomics', 'glossary.yaml'), 'gene:\n  en: { term: "Gene"\n  cy: [\n');
      const library = loadContentLibrary(dir);
      expect(library.modules).toEqual([]);
      expect(library.problems[0]).toMatchObject({ file: 'sample-genomics/glossary.yaml', code: 'schema' });
      expect(library.problems[0]?.line).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
