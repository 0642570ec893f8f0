/**
 * Evidence lines by handle. The windows keep the first line of every activity run in case an
 * episode opens; most runs end without one, so copying each line out of its batch was most of
 * what the scan detector allocated (~0.2 KB per scan). Instead a kept line is a handle — batch
 * base + index — into one of the last few batches, which stay retained (their bytes are outside
 * the JS heap). When a batch leaves, the handles the records still need become text; those of
 * runs already over are dropped by the windows (distinct-windows.ts `settleOwner`).
 *
 * Owners are the records that hold handles (a key, a key on one port), so a leaving batch
 * settles exactly the records that point into it — not every port of every source that did
 * (that walk was the largest cost of the 24-hour window); records forgotten since are skipped.
 * A line held by several fields of a record, or by a key and its port, becomes one string.
 *
 * Handles stay small integers, which V8 stores unboxed: batch bases cycle through a few values
 * (a batch's handles are all settled when it leaves). Before, the base grew by 2^24 per batch and
 * passed 2^31 after 128 batches, from where every handle was a heap number.
 *
 * (Tried twice: moving such lines into a buffer outside the JS heap instead of making strings.
 * With the 24-hour window it was slower — the copies and the compaction such a buffer needs —
 * and, measured with its off-heap bytes counted, it held more: 40 MB heap + 57 MB buffer
 * against 76 MB of heap with strings, on the bench log's scans; `npm run bench:detectors`.)
 */
import { detach } from '../../util/detach';
import { lineText, type KeptLine, type LineRef, type LineTable } from '../lines';

/** Batches retained; a few cover a whole fast window at home-router rates. */
const RETAINED = 4;
/** Handle space per batch: handle = base + index in the batch. */
const SPAN = 2 ** 24;
/** Distinct batch bases (more than the batches retained, so a base is never in use twice). */
const CYCLE = RETAINED + 2;

/** A record that holds kept lines. */
export interface LineOwner {
  /** Sequence number of the batch it was last registered with, so it is registered once per batch (mostly: see `share`); or `FORGOTTEN`. */
  keptIn: number;
}

/** `keptIn` of a record the windows forgot: its lines need not become text when their batch leaves. */
export const FORGOTTEN = -2;

interface Retained<O> {
  seq: number;
  base: number;
  table: LineTable;
  /** Records that received a handle into this batch (each once). */
  owners: O[];
}

/** Makes a kept line text if it points into the batch leaving; anything else comes back unchanged. */
export type Settle = (k: KeptLine) => KeptLine;

export class KeptLines<O extends LineOwner> {
  private readonly ring: Retained<O>[] = [];
  private seq = 0;

  /**
   * Starts a batch. If that pushes the oldest retained batch out, `settleOwner` is called for
   * each record holding handles into it, to replace them through `settle` (or drop them).
   */
  add(table: LineTable, settleOwner: (owner: O, settle: Settle) => void): void {
    const seq = this.seq++;
    this.ring.push({ seq, base: (seq % CYCLE) * SPAN, table, owners: [] });
    if (this.ring.length <= RETAINED) return;
    const leaving = this.ring.shift()!;
    // Records that got a line in the same event are registered one after the other (a key, then
    // its port): remembering the last line made text shares one string between them.
    let lastHandle = -1;
    let lastText = '';
    const settle: Settle = (k) => {
      if (typeof k !== 'number' || k < leaving.base || k >= leaving.base + SPAN) return k;
      if (k !== lastHandle) {
        lastHandle = k;
        lastText = leaving.table.text(k - leaving.base);
      }
      return lastText;
    };
    // Most records of a busy log are forgotten before their batch leaves: no text for them.
    for (const o of leaving.owners) if (o.keptIn !== FORGOTTEN) settleOwner(o, settle);
  }

  /** A line to keep: text is copied; an index into the current batch becomes a handle. */
  keep(raw: LineRef, owner: O): KeptLine {
    if (typeof raw === 'string') return detach(raw);
    const cur = this.ring.at(-1);
    if (cur === undefined) throw new Error('a line index was passed with no line table');
    if (raw < 0 || raw >= SPAN) throw new Error(`line index ${raw} out of range`);
    if (owner.keptIn !== cur.seq) {
      owner.keptIn = cur.seq;
      cur.owners.push(owner);
    }
    return cur.base + raw;
  }

  /** `k`, kept by one more record (a line handed from one record to another). */
  share(k: KeptLine, owner: O): KeptLine {
    if (typeof k === 'string') return k;
    const r = this.batchOf(k);
    if (owner.keptIn !== r.seq) {
      owner.keptIn = r.seq;
      r.owners.push(owner);
    }
    return k;
  }

  /** The text of a kept line ('' for none). */
  text(k: KeptLine): string {
    if (typeof k === 'string') return k;
    const r = this.batchOf(k);
    return r.table.text(k - r.base);
  }

  /** The text of a line of the current batch (or a copy of text). */
  now(raw: LineRef): string {
    return lineText(raw, this.ring.at(-1)?.table);
  }

  private batchOf(k: number): Retained<O> {
    const base = k - (k % SPAN);
    for (const r of this.ring) if (r.base === base) return r;
    throw new Error('a kept line outlived its batch');
  }
}
