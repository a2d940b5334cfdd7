// The genotype-to-phenotype explorer of the module "Pharmacogenomics: beyond
// the first four": pick a gene and two alleles, get the activity score (CYP2D6)
// or the function-based phenotype (CYP2C19, SLCO1B1), and the CPIC
// recommendation summary for the module's medicines. Pure: the tables below are
// the whole of it, and the words are locale keys (pgxExplorer.*).
//
// Sources (cited in content/pharmacogenomics-beyond-the-first-four/module.yaml):
// - allele function: the CPIC allele functionality tables (cpicpgx.org, also on
//   ClinPGx), keeping only alleles whose function is well established;
// - CYP2D6 activity values and phenotype thresholds: CPIC's 2019 consensus
//   (Caudle et al., Clin Transl Sci 2020;13:116–124): *10 is 0.25; AS 0 poor,
//   0 < AS < 1.25 intermediate, 1.25 ≤ AS ≤ 2.25 normal, AS > 2.25 ultrarapid;
// - CYP2C19 phenotypes: CPIC's clopidogrel (2022), PPI (2020) and SSRI (2023)
//   guidelines;
// - SLCO1B1 phenotypes: CPIC's statin guideline (2022). Only *1 (normal) and the
//   c.521T>C alleles *5 and *15 (no function) are offered; increased-function
//   and uncertain alleles are left out.
// This is a teaching aid: a laboratory report and local guidance come first.

export const PGX_GENES = ['CYP2C19', 'CYP2D6', 'SLCO1B1'] as const;
export type PgxGene = (typeof PGX_GENES)[number];

export type AlleleFunction = 'increased' | 'normal' | 'decreased' | 'no-function';

export interface AlleleDefinition {
  readonly name: string;
  readonly fn: AlleleFunction;
  /** CYP2D6 only: the CPIC activity value (a duplication counts each copy). */
  readonly activity?: number;
}

export type PgxPhenotype =
  | 'ultrarapid' | 'rapid' | 'normal' | 'intermediate' | 'poor'
  | 'normal-function' | 'decreased-function' | 'poor-function';

export const PGX_ALLELES: Readonly<Record<PgxGene, readonly AlleleDefinition[]>> = {
  CYP2C19: [
    { name: '*1', fn: 'normal' },
    { name: '*2', fn: 'no-function' },
    { name: '*3', fn: 'no-function' },
    { name: '*17', fn: 'increased' },
  ],
  CYP2D6: [
    { name: '*1', fn: 'normal', activity: 1 },
    { name: '*2', fn: 'normal', activity: 1 },
    { name: '*1x2', fn: 'increased', activity: 2 },
    { name: '*2x2', fn: 'increased', activity: 2 },
    { name: '*9', fn: 'decreased', activity: 0.5 },
    { name: '*10', fn: 'decreased', activity: 0.25 },
    { name: '*17', fn: 'decreased', activity: 0.5 },
    { name: '*41', fn: 'decreased', activity: 0.5 },
    { name: '*3', fn: 'no-function', activity: 0 },
    { name: '*4', fn: 'no-function', activity: 0 },
    { name: '*5', fn: 'no-function', activity: 0 },
    { name: '*6', fn: 'no-function', activity: 0 },
  ],
  SLCO1B1: [
    { name: '*1', fn: 'normal' },
    { name: '*5', fn: 'no-function' },
    { name: '*15', fn: 'no-function' },
  ],
};

/** The medicines the module covers for each gene, in the order shown. */
export const PGX_DRUGS: Readonly<Record<PgxGene, readonly string[]>> = {
  CYP2C19: ['citalopram-escitalopram', 'sertraline', 'ppi', 'clopidogrel'],
  CYP2D6: ['codeine', 'tramadol'],
  SLCO1B1: ['simvastatin', 'other-statins'],
};

export interface PgxResult {
  readonly gene: PgxGene;
  readonly alleles: readonly [AlleleDefinition, AlleleDefinition];
  /** CYP2D6 only. */
  readonly activityScore: number | null;
  readonly phenotype: PgxPhenotype;
  /** Locale keys under pgxExplorer.advice, one per medicine of the gene. */
  readonly advice: readonly { readonly drug: string; readonly key: string }[];
}

export function isPgxGene(value: unknown): value is PgxGene {
  return typeof value === 'string' && (PGX_GENES as readonly string[]).includes(value);
}

export function alleleOf(gene: PgxGene, name: unknown): AlleleDefinition | undefined {
  return typeof name === 'string' ? PGX_ALLELES[gene].find((a) => a.name === name) : undefined;
}

/** CPIC's CYP2D6 thresholds (2019 consensus). */
export function cyp2d6Phenotype(score: number): PgxPhenotype {
  if (score === 0) return 'poor';
  if (score < 1.25) return 'intermediate';
  if (score <= 2.25) return 'normal';
  return 'ultrarapid';
}

function cyp2c19Phenotype(a: AlleleFunction, b: AlleleFunction): PgxPhenotype {
  const none = [a, b].filter((f) => f === 'no-function').length;
  const increased = [a, b].filter((f) => f === 'increased').length;
  if (none === 2) return 'poor';
  if (none === 1) return 'intermediate';
  if (increased === 2) return 'ultrarapid';
  if (increased === 1) return 'rapid';
  return 'normal';
}

function slco1b1Phenotype(a: AlleleFunction, b: AlleleFunction): PgxPhenotype {
  const none = [a, b].filter((f) => f === 'no-function').length;
  return none === 2 ? 'poor-function' : none === 1 ? 'decreased-function' : 'normal-function';
}

/** The advice key for a medicine and phenotype: pgxExplorer.advice.<drug>.<group>. */
function adviceGroup(gene: PgxGene, drug: string, phenotype: PgxPhenotype): string {
  // CPIC's clopidogrel guideline gives rapid and ultrarapid metabolisers the normal recommendation.
  if (gene === 'CYP2C19' && drug === 'clopidogrel' && (phenotype === 'rapid' || phenotype === 'ultrarapid')) return 'normal';
  return phenotype;
}

/**
 * The phenotype and recommendation summary for two alleles of a gene, or null
 * when the gene or either allele is not one the explorer offers.
 */
export function explorePgx(gene: unknown, first: unknown, second: unknown): PgxResult | null {
  if (!isPgxGene(gene)) return null;
  const a = alleleOf(gene, first);
  const b = alleleOf(gene, second);
  if (a === undefined || b === undefined) return null;
  let activityScore: number | null = null;
  let phenotype: PgxPhenotype;
  if (gene === 'CYP2D6') {
    activityScore = (a.activity ?? 0) + (b.activity ?? 0);
    phenotype = cyp2d6Phenotype(activityScore);
  } else if (gene === 'CYP2C19') {
    phenotype = cyp2c19Phenotype(a.fn, b.fn);
  } else {
    phenotype = slco1b1Phenotype(a.fn, b.fn);
  }
  const advice = PGX_DRUGS[gene].map((drug) => ({ drug, key: `pgxExplorer.advice.${drug}.${adviceGroup(gene, drug, phenotype)}` }));
  return { gene, alleles: [a, b], activityScore, phenotype, advice };
}

/** Every result of a gene, keyed "a|b" in the table's order, for the page's live update. */
export function allPgxResults(gene: PgxGene): Record<string, PgxResult> {
  const out: Record<string, PgxResult> = {};
  for (const a of PGX_ALLELES[gene]) {
    for (const b of PGX_ALLELES[gene]) {
      const result = explorePgx(gene, a.name, b.name);
      if (result !== null) out[`${a.name}|${b.name}`] = result;
    }
  }
  return out;
}
