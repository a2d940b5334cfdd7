// Seeded randomness for Monte Carlo. Each run has its own generator, seeded from
// (scenario seed, run index), so a run's numbers do not depend on which worker
// thread ran it or how many threads there were.

/** Uncertain numeric parameter, as written in a scenario file. */
export type Distribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'triangular'; readonly min: number; readonly mode: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly min: number; readonly max: number }
  | { readonly kind: 'pert'; readonly min: number; readonly mode: number; readonly max: number };

export type Random = () => number;

/** sfc32: a small, fast generator with a 128-bit state; returns [0, 1). */
export function sfc32(a0: number, b0: number, c0: number, d0: number): Random {
  let a = a0 | 0, b = b0 | 0, c = c0 | 0, d = d0 | 0;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** The generator for one run: depends only on the seed and the run index. */
export function runRandom(seed: number, run: number): Random {
  const s = splitmix32(seed ^ 0x5bd1e995);
  const r = splitmix32(run + 0x632be5ab);
  const next = sfc32(s, r, splitmix32(s ^ r), splitmix32(r + 1));
  for (let i = 0; i < 12; i++) next();
  return next;
}

function standardNormal(random: Random): number {
  let u = random();
  while (u <= 1e-300) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function gamma(shape: number, random: Random): number {
  // Marsaglia and Tsang (2000); shape ≥ 1 here (PERT shapes are ≥ 1).
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One draw from a distribution. */
export function sample(dist: Distribution, random: Random): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.value;
    case 'uniform':
      return dist.min + (dist.max - dist.min) * random();
    case 'triangular': {
      const { min, mode, max } = dist;
      if (max === min) return min;
      const u = random();
      const f = (mode - min) / (max - min);
      return u < f ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    }
    case 'normal': {
      if (dist.sd === 0) return Math.min(dist.max, Math.max(dist.min, dist.mean));
      for (let tries = 0; tries < 1000; tries++) {
        const x = dist.mean + dist.sd * standardNormal(random);
        if (x >= dist.min && x <= dist.max) return x;
      }
      return Math.min(dist.max, Math.max(dist.min, dist.mean));
    }
    case 'pert': {
      const { min, mode, max } = dist;
      if (max === min) return min;
      const alpha = 1 + (4 * (mode - min)) / (max - min);
      const beta = 1 + (4 * (max - mode)) / (max - min);
      const x = gamma(alpha, random);
      const y = gamma(beta, random);
      return min + ((max - min) * x) / (x + y);
    }
  }
}

/** The value used for a deterministic (single) projection: the most likely value. */
export function central(dist: Distribution): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.value;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'triangular':
    case 'pert':
      return dist.mode;
    case 'normal':
      return Math.min(dist.max, Math.max(dist.min, dist.mean));
  }
}

/** Lowest and highest values a distribution can give (for one-at-a-time sensitivity). */
export function bounds(dist: Distribution): readonly [number, number] {
  switch (dist.kind) {
    case 'fixed':
      return [dist.value, dist.value];
    case 'uniform':
    case 'triangular':
    case 'pert':
    case 'normal':
      return [dist.min, dist.max];
  }
}
