// vega and vega-lite take about half a second to load, and only pages with a
// chart need them: they are loaded on first use, not when the server starts.

import type * as Vega from 'vega';
import type { compile } from 'vega-lite';

export interface VegaModules {
  readonly vega: typeof Vega;
  readonly compileVegaLite: typeof compile;
}

let loading: Promise<VegaModules> | undefined;

export function loadVega(): Promise<VegaModules> {
  loading ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, lite]) => ({ vega, compileVegaLite: lite.compile }));
  return loading;
}
