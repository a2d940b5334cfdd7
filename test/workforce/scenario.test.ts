import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { formatIssue, mergeScenario, resolveScenario, validateScenario, type ScenarioIssue } from '../../src/domain/workforce/scenario.js';
import { loadScenarioFile, parseScenarioText } from '../../src/services/workforce/scenario-files.js';
import { runMonteCarlo } from '../../src/services/workforce/monte-carlo-runner.js';
import { compile } from '../../src/domain/workforce/engine.js';
import { HAND } from './helpers.js';

function issuesOf(fn: () => unknown): ScenarioIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    expect(e.code).toBe('GNM_SCENARIO_INVALID');
    return e.details as ScenarioIssue[];
  }
  throw new Error('expected a GNM_SCENARIO_INVALID error');
}

const invalid = (patch: Record<string, unknown>): ScenarioIssue[] => issuesOf(() => validateScenario({ file: 'bad.yaml', data: { ...HAND, ...patch } }));

describe('scenario validation', () => {
  it('accepts the hand-worked scenario', () => {
    expect(validateScenario({ file: 'ok.yaml', data: HAND }).roles[0]?.attrition).toEqual({ kind: 'fixed', value: 0.25 });
  });

  it('names an unknown role with the field path and the known roles', () => {
    const issues = invalid({ baseline: [{ role: 'wizard', organisation: 'board', headcount: [1, 1] }] });
    expect(issues).toEqual([{ file: 'bad.yaml', path: 'baseline.0.role', message: 'an unknown role "wizard"; known roles: scientist' }]);
    expect(formatIssue(issues[0]!)).toBe('bad.yaml: baseline.0.role: an unknown role "wizard"; known roles: scientist');
  });

  it('refuses a negative rate and a completion rate above 1', () => {
    expect(invalid({ roles: [{ ...HAND.roles[0], attrition: -0.1 }] })[0]).toMatchObject({ path: 'roles.0.attrition', message: expect.stringContaining('between 0 and 1') as unknown });
    expect(invalid({ pipelines: [{ ...HAND.pipelines[0], completion: 1.2 }] })[0]).toMatchObject({ path: 'pipelines.0.completion' });
    expect(invalid({ pipelines: [{ ...HAND.pipelines[0], completion: { uniform: [0.5, 1.5] } }] })[0]).toMatchObject({ path: 'pipelines.0.completion', message: expect.stringContaining('uniform') as unknown });
  });

  it('refuses a horizon of zero', () => {
    expect(invalid({ horizon: 0 })).toEqual([{ file: 'bad.yaml', path: 'horizon', message: 'a horizon of at least 1 year', kind: { code: 'tooSmall', values: { min: 1 } } }]);
  });

  it('checks lengths per age band and unknown fields', () => {
    expect(invalid({ baseline: [{ role: 'scientist', organisation: 'board', headcount: [1] }] })[0]).toMatchObject({ path: 'baseline.0.headcount', message: 'one headcount per age band (2), got 1' });
    expect(invalid({ colour: 'blue' })[0]).toMatchObject({ path: '' });
  });

  it('merges `extends`: lists of items with ids merge by id, other values are replaced', () => {
    const merged = mergeScenario({ roles: [{ id: 'a', x: 1, y: 2 }, { id: 'b', x: 3 }], horizon: 5 }, { roles: [{ id: 'a', y: 9 }, { id: 'c', x: 0 }], horizon: 6 });
    expect(merged).toEqual({ roles: [{ id: 'a', x: 1, y: 9 }, { id: 'b', x: 3 }, { id: 'c', x: 0 }], horizon: 6 });
  });

  it('refuses a cycle in extends, naming the chain', () => {
    const files: Record<string, unknown> = { 'a.yaml': { ...HAND, extends: 'b.yaml' }, 'b.yaml': { extends: 'a.yaml' } };
    const issues = issuesOf(() => resolveScenario({ file: 'a.yaml', data: files['a.yaml'] }, (name) => ({ file: name, data: files[name] })));
    expect(issues[0]).toEqual({ file: 'b.yaml', path: 'extends', message: 'a cycle in extends: a.yaml → b.yaml → a.yaml' });
  });

  it('reports unreadable YAML with the file name', () => {
    expect(issuesOf(() => parseScenarioText('a: [1, 2', 'broken.yaml'))[0]).toMatchObject({ file: 'broken.yaml', path: '', message: expect.stringContaining('not readable as YAML') as unknown });
  });
});

