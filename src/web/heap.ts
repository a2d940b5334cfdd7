// How far the server's JavaScript heap may grow between full collections.
//
// By default V8 lets the old generation grow to up to four times what was live
// after the last full collection when a process allocates fast. Under ingest the
// web thread parses, checks and prepares about 5,000 statements a second, and
// what outlives two young-generation collections (requests in flight) is
// promoted: about 20 MB/s of garbage. The heap then grew from 50 MiB live to
// 230 MiB between full collections, and the server to 500-540 MiB in all, over
// the 500 MB. At 1.6 times live it stayed at 380-400 MiB, with ingest
// no slower (bench/xapi.ts; docs/xapi.md). The flag is read at every full
// collection, so setting it once the process runs takes effect at the next one.

import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 60;

/** Called by `genomeg serve`, and by the benchmarks that host the server in their own process. */
export function keepHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${String(HEAP_GROWING_PERCENT)}`);
}
