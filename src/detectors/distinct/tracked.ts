import type { KeptLine } from '../lines';
import type { KeyCode } from './item-codes';
import type { ItemWindows } from './item-windows';
import { Activity, type Charged } from './records';

/**
 * The record of one key (a source, an inside host). Most keys are seen a few times: their items
 * stay in the light form (light-form.ts) — the first inline, up to `LIGHT_ITEMS - 1` more in
 * `more` (stride 5: target, port, first, last, packets) and `moreLines` — with no maps and no
 * per-target or per-port records. A key gets `heavy` (item-windows.ts) on the item that would
 * pass the light limit, when a threshold becomes reachable; episodes live there.
 */
export class Tracked extends Activity implements Charged {
  /** Neighbours in the key table's queue, and the (relative) time it was queued at (key-table.ts). */
  prev: Tracked | undefined = undefined;
  next: Tracked | undefined = undefined;
  queuedAt = 0;
  /** Budget entries charged to it: its first item. */
  cost = 1;
  heavy: ItemWindows | undefined = undefined;
  lightCount = 1;
  /** No light item was last seen before this (a lower bound: pruning is skipped until the long window passes it). */
  lightOldest: number;
  target0: number;
  port0: number;
  first0: number;
  last0: number;
  packets0: number;
  line0: KeptLine;
  more: number[] | undefined = undefined;
  moreLines: KeptLine[] | undefined = undefined;
  constructor(readonly key: KeyCode, t: number, packets: number, target: number, port: number) {
    super(t, packets, '');
    this.target0 = target;
    this.port0 = port;
    this.first0 = t;
    this.last0 = t;
    this.packets0 = packets;
    this.line0 = '';
    this.lightOldest = t;
  }
}

