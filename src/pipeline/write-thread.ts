/**
 * The write thread of a file ingest: opens the database and runs an IngestSession over the
 * files (which parses in its own worker), reporting progress and each file's summary to the
 * thread that started it. See ingest-thread.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeDb, openDb } from '../store/db';
import { openInput } from '../sources/inputs';
import { IngestSession } from './ingest';
import type { ThreadOptions } from './ingest-thread';
import type { FromWriteThread } from './thread-protocol';

async function run(): Promise<void> {
  const { dbFile, files, options } = workerData as { dbFile: string; files: string[]; options: ThreadOptions };
  const port = parentPort!;
  const send = (m: FromWriteThread) => port.postMessage(m);
  const db = openDb(dbFile);
  try {
    const session = new IngestSession(db, {
      ...options,
      onProgress: (stored) => send({ kind: 'progress', stored }),
      onFinishing: (step) => send({ kind: 'finishing', step }),
      onNotice: (text) => send({ kind: 'notice', text }),
    });
    for (const file of files) {
      const input = await openInput(file);
      send({ kind: 'start', file, size: input.size ?? 0, gzip: input.kind === 'gzip' });
      const r = await session.ingest(input);
      send({ kind: 'done', file, status: r.status, tally: r.tally, sourceId: r.sourceId });
    }
    session.finish();
  } finally {
    closeDb(db);
  }
}

run().then(
  () => parentPort!.postMessage({ kind: 'finished' } satisfies FromWriteThread),
  (e: unknown) => parentPort!.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromWriteThread),
);
