// Runs autocannon in a child process, so that the server under test keeps its
// own event loop; options in, autocannon's result out.

import { fork } from 'node:child_process';
import type autocannon from 'autocannon';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  /** Paths to cycle through. */
  readonly paths: readonly string[];
  /** Cookie and CSRF token pairs to cycle through. */
  readonly sessions: readonly { cookie: string; csrf: string }[];
  /**
   * 'walk': each session reads the paths in order, one step per request (every
   * request moves a learner on); 'cycle' (the default): request n asks path n.
   */
  readonly order?: 'walk' | 'cycle';
  /** Form body for POSTs; `{csrf}` is replaced by the session's token. */
  readonly body?: string;
}

/** What a benchmark prints of a load: autocannon's result has these, and so has a paced load's. */
export interface LoadFigures {
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
  /** A paced load's: the 99th percentile of how late the generator sent a request after it was due (ms); its own lag, within the latency. */
  readonly sentLateP99?: number;
}

/**
 * `seconds` of load, or, when `amount` is given, exactly that many requests, as fast as the
 * server answers (autocannon); with `rate`, that many requests a second on a fixed schedule,
 * each timed from when it was due (load-worker.ts says why not autocannon's rate).
 */
export function load(url: string, seconds: number, connections: number, request: LoadRequest, amount?: number): Promise<autocannon.Result>;
export function load(url: string, seconds: number, connections: number, request: LoadRequest, amount: undefined, rate: number): Promise<LoadFigures>;
export function load(url: string, seconds: number, connections: number, request: LoadRequest, amount?: number, rate?: number): Promise<autocannon.Result | LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./load-worker.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Resolved once the child has ended, so its CPU time is counted in this process's children's (cpuReading).
    child.once('message', (result) => { child.once('exit', () => { resolve(result as autocannon.Result | LoadFigures); }); child.kill(); });
    child.once('error', reject);
    child.send({ url, seconds, connections, request, amount, rate });
  });
}
