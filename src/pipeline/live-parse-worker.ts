/**
 * The parse worker of `listen`: the compute half of the live pipeline (parse, classify, encode:
 * BatchComputer, as a bulk ingest's parse worker runs it) for the messages of many senders, off
 * the thread that detects and commits. Each sender's cursor (its clock, the format it was last
 * recognized as, parser state, open sessions) lives here, keyed by its source id; batches go
 * back with their buffers transferred (live-compute.ts is the other end).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClock } from '../../parsers/clock';
import { parserById } from '../../parsers';
import { CidrSet } from '../classify/networks';
import { columnBuffers } from '../contract/batch/utf8-column';
import { BatchComputer, type SourceCursor } from './batch';
import type { FromLiveParse, LiveParseSpec, ToLiveParse } from './thread-protocol';

const spec = workerData as LiveParseSpec;
const port = parentPort!;
const settings = { home: new CidrSet(spec.home), wanIf: new Set(spec.wanIf), trusted: new CidrSet(spec.trusted) };
const computer = new BatchComputer(settings, spec.wormPort, spec.format ? parserById(spec.format) : undefined, spec.notBefore ?? -Infinity, spec.everyLine);
const cursors = new Map<number, SourceCursor>();

port.on('message', (m: ToLiveParse) => {
  if (m.kind === 'settings') {
    settings.trusted = new CidrSet(m.trusted);
    computer.notBefore = m.notBefore ?? -Infinity;
  } else if (m.kind === 'forget') {
    cursors.delete(m.source);
  } else if (m.kind === 'close') {
    port.close();
  } else {
    let cur = cursors.get(m.source);
    if (!cur || m.openSessions) {
      cur = { clock: createClock(spec.tz, { fixedYear: spec.year, reference: () => Date.now() }), samples: new Map(), openSessions: m.openSessions };
      cursors.set(m.source, cur);
    }
    const texts = m.texts;
    try {
      for (let i = 0; i < texts.length; i++) computer.process({ text: texts[i], line: m.firstLine + i }, cur);
    } catch (e) {
      // A parser fault: this batch is computed again by the caller, in its own thread.
      computer.take(0, 0);
      cursors.delete(m.source);
      port.postMessage({ kind: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) } satisfies FromLiveParse);
      return;
    }
    const batch = computer.take(0, m.firstLine - 1 + texts.length, cur);
    const { rows, raws } = batch;
    const moved = [rows.nums.buffer as ArrayBuffer, raws.rows.buffer as ArrayBuffer, ...columnBuffers(rows.strs), ...columnBuffers(raws.lines)];
    port.postMessage({ kind: 'computed', id: m.id, batch } satisfies FromLiveParse, moved);
  }
});
