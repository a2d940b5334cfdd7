// The explorer against CPIC's published examples: the CYP2D6 activity scores and
// phenotypes of the 2019 consensus (Caudle et al. 2020), the CYP2C19 diplotype
// tables of the clopidogrel (2022), PPI (2020) and SSRI (2023) guidelines, and
// the SLCO1B1 phenotypes of the statin guideline (2022).

import { describe, expect, it } from 'vitest';
import { allPgxResults, cyp2d6Phenotype, explorePgx, PGX_ALLELES, PGX_GENES } from '../../../src/domain/learning/pgx-explorer.js';
import { loadMessages } from '../../../src/web/i18n.js';

const en = loadMessages('en');
const cy = loadMessages('cy');

function result(gene: string, a: string, b: string) {
  const r = explorePgx(gene, a, b);
  if (r === null) throw new Error(`no result for ${gene} ${a}/${b}`);
  return r;
}

describe('CYP2D6: activity score and phenotype (CPIC 2019 consensus)', () => {
  it.each([
    ['*1', '*1', 2, 'normal'],
    ['*1', '*4', 1, 'intermediate'],
    ['*1', '*10', 1.25, 'normal'],
    ['*1', '*41', 1.5, 'normal'],
    ['*10', '*10', 0.5, 'intermediate'],
    ['*41', '*41', 1, 'intermediate'],
    ['*4', '*10', 0.25, 'intermediate'],
    ['*4', '*41', 0.5, 'intermediate'],
    ['*4', '*4', 0, 'poor'],
    ['*3', '*5', 0, 'poor'],
    ['*1', '*1x2', 3, 'ultrarapid'],
    ['*2x2', '*41', 2.5, 'ultrarapid'],
    ['*1x2', '*4', 2, 'normal'],
  ] as const)('%s/%s has activity score %s: %s metaboliser', (a, b, score, phenotype) => {
    const r = result('CYP2D6', a, b);
    expect(r.activityScore).toBe(score);
    expect(r.phenotype).toBe(phenotype);
  });

  it('puts the thresholds where CPIC does: 1.25 and 2.25 are normal, 1.0 and 2.5 are not', () => {
    expect([0, 0.25, 1, 1.25, 2.25, 2.5, 3].map(cyp2d6Phenotype)).toEqual(['poor', 'intermediate', 'intermediate', 'normal', 'normal', 'ultrarapid', 'ultrarapid']);
  });

  it('advises avoiding codeine and tramadol in ultrarapid and poor metabolisers, and label dosing otherwise', () => {
    expect(result('CYP2D6', '*1', '*1x2').advice.map((a) => a.key)).toEqual(['pgxExplorer.advice.codeine.ultrarapid', 'pgxExplorer.advice.tramadol.ultrarapid']);
    expect(result('CYP2D6', '*4', '*4').advice.map((a) => a.key)).toEqual(['pgxExplorer.advice.codeine.poor', 'pgxExplorer.advice.tramadol.poor']);
    expect(result('CYP2D6', '*1', '*4').advice.map((a) => a.key)).toEqual(['pgxExplorer.advice.codeine.intermediate', 'pgxExplorer.advice.tramadol.intermediate']);
  });
});

describe('CYP2C19: function-based phenotype (CPIC)', () => {
  it.each([
    ['*1', '*1', 'normal'],
    ['*1', '*17', 'rapid'],
    ['*17', '*17', 'ultrarapid'],
    ['*1', '*2', 'intermediate'],
    ['*2', '*17', 'intermediate'],
    ['*3', '*17', 'intermediate'],
    ['*2', '*2', 'poor'],
    ['*2', '*3', 'poor'],
  ] as const)('%s/%s is a %s metaboliser', (a, b, phenotype) => {
    expect(result('CYP2C19', a, b).phenotype).toBe(phenotype);
    expect(result('CYP2C19', b, a).phenotype).toBe(phenotype);
  });

  it('gives clopidogrel the normal recommendation for rapid and ultrarapid metabolisers, and the SSRIs their own', () => {
    const advice = Object.fromEntries(result('CYP2C19', '*17', '*17').advice.map((a) => [a.drug, a.key]));
    expect(advice['clopidogrel']).toBe('pgxExplorer.advice.clopidogrel.normal');
    expect(advice['citalopram-escitalopram']).toBe('pgxExplorer.advice.citalopram-escitalopram.ultrarapid');
    expect(advice['ppi']).toBe('pgxExplorer.advice.ppi.ultrarapid');
  });
});

describe('SLCO1B1: function-based phenotype (CPIC 2022)', () => {
  it.each([
    ['*1', '*1', 'normal-function'],
    ['*1', '*5', 'decreased-function'],
    ['*15', '*1', 'decreased-function'],
    ['*5', '*15', 'poor-function'],
    ['*15', '*15', 'poor-function'],
  ] as const)('%s/%s: %s', (a, b, phenotype) => {
    expect(result('SLCO1B1', a, b).phenotype).toBe(phenotype);
  });
});

describe('what the explorer refuses', () => {
  it('returns nothing for an unknown gene, an allele of another gene or a missing allele', () => {
    expect(explorePgx('DPYD', '*1', '*1')).toBeNull();
    expect(explorePgx('SLCO1B1', '*1', '*17')).toBeNull();
    expect(explorePgx('CYP2C19', '*1', undefined)).toBeNull();
    expect(explorePgx('CYP2C19', '*1', ['*1'])).toBeNull();
  });
});

describe('words', () => {
  it('has every phenotype, function and advice key in both languages', () => {
    const keys = new Set<string>();
    for (const gene of PGX_GENES) {
      for (const r of Object.values(allPgxResults(gene))) {
        keys.add(`pgxExplorer.phenotype.${r.phenotype}`);
        for (const a of r.alleles) keys.add(`pgxExplorer.function.${a.fn}`);
        for (const a of r.advice) { keys.add(a.key); keys.add(`pgxExplorer.drug.${a.drug}`); }
      }
      expect(Object.keys(allPgxResults(gene))).toHaveLength(PGX_ALLELES[gene].length ** 2);
    }
    const lookup = (dict: unknown, key: string) => key.split('.').reduce<unknown>((d, k) => (d !== null && typeof d === 'object' ? (d as Record<string, unknown>)[k] : undefined), dict);
    for (const key of keys) {
      expect(typeof lookup(en, key), `en ${key}`).toBe('string');
      expect(typeof lookup(cy, key), `cy ${key}`).toBe('string');
    }
  });
});
