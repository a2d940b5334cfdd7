// Checkpoints of a SQLite file's write-ahead log, on a thread of their own.
//
// In WAL mode every commit appends the pages it changed to the log, and a
// checkpoint copies them back into the database file, syncing both to disk.
// By default the connection whose commit takes the log past 1,000 pages runs
// the checkpoint there and then, inside that commit: a page view or a batch of
// statements now and then waits for the disk. A server instead leaves its
// connections' automatic checkpoints to a far larger backstop and runs a
// passive checkpoint every `everyMs` on this thread's own connection. A
// passive checkpoint never blocks the writers or readers; it copies what it
// can. Most of its time is spent waiting for the disk, not the CPU.

import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/** Pages a connection lets the log grow to before checkpointing itself, when a checkpointer runs (about 200 MiB). */
export const BACKSTOP_PAGES = 50_000;

export interface Checkpointer {
  /** Stops checkpointing, after one last checkpoint. */
  stop(): Promise<void>;
}

// A plain script (an eval worker is CommonJS): better-sqlite3 is required by
// its resolved path, so no TypeScript loader is needed on this thread.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** A failed checkpoint is retried at the next tick; it is reported, not fatal (the backstop still bounds the log). */
function report(message: string): void {
  process.stderr.write(`SQLite checkpoint failed (will retry): ${message}\n`);
}

export function startCheckpointer(path: string, everyMs = 1000, onError: (message: string) => void = report): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SCRIPT, { eval: true, workerData: { path, everyMs, driver } });
  worker.on('message', (message: { error?: string }) => { if (message.error !== undefined) onError(message.error); });
  worker.on('error', (error) => { onError(error.message); });
  // The thread must not keep a process alive that has nothing else to do.
  worker.unref();
  const exited = new Promise<void>((resolve) => { worker.once('exit', () => { resolve(); }); });
  return {
    stop: () => {
      // Whoever stops it waits for its last checkpoint: keep the process alive until then.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
