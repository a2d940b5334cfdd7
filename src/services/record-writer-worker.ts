// The worker thread of record-writer.ts: its own connection to the SQLite
// file (or pool on PostgreSQL), a group commit over it, and one answer for each
// write asked of it. A PostgreSQL connection lost under its pool is told to the
// web thread, which logs it; the pool opens a new one.

import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.js';
import { WriteGroup } from '../db/write-group.js';
import { isDomainError } from '../domain/errors.js';
import { runWrite, type WorkerMessage, type WriteRequest, type WriterWorkerData } from './record-writer.js';

const port = parentPort;
if (port === null) throw new Error('record-writer-worker runs only as a worker thread');
const { url, schema, checkpoints, cacheKib } = workerData as WriterWorkerData;
const database = openDatabase(url, { checkpoints, cacheKib, applicationName: 'genomeg record writer', ...(schema === undefined ? {} : { schema }) });
const group = new WriteGroup(database.db);
const tell = (message: WorkerMessage): void => { port.postMessage(message); };
database.connections.onLost((lost) => { tell({ lost }); });

port.on('message', (message: { id: number; request: WriteRequest } | { op: 'close' }) => {
  if ('op' in message) {
    void database.close().then(() => { port.close(); });
    return;
  }
  const { id, request } = message;
  runWrite(database.db, group, request).then(
    (value) => { tell({ id, ok: true, value }); },
    // A domain error (the database unavailable) crosses with its code, so the web thread answers 503, not 500.
    (error: unknown) => {
      tell(isDomainError(error)
        ? { id, ok: false, message: error.message, code: error.code, params: error.params }
        : { id, ok: false, message: error instanceof Error ? error.message : String(error) });
    },
  );
});
