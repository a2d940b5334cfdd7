import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/plan.js';
import { HAND } from './helpers.js';

function io(): { out: string[]; err: string[]; io: Parameters<typeof planCommand>[1] } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false } };
}

describe('genomeg plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-plan-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('writes results.json, results.csv, SVG charts and a report', async () => {
    const c = io();
    const code = await planCommand(['scenarios/welsh-genomics-baseline.yaml', '--runs', '40', '--seed', '3', '--threads', '0', '--out', dir, '--tornado', 'clinical-scientist:2035', '--goal', 'stp-genomics:2035'], c.io);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(json).toMatchObject({ runs: 40, seed: 3, percentiles: [5, 25, 50, 75, 95] });
    expect(json.tornado.role).toBe('clinical-scientist');
    expect(['closed', 'capped', 'already-closed', 'over-budget']).toContain(json.goal.status);
    const csv = readFileSync(join(dir, 'results.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('scenario,role,organisation,year,field,p5,p25,p50,p75,p95,mean');
    // 7 roles × 20 years × 15 outputs for all boards, then supply, demand and gap for each of the 7 boards.
    expect(csv.length).toBe(1 + 7 * 20 * 15 + 7 * 7 * 20 * 3 + 1);
    expect(csv.some((l) => l.startsWith('welsh-genomics-baseline,clinical-scientist,7a4,2035,gapWte,'))).toBe(true);
    const organisations = (json as { roles: { organisations: { organisation: string }[] }[] }).roles[0]?.organisations ?? [];
    expect(organisations.map((o) => o.organisation)).toEqual(['7a6', '7a1', '7a4', '7a5', '7a2', '7a7', '7a3']);
    const svg = readFileSync(join(dir, 'welsh-genomics-baseline-clinical-scientist.svg'), 'utf8');
    expect(svg).toMatch(/^<svg role="img" aria-label="Clinical scientist \(genomics\): supply against demand/);
    expect(existsSync(join(dir, 'welsh-genomics-baseline-tornado.svg'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<figcaption>');
    expect(html).toContain('<table>');
    expect(c.err.join('')).toContain('100%');
  });

  it('compares scenarios side by side', async () => {
    const c = io();
    const out = join(dir, 'compare');
    expect(await planCommand(['--compare', 'scenarios/welsh-genomics-baseline.yaml', 'scenarios/more-training-places.yaml', '--runs', '20', '--threads', '0', '--out', out], c.io)).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { scenario: { id: string } }[];
    expect(json.map((r) => r.scenario.id)).toEqual(['welsh-genomics-baseline', 'more-training-places']);
  });

  it('prints each problem of a bad scenario as file: path: reason, exit code 1', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...HAND, horizon: 0, pipelines: [{ ...HAND.pipelines[0], completion: 2 }] }));
    const c = io();
    expect(await planCommand([bad, '--out', join(dir, 'never')], c.io)).toBe(1);
    const text = c.err.join('');
    expect(text).toContain(`${bad}: horizon: a horizon of at least 1 year`);
    expect(text).toContain(`${bad}: pipelines.0.completion:`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  // Issue 13 item 18: a bad goal was accepted and answered ("closed, intake 0") with exit 0.
  it('checks --goal and --tornado before running, naming each problem in the scenario error style', async () => {
    const cases: [string, string][] = [
      ['clinical-scientist:abc', '--goal.pipeline: "clinical-scientist" is a role; name the training pipeline whose intake is sought (stp-genomics'],
      ['stp-genomics:abc', '--goal.year: "abc" is not a year; give a year from 2026 to 2045'],
      ['stp-genomics:2060', '--goal.year: 2060 is outside the horizon; give a year from 2026 to 2045'],
      ['stp-genomics:2035:many', '--goal.cap: "many" is not a cap on yearly intake; give a whole number of 0 or more'],
      ['stp-genomics:2035:-5', '--goal.cap: "-5" is not a cap'],
      ['stp-genomics:2035:20:lots', '--goal.budget: "lots" is not a budget'],
      ['nothing:2035', '--goal.pipeline: no pipeline "nothing" in the scenario (pipelines: stp-genomics'],
    ];
    for (const [goal, message] of cases) {
      const c = io();
      const out = join(dir, `bad-goal-${goal.replace(/\W/g, '_')}`);
      expect(await planCommand(['scenarios/welsh-genomics-baseline.yaml', '--runs', '10', '--threads', '0', '--out', out, '--goal', goal], c.io)).toBe(1);
      expect(c.err.join('')).toContain(`scenarios/welsh-genomics-baseline.yaml: ${message}`);
      // Refused before the Monte Carlo ran: no progress, nothing written.
      expect(c.err.join('')).not.toContain('%');
      expect(existsSync(out)).toBe(false);
    }
    const c = io();
    expect(await planCommand(['scenarios/welsh-genomics-baseline.yaml', '--runs', '10', '--threads', '0', '--out', join(dir, 'bad-tornado'), '--tornado', 'nobody:1990'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('--tornado.role: no role "nobody"');
    expect(c.err.join('')).toContain('--tornado.year: "1990" is not a year from 2026 to 2045');
  });

  it('prints the usage for wrong arguments', async () => {
    const c = io();
    expect(await planCommand(['--runs', 'many', 'x.yaml'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('Usage:');
  });
});
