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

  it('prints the usage for wrong arguments', async () => {
    const c = io();
    expect(await planCommand(['--runs', 'many', 'x.yaml'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('Usage:');
  });
});
