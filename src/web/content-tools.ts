// The interactive tools a module page can embed (::tool{id=...}, content/README.md)
// and that also stand alone under /tools/. Each turns a query into what its
// template shows, in the page's language: the form's choices, the result when
// the choices make one, and every result as JSON for the live update
// (assets/pgx-explorer.js), so that the page with JavaScript says exactly what
// the page without it says.

import {
  allPgxResults, explorePgx, isPgxGene, PGX_ALLELES, PGX_GENES,
  type PgxGene, type PgxResult,
} from '../domain/learning/index.js';
import type { Translate } from './i18n.js';

export const PGX_MODULE_SLUG = 'pharmacogenomics-beyond-the-first-four';

export interface PgxQuery { readonly gene?: unknown; readonly a1?: unknown; readonly a2?: unknown; readonly back?: unknown }

interface Choice { readonly value: string; readonly text: string; readonly selected: boolean }

export interface PgxShownResult {
  readonly genotype: string;
  readonly functions: readonly string[];
  readonly score: string | null;
  readonly phenotype: string;
  readonly advice: readonly { readonly drug: string; readonly text: string }[];
}

export interface PgxExplorerView {
  readonly genes: readonly Choice[];
  readonly gene: PgxGene;
  readonly first: readonly Choice[];
  readonly second: readonly Choice[];
  readonly result: PgxShownResult | null;
  readonly message: string | null;
  /** The module page to go back to, when the form was sent from one. */
  readonly back: number | null;
  /** Every result of every gene, for assets/pgx-explorer.js; safe inside <script type="application/json">. */
  readonly data: string;
}

function scoreText(n: number): string {
  return String(n);
}

function shown(t: Translate, r: PgxResult): PgxShownResult {
  const [a, b] = r.alleles;
  return {
    genotype: `${r.gene} ${a.name}/${b.name}`,
    functions: [a, b].map((x) => `${x.name}: ${t(`pgxExplorer.function.${x.fn}`)}`),
    score: r.activityScore === null ? null : t('pgxExplorer.activitySum', { first: scoreText(a.activity ?? 0), second: scoreText(b.activity ?? 0), score: scoreText(r.activityScore) }),
    phenotype: t(`pgxExplorer.phenotype.${r.phenotype}`),
    advice: r.advice.map((x) => ({ drug: t(`pgxExplorer.drug.${x.drug}`), text: t(x.key) })),
  };
}

/** The explorer for a query (the standalone page's, or none for a module page). */
export function pgxExplorerView(t: Translate, query: PgxQuery, back: number | null = null): PgxExplorerView {
  const gene: PgxGene = isPgxGene(query.gene) ? query.gene : 'CYP2C19';
  const alleles = PGX_ALLELES[gene];
  const names = alleles.map((a) => a.name);
  const chosen = (value: unknown, fallback: string) => (typeof value === 'string' && names.includes(value) ? value : fallback);
  const first = chosen(query.a1, names[0] ?? '*1');
  const second = chosen(query.a2, names[0] ?? '*1');
  const asked = query.a1 !== undefined || query.a2 !== undefined;
  const result = asked ? explorePgx(gene, query.a1, query.a2) : null;
  const choices = (selected: string) => alleles.map((a) => ({ value: a.name, text: `${a.name} (${t(`pgxExplorer.function.${a.fn}`)})`, selected: a.name === selected }));

  const data = Object.fromEntries(PGX_GENES.map((g) => [g, {
    alleles: PGX_ALLELES[g].map((a) => ({ value: a.name, text: `${a.name} (${t(`pgxExplorer.function.${a.fn}`)})` })),
    // The advice depends only on the phenotype: kept once per phenotype, not per pair.
    results: Object.fromEntries(Object.entries(allPgxResults(g)).map(([pair, r]) => {
      const { genotype, functions, score, phenotype } = shown(t, r);
      return [pair, { genotype, functions, score, phenotype, advice: r.phenotype }];
    })),
    advice: Object.fromEntries(Object.values(allPgxResults(g)).map((r) => [r.phenotype, shown(t, r).advice])),
  }]));
  const backPage = typeof query.back === 'string' && /^[1-9]\d?$/.test(query.back) ? Number(query.back) : back;
  return {
    genes: PGX_GENES.map((g) => ({ value: g, text: g, selected: g === gene })),
    gene,
    first: choices(first),
    second: choices(second),
    result: result === null ? null : shown(t, result),
    message: asked && result === null ? t('pgxExplorer.chooseAlleles', { gene }) : null,
    back: backPage,
    data: JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'),
  };
}
