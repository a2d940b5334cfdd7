// The worker thread of record-writer.ts: its own connection to the SQLite
// file, a group commit over it, and one answer for each write asked of it.

import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.js';
import { WriteGroup } from '../db/write-group.js';
import { runWrite, type WriteRequest, type WriterWorkerData } from './record-writer.js';

const port = parentPort;
if (port === null) throw new Error('record-writer-worker runs only as a worker thread');
const { url, schema, checkpoints, cacheKib } = workerData as WriterWorkerData;
const database = openDatabase(url, { checkpoints, cacheKib, ...(schema === undefined ? {} : { schema }) });
const group = new WriteGroup(database.db);

port.on('message', (message: { id: number; request: WriteRequest } | { op: 'close' }) => {
  if ('op' in message) {
    void database.close().then(() => { port.close(); });
    return;
  }
  const { id, request } = message;
  runWrite(database.db, group, request).then(
    (value) => { port.postMessage({ id, ok: true, value }); },
    (error: unknown) => { port.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) }); },
  );
});
