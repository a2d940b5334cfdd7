import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModule, checkPathways, DEFAULT_REQUIRED_LEVEL, isReviewed, pathwayFor, pathwaysOwnFirst, nonPreferredTerms, termMatchers, type ContentProblem, type ModuleSource } from '../../src/domain/learning/index.js';
import { SPECIALIST_ROLES, STAFF_GROUPS } from '../../src/domain/staff/index.js';
import { loadContentLibrary, readModuleSource, readWelshTerms } from '../../src/services/learning/content-library.js';

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

  it('fails a competency the framework does not have, naming where', () => {
    const { problems } = checkModule(fixture((s) => { s.manifest['competencies'] = ['genomic-literacy-basics', 'no-such-competency']; }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/module.yaml', path: 'competencies[1]', code: 'unknown-competency' }));
    expect(problems.filter((p) => p.code === 'unknown-competency')).toHaveLength(1);
  });

  it('fails an interactive tool that does not exist, with its line', () => {
    const { problems } = checkModule(fixture((s) => { s.pages['02-dna'] = { ...s.pages['02-dna'], cy: '# DNA\n\n::tool{id=no-such-tool}\n' }; }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.cy.md', line: 3, code: 'unknown-tool' }));
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

  it('fails a tool that does not exist, and a Welsh page whose tools differ from the English', () => {
    const unknown = checkModule(fixture((s) => { s.pages['02-dna'] = { en: '# DNA\n\n::tool{id=pedigree}\n', cy: '# DNA\n\n::tool{id=pedigree}\n' }; }));
    expect(unknown.problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.en.md', line: 3, code: 'unknown-tool' }));
    const missing = checkModule(fixture((s) => { s.pages['02-dna'] = { en: '# DNA\n\n::tool{id=inheritance}\n', cy: '# DNA\n\nDim offeryn.\n' }; }));
    expect(missing.problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.cy.md', code: 'language-mismatch' }));
    const fine = checkModule(fixture((s) => { s.pages['02-dna'] = { en: '# DNA\n\n::tool{id=inheritance}\n', cy: '# DNA\n\n::tool{id=inheritance}\n' }; }));
    expect(fine.problems.filter((p) => p.code === 'unknown-tool' || p.code === 'language-mismatch')).toEqual([]);
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

  describe('review of a module version', () => {
    const reviewer = { name: 'A. Reviewer', role: 'Consultant clinical scientist', date: '2026-12-01' };
    const welshReviewer = { name: 'B. Adolygydd', role: 'Welsh-language reviewer', date: '2026-12-02' };

    it('fails a module marked reviewed without a clinical and a Welsh-language reviewer, naming each', () => {
      const { problems } = checkModule(fixture((s) => { s.manifest['review'] = { status: 'reviewed', version: s.manifest['version'] }; }));
      expect(problems).toEqual(expect.arrayContaining([
        expect.objectContaining({ file: 'sample-genomics/module.yaml', path: 'review.clinical', code: 'review-incomplete' }),
        expect.objectContaining({ file: 'sample-genomics/module.yaml', path: 'review.welsh', code: 'review-incomplete' }),
      ]));
      const oneOnly = checkModule(fixture((s) => { s.manifest['review'] = { status: 'reviewed', version: s.manifest['version'], clinical: reviewer }; }));
      expect(oneOnly.problems.map((p) => p.path)).toEqual(['review.welsh']);
    });

    it('fails Welsh marked reviewed without a Welsh-language reviewer recorded', () => {
      const { problems } = checkModule(fixture((s) => { s.manifest['welsh'] = { status: 'reviewed', reviewedBy: 'Someone', reviewedOn: '2026-12-01' }; }));
      expect(problems).toContainEqual(expect.objectContaining({ path: 'welsh.status', code: 'review-incomplete' }));
    });

    it('does not carry a review of an earlier version over to a new one', () => {
      const { problems } = checkModule(fixture((s) => { s.manifest['review'] = { status: 'reviewed', version: '0.9.0', clinical: reviewer, welsh: welshReviewer }; }));
      expect(problems).toContainEqual(expect.objectContaining({ path: 'review.version', code: 'review-incomplete' }));
    });

    it('counts a version as reviewed only with both reviewers recorded for it', () => {
      const both = checkModule(fixture((s) => { s.manifest['review'] = { status: 'reviewed', version: s.manifest['version'], clinical: reviewer, welsh: welshReviewer }; }));
      expect(both.problems).toEqual([]);
      expect(both.module !== null && isReviewed(both.module.manifest)).toBe(true);
      const recordedNotMarked = checkModule(fixture((s) => { s.manifest['review'] = { status: 'not-reviewed', version: s.manifest['version'], clinical: reviewer }; }));
      expect(recordedNotMarked.module !== null && isReviewed(recordedNotMarked.module.manifest)).toBe(false);
      const none = checkModule(fixture(() => undefined));
      expect(none.module?.manifest.review).toEqual({ status: 'not-reviewed', version: null, clinical: null, welsh: null });
    });

    it('marks no shipped module reviewed: no review has happened, and the Welsh stays machine-assisted', () => {
      const library = loadContentLibrary('content');
      expect(library.modules.length).toBeGreaterThanOrEqual(2);
      for (const m of library.modules) {
        expect(isReviewed(m.manifest)).toBe(false);
        expect(m.manifest.welsh.status).toBe('machine-assisted');
      }
    });
  });

  describe('the Welsh glossary of terms (content/terms.yaml)', () => {
    const terms = { terms: [
      { concept: 'genetic counsellor', preferred: 'cwnselydd genetig', avoid: ['cynghorydd genetig'] },
      { concept: 'genomics after "o" (mutation policy)', preferred: 'o enomeg', avoid: ['o genomeg'] },
    ] };

    it('flags a non-preferred term on a Welsh page with its line, and in a Welsh YAML field with its path', () => {
      const { problems } = checkModule({ ...fixture((s) => {
        s.pages['02-dna'] = { ...s.pages['02-dna'], cy: `${s.pages['02-dna']?.cy ?? ''}\nGall Cynghorydd Genetig helpu.\n` };
        (s.assessment.questions[0]?.['stem'] as Record<string, string>)['cy'] = 'Beth yw rôl y maes o genomeg?';
      }), terms });
      const lines = (checkModule(fixture(() => undefined)).module?.pages.find((p) => p.id === '02-dna')?.cy.markdown ?? '').split('\n').length;
      expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/02-dna.cy.md', line: lines + 1, code: 'non-preferred-term', message: expect.stringContaining('cwnselydd genetig') }));
      expect(problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/assessment.yaml', path: 'questions[0].stem.cy', code: 'non-preferred-term' }));
    });

    it('leaves English text and longer words alone', () => {
      const { problems } = checkModule({ ...fixture((s) => {
        s.pages['02-dna'] = { ...s.pages['02-dna'], en: `${s.pages['02-dna']?.en ?? ''}\nA cynghorydd genetig is not flagged in English.\n`, cy: `${s.pages['02-dna']?.cy ?? ''}\nGwybodaeth o genomegwyr.\n` };
      }), terms });
      expect(problems.filter((p) => p.code === 'non-preferred-term')).toEqual([]);
    });

    it('uses content/terms.yaml in the content check, and nothing shipped uses a non-preferred term', () => {
      const problems: ContentProblem[] = [];
      const shipped = readWelshTerms('content', problems);
      expect(problems).toEqual([]);
      expect(shipped?.terms.some((t) => t.preferred === 'cwnselydd genetig')).toBe(true);
      const dir = mkdtempSync(join(tmpdir(), 'genomeg-terms-'));
      try {
        cpSync(join(FIXTURES, 'sample-genomics'), join(dir, 'sample-genomics'), { recursive: true });
        writeFileSync(join(dir, 'terms.yaml'), 'terms:\n  - concept: genetic counsellor\n    preferred: cwnselydd genetig\n    avoid: [cynghorydd genetig]\n');
        writeFileSync(join(dir, 'sample-genomics', 'pages', '01-genes.cy.md'), `${readFileSync(join(FIXTURES, 'sample-genomics', 'pages', '01-genes.cy.md'), 'utf8')}\nSiaradwch â chynghorydd genetig neu gynghorydd genetig.\n`);
        const library = loadContentLibrary(dir);
        expect(library.modules).toEqual([]);
        expect(library.problems).toContainEqual(expect.objectContaining({ file: 'sample-genomics/pages/01-genes.cy.md', code: 'non-preferred-term' }));
        writeFileSync(join(dir, 'terms.yaml'), 'terms:\n  - concept: x\n');
        expect(loadContentLibrary(dir).problems).toContainEqual(expect.objectContaining({ file: 'terms.yaml', path: 'terms[0].preferred', code: 'schema' }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('keeps one Welsh term per concept in the reference data and the scenarios too', () => {
      const matchers = termMatchers(readWelshTerms('content', []) ?? { terms: [] });
      const texts: [string, string][] = [
        ...[...SPECIALIST_ROLES, ...STAFF_GROUPS].map((r): [string, string] => [`reference data ${r.code}`, r.name.cy]),
        ...readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f): [string, string] => [`scenarios/${f}`, readFileSync(join('scenarios', f), 'utf8')]),
      ];
      const found = texts.flatMap(([where, text]) => nonPreferredTerms(text, matchers).map((u) => `${where}: ${u.found}`));
      expect(found).toEqual([]);
    });
  });

  describe('learning pathways (content/pathways.yaml)', () => {
    const slugs = new Set(['what-is-genomics', 'cancer-genomics']);
    const groups = new Set(STAFF_GROUPS.map((g) => g.code));
    const file = (modules: string[], staffGroup = 'nursing-midwifery') => ({ pathways: [{ staffGroup, level: 'foundation', modules }] });

    it('accepts a pathway of known modules for a known staff group', () => {
      const result = checkPathways(file(['what-is-genomics', 'cancer-genomics']), slugs, groups);
      expect(result.problems).toEqual([]);
      expect(result.pathways[0]?.modules).toEqual(['what-is-genomics', 'cancer-genomics']);
    });

    it('fails an unknown module id, naming the file and the place', () => {
      const result = checkPathways(file(['what-is-genomics', 'cancer-genomix']), slugs, groups);
      expect(result.problems.map((p) => [p.file, p.path, p.code])).toEqual([['pathways.yaml', 'pathways[0].modules[1]', 'unknown-module']]);
      expect(result.pathways).toEqual([]);
    });

    it('fails an unknown staff group, a module listed twice and a group with two pathways', () => {
      expect(checkPathways(file(['what-is-genomics'], 'nurses'), slugs, groups).problems.map((p) => p.code)).toEqual(['unknown-staff-group']);
      expect(checkPathways(file(['what-is-genomics', 'what-is-genomics']), slugs, groups).problems.map((p) => p.code)).toEqual(['duplicate-id']);
      const twice = { pathways: [...file(['what-is-genomics']).pathways, ...file(['cancer-genomics']).pathways] };
      expect(checkPathways(twice, slugs, groups).problems.map((p) => p.code)).toEqual(['duplicate-id']);
      expect(checkPathways({ pathways: [{ staffGroup: 'ahp', level: 'expert', modules: ['what-is-genomics'] }] }, slugs, groups).problems.map((p) => p.code)).toEqual(['schema']);
    });

    it('makes `genomeg content check` fail when content/pathways.yaml names a module that does not exist', () => {
      const dir = mkdtempSync(join(tmpdir(), 'genomeg-pathways-'));
      try {
        cpSync(join(FIXTURES, 'sample-genomics'), join(dir, 'sample-genomics'), { recursive: true });
        writeFileSync(join(dir, 'pathways.yaml'), 'pathways:\n  - staffGroup: ahp\n    level: awareness\n    modules: [sample-genomics]\n');
        expect(loadContentLibrary(dir).problems).toEqual([]);
        expect(loadContentLibrary(dir).pathways.map((p) => p.staffGroup)).toEqual(['ahp']);
        writeFileSync(join(dir, 'pathways.yaml'), 'pathways:\n  - staffGroup: ahp\n    level: awareness\n    modules: [sample-genomics, no-such-module]\n');
        expect(loadContentLibrary(dir).problems.map((p) => `${p.file} ${p.code}`)).toEqual(['pathways.yaml unknown-module']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('has a pathway for every staff group in content/, each reaching its group\'s default level, and puts the learner\'s own first', () => {
      const { pathways } = loadContentLibrary('content');
      expect(pathways.map((p) => p.staffGroup).sort()).toEqual(STAFF_GROUPS.map((g) => g.code).sort());
      for (const g of STAFF_GROUPS) expect(pathwayFor(pathways, g.code)?.level, g.code).toBe(DEFAULT_REQUIRED_LEVEL[g.name.en]);
      expect(pathwaysOwnFirst(pathways, 'students')[0]?.staffGroup).toBe('students');
      expect(pathwaysOwnFirst(pathways, null).map((p) => p.staffGroup)).toEqual(pathways.map((p) => p.staffGroup));
      expect(pathwayFor(pathways, 'nursing-midwifery')?.modules).toContain('reproductive-antenatal-and-newborn-genomics');
    });
  });
});
