// What sign-in throttling lets a guesser do (issue 13 item 4): one who always
// waits out the wait, against one account from an address it has never signed
// in from, with the default configuration; and what a check and a failure cost
// on the database (SQLite file). The guessing is simulated on the policy's
// clock, so it runs in a moment. Prints the figures and the machine; never
// fails on a timing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machine } from './machine.js';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { SignInThrottle } from '../src/db/stores/sign-in-throttle.js';
import { afterFailure, decide, policyFor, type FailureCounter } from '../src/domain/auth/index.js';

function guessesPerHour(hours: number, policy: ReturnType<typeof policyFor>): { perHour: number; longestWaitSeconds: number; beforeFirstWait: number } {
  let now = Date.UTC(2026, 11, 7);
  const end = now + hours * 3_600_000;
  let counter: FailureCounter | undefined;
  let guesses = 0;
  let longest = 0;
  let beforeFirstWait = -1;
  while (now < end) {
    const decision = decide(counter === undefined ? {} : { account: counter, 'account-address': counter }, false, new Date(now), policy);
    if (decision.waitMs > 0) {
      if (beforeFirstWait < 0) beforeFirstWait = guesses;
      longest = Math.max(longest, decision.waitMs);
      now += decision.waitMs;
      continue;
    }
    counter = afterFailure(counter, new Date(now), policy);
    guesses += 1;
    now += 1000;
  }
  return { perHour: guesses / hours, longestWaitSeconds: longest / 1000, beforeFirstWait };
}

export async function run(): Promise<void> {
  const config = loadConfig({});
  const policy = policyFor({ accountLimit: config.SIGN_IN_MAX_FAILURES, addressLimit: config.SIGN_IN_ADDRESS_MAX_FAILURES, windowMinutes: config.SIGN_IN_WINDOW_MINUTES });
  const day = guessesPerHour(24, policy);
  console.log(`sign-in throttle (${machine()})`);
  console.log(`  a guesser at one account from a new address, over 24 h: ${day.perHour.toFixed(1)} guesses an hour; ${String(day.beforeFirstWait)} before the first wait; longest wait ${String(day.longestWaitSeconds)} s`);

  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-'));
  const database = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
  try {
    await migrateToLatest(database);
    const throttle = SignInThrottle.create(database.db, policy);
    const n = 2000;
    let started = performance.now();
    for (let i = 0; i < n; i += 1) await throttle.recordFailure(`account-${String(i % 200)}`, `10.0.${String(i % 250)}.1`);
    const failureMs = (performance.now() - started) / n;
    started = performance.now();
    for (let i = 0; i < n; i += 1) await throttle.check(`account-${String(i % 200)}`, `10.0.${String(i % 250)}.1`);
    const checkMs = (performance.now() - started) / n;
    console.log(`  on SQLite: a check ${checkMs.toFixed(2)} ms, counting a failure ${failureMs.toFixed(2)} ms (mean of ${String(n)})`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
