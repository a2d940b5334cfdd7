// The difference between two runs' projections of one quantity (A − B), with
// an interval, from the percentiles each run kept. The runs were drawn
// separately, so the two are taken as independent: the median difference is
// the difference of medians, and each side of the 90% interval adds the two
// runs' spreads on the sides that widen it in quadrature (as for a normal
// difference; with skewed runs it is an approximation, said so on the page).
// Pure.

export interface Spread {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

export interface Difference {
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

export function difference(a: Spread, b: Spread): Difference {
  const p50 = a.p50 - b.p50;
  const below = Math.hypot(a.p50 - a.p5, b.p95 - b.p50);
  const above = Math.hypot(a.p95 - a.p50, b.p50 - b.p5);
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { p5: round(p50 - below), p50: round(p50), p95: round(p50 + above) };
}
