/**
 * Worker thread for big inputs: reads and parses while the main thread writes to SQLite, so the
 * two cores work at once. Batches go back with their numbers transferred, not copied; at most
 * IN_FLIGHT are unacknowledged, which keeps memory flat when the writer is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openInput } from '../sources/inputs';
import { computeBatches, type ComputeSpec } from './compute-loop';
import { columnBuffers } from '../contract/batch/utf8-column';
import type { FromParseWorker, ToParseWorker } from './thread-protocol';

const IN_FLIGHT = 4;

async function run(): Promise<void> {
  const { name, spec } = workerData as { name: string; spec: ComputeSpec };
  const port = parentPort!;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m: ToParseWorker) => {
    if (m.kind !== 'ack') return;
    inFlight--;
    wake?.();
  });
  const input = await openInput(name);
  for await (const batch of computeBatches(input, spec)) {
    while (inFlight >= IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    inFlight++;
    const { rows, raws } = batch;
    const moved = [rows.nums.buffer as ArrayBuffer, raws.rows.buffer as ArrayBuffer, ...columnBuffers(rows.strs), ...columnBuffers(raws.lines)];
    port.postMessage({ kind: 'batch', batch, bytes: input.bytesRead() } satisfies FromParseWorker, moved);
  }
  port.postMessage({ kind: 'finished' } satisfies FromParseWorker);
  port.close();
}

run().catch((e: unknown) => {
  parentPort!.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromParseWorker);
});