describe('scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-scenarios-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('loads JSON and YAML, following extends relative to the file', () => {
    writeFileSync(join(dir, 'base.json'), JSON.stringify(HAND));
    writeFileSync(join(dir, 'child.yaml'), 'id: child\nname: Child\nextends: base.json\nroles:\n  - { id: scientist, attrition: 0.5 }\n');
    const child = loadScenarioFile(join(dir, 'child.yaml'));
    expect(child.id).toBe('child');
    expect(child.roles[0]?.attrition).toEqual({ kind: 'fixed', value: 0.5 });
    expect(child.roles[0]?.payPerWte).toEqual({ kind: 'fixed', value: 1000 });
  });

  it('names the missing base file', () => {
    writeFileSync(join(dir, 'orphan.yaml'), 'extends: nowhere.yaml\n');
    expect(issuesOf(() => loadScenarioFile(join(dir, 'orphan.yaml')))[0]).toMatchObject({ path: 'extends', message: expect.stringContaining('"nowhere.yaml" could not be read') as unknown });
  });

  it.each(['welsh-genomics-baseline', 'more-training-places', 'international-recruitment', 'genomic-associates'])('the shipped scenario %s is valid', (name) => {
    const s = loadScenarioFile(join('scenarios', `${name}.yaml`));
    expect(s.id).toBe(name);
    expect(s.roles.map((r) => r.id)).toContain('genomic-associate');
  });

  it('every figure in the shipped scenarios cites a source or says it is illustrative', async () => {
    const { readFileSync } = await import('node:fs');
    for (const name of ['welsh-genomics-baseline', 'more-training-places', 'international-recruitment', 'genomic-associates']) {
      const lines = readFileSync(join('scenarios', `${name}.yaml`), 'utf8').split('\n');
      const bare = lines.filter((line) => {
        const code = line.split('#')[0] ?? '';
        if (!/:\s*[-{[]?\s*[\d.]/.test(code) || /^\s*(startYear|horizon|entryBand)\b/.test(code)) return false;
        if (/^\s*-\s*\{\s*id: [\w-]+(, width: \d+)?\s*\}/.test(code)) return false;
        return !line.includes('#');
      });
      expect(bare, name).toEqual([]);
    }
  });
});

describe('Monte Carlo across worker threads', () => {
  it('gives the same percentiles on 0, 1 and 2 threads for the same seed', async () => {
    const scenario = loadScenarioFile('scenarios/welsh-genomics-baseline.yaml');
    const inline = await runMonteCarlo(scenario, { runs: 60, seed: 7, threads: 0 });
    const one = await runMonteCarlo(scenario, { runs: 60, seed: 7, threads: 1 });
    let last = 0;
    const two = await runMonteCarlo(scenario, { runs: 60, seed: 7, threads: 2, onProgress: (done) => { last = done; } });
    expect(last).toBe(60);
    expect(one.summary.quantiles).toEqual(inline.summary.quantiles);
    expect(two.summary.quantiles).toEqual(inline.summary.quantiles);
    const other = await runMonteCarlo(scenario, { runs: 60, seed: 8, threads: 0 });
    expect(other.summary.quantiles).not.toEqual(inline.summary.quantiles);
    expect(compile(scenario).params.length).toBeGreaterThan(50);
  });
});

describe('hosted all-Wales services in a scenario', () => {
  // Issue 14 item 15.
  it('takes a service hosted by one organisation that provides some roles, and names each problem with one', async () => {
    const { validateScenario } = await import('../../src/domain/workforce/scenario.js');
    const { HAND } = await import('./helpers.js');
    const role = HAND.roles[0]?.id ?? '';
    const org = HAND.organisations[0]?.id ?? '';
    const ok = validateScenario({ file: 's.json', data: { ...HAND, services: [{ id: 'awmgs', name: 'All Wales Medical Genomics Service', host: org, roles: [role] }] } });
    expect(ok.services[0]?.roles).toEqual([role]);
    let error: unknown;
    try {
      validateScenario({ file: 's.json', data: { ...HAND, services: [{ id: 'a', name: 'A', host: 'nowhere', roles: ['nobody', role] }, { id: 'b', name: 'B', host: org, roles: [role] }] } });
    } catch (e) { error = e; }
    const paths = ((error as { details: { path: string }[] }).details).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['services.0.host', 'services.0.roles.0', 'services.1.roles.0']));
  });
});
