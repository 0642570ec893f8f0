/**
 * Evidence lines by handle. The detector keeps the first line of every run of every source in
 * case an episode opens; most runs end without one, so copying each line out of its batch was
 * most of what the detector allocated (~0.2 KB per scan). Instead a kept line is a handle —
 * batch base + index — into one of the last few batches, which stay retained (their bytes are
 * outside the JS heap). When a batch leaves, the handles still held into it become text.
 */
import { detach } from '../../util/detach';
import { lineText, type KeptLine, type LineRef, type LineTable } from '../lines';

/** Batches retained; a few cover a whole fast window at home-router rates. */
const RETAINED = 4;
/** Handle space per batch: handle = base + index in the batch. */
const SPAN = 2 ** 24;

export interface Retained<O> {
  base: number;
  table: LineTable;
  /** Objects that received a handle into this batch (each once). */
  owners: O[];
}

export class KeptLines<O extends { keptIn: number }> {
  private readonly ring: Retained<O>[] = [];
  private nextBase = 0;

  /** Starts a batch; returns the batch that leaves, whose owners must `settle` their handles. */
  add(table: LineTable): Retained<O> | undefined {
    this.ring.push({ base: this.nextBase, table, owners: [] });
    this.nextBase += SPAN;
    return this.ring.length > RETAINED ? this.ring.shift() : undefined;
  }

  /** A line to keep: text is copied; an index into the current batch becomes a handle. */
  keep(raw: LineRef, owner: O): KeptLine {
    if (typeof raw === 'string') return detach(raw);
    const cur = this.current();
    if (raw < 0 || raw >= SPAN) throw new Error(`line index ${raw} out of range`);
    if (owner.keptIn !== cur.base) {
      owner.keptIn = cur.base;
      cur.owners.push(owner);
    }
    return cur.base + raw;
  }

  /** The text of a kept line. */
  text(k: KeptLine): string {
    if (typeof k === 'string') return k;
    const base = k - (k % SPAN);
    for (const r of this.ring) if (r.base === base) return r.table.text(k - base);
    throw new Error('a kept line outlived its batch');
  }

  /** The text of a line of the current batch (or a copy of text). */
  now(raw: LineRef): string {
    return lineText(raw, this.ring.at(-1)?.table);
  }

  /** `k` as text if it points into `r` (the batch leaving), else unchanged. */
  settle(k: KeptLine, r: Retained<O>): KeptLine {
    return typeof k === 'number' && k >= r.base && k < r.base + SPAN ? r.table.text(k - r.base) : k;
  }

  private current(): Retained<O> {
    const cur = this.ring.at(-1);
    if (!cur) throw new Error('a line index was passed with no line table');
    return cur;
  }
}
