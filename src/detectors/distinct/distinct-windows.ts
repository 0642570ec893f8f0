/**
 * The windowed distinct count every detector rule is a policy on. Per key (a source, an inside
 * host) it remembers which (target, port) items the key reached and when, within a fast window
 * and a long one, counted per target (distinct ports) and per port (distinct targets); and the
 * key's activity runs, alone and on each port. Rules (distinct/rule.ts) read those counts for
 * each event and open, update and close episodes; the windows keep the episodes with their unit.
 *
 * Memory stays bounded whatever the input:
 * - most keys stay in the light form (light-form.ts); the heavy form (item-windows.ts) comes
 *   when a threshold becomes reachable;
 * - everything kept is charged to a budget (key-table.ts): beyond `maxKeys` keys or `maxEntries`
 *   entries the stalest key is forgotten, and one key holds at most `maxEntriesPerKey` (its
 *   oldest items go first); a key quiet for a whole long window is dropped;
 * - times are small offsets from an epoch (relative-clock.ts), addresses and ports numbers
 *   (item-codes.ts), evidence lines handles into the last batches (kept-lines.ts).
 *
 * Time is the events' own, expected roughly in order: a late event is counted but placed in the
 * windows approximately, and an item seen again within a second keeps its earlier time (it may
 * leave a window up to a second early, never late: nothing fires early).
 */
import { detach } from '../../util/detach';
import type { Alert } from '../alert';
import type { KeptLine, LineRef, LineTable } from '../lines';
import { ipv4, ItemCodes } from './item-codes';
import { ITEM_SPAN, ItemWindows } from './item-windows';
import { KeptLines, type Settle } from './kept-lines';
import { KeyTable } from './key-table';
import { addLight, LIGHT_ITEMS, lightItems, pruneLight, restartLight, setLightItems, shiftLight, updateLight } from './light-form';
import { Activity, GROUP_COST, LONG_RUN, PortGroup, type Episode } from './records';
import { Tracked } from './tracked';
import { RelativeClock } from './relative-clock';
import { Observation, type Rule } from './rule';

export interface WindowSettings {
  /** The fast window, ms. */
  windowMs: number;
  /** The long window, ms; anything ≤ `windowMs` (0) turns it off. */
  longWindowMs: number;
  /** Most keys remembered at once. */
  maxKeys: number;
  /** Most budget entries one key may hold (items and their per-target and per-port records). */
  maxEntriesPerKey: number;
  /** Most budget entries in all, episodes' destinations included. */
  maxEntries: number;
}

export interface WindowStats {
  /** Keys remembered (≤ maxKeys). */
  keys: number;
  /** Of which in the heavy form. */
  heavyKeys: number;
  /** Budget entries in use (≤ maxEntries, give or take the key being fed). */
  entries: number;
  /** Keys forgotten to stay within maxKeys / maxEntries (expiry not counted). */
  evicted: number;
}

export class DistinctWindows {
  readonly codes = new ItemCodes();
  readonly clock = new RelativeClock((delta) => this.shift(delta));
  readonly table: KeyTable;
  readonly kept = new KeptLines<Activity>();
  /** Episodes opened or updated since the last `drain`. */
  readonly changed = new Set<Episode>();
  readonly fastMs: number;
  /** The long window, or the fast one when the long window is off. */
  readonly longMs: number;
  readonly slowOn: boolean;
  private readonly maxEntriesPerKey: number;
  private readonly lightLimit: number;
  private readonly rules: readonly Rule[];
  private readonly o = new Observation();
  private ops = 0;
  private lastKeyText = '';
  private lastKey: number | string = '';

  constructor(s: WindowSettings, rules: (w: DistinctWindows) => readonly Rule[]) {
    this.fastMs = s.windowMs;
    this.slowOn = s.longWindowMs > s.windowMs;
    this.longMs = this.slowOn ? s.longWindowMs : s.windowMs;
    this.maxEntriesPerKey = s.maxEntriesPerKey;
    this.table = new KeyTable(s.maxKeys, s.maxEntries);
    this.rules = rules(this);
    this.lightLimit = Math.max(1, Math.min(LIGHT_ITEMS, ...this.rules.map((r) => r.threshold - 1)));
  }

  /** The pipeline hands over each batch's line table before feeding its rows. */
  readLinesFrom(lines: LineTable): void {
    // Lines of episodes not drained yet point into the batch that is ending.
    for (const ep of this.changed) this.settle(ep);
    this.kept.add(lines, this.settleOwner);
  }

  /**
   * Counts one event of `keyAddress` reaching `dst` on `dstPort`/`proto` at `ts` (UTC ms);
   * `packets`: how many it stands for. Rules are asked about it once the key is heavy.
   */
  observe(keyAddress: string, dst: string, dstPort: number | undefined, proto: string, ts: number, raw: LineRef, packets: number, probe = 0): void {
    if (!(packets >= 1)) return;
    const t = this.clock.relative(ts);
    if (t !== t) return;
    // A scanner's probes come one after another: parse its address once while it repeats.
    if (keyAddress !== this.lastKeyText) {
      const v4 = ipv4(keyAddress);
      this.lastKeyText = keyAddress.length < 13 ? keyAddress : detach(keyAddress);
      this.lastKey = v4 >= 0 ? v4 | 0 : this.lastKeyText;
    }
    const key = this.lastKey;
    const target = this.codes.target(dst);
    const port = this.codes.port(dstPort, proto);
    const table = this.table;
    let k = table.get(key);
    if (k === undefined) {
      k = new Tracked(typeof key === 'string' ? detach(key) : key, t, packets, target, port);
      k.probes = probe;
      k.runLine = k.longRunLine = k.line0 = this.kept.keep(raw, k);
      table.add(k);
      this.afterEvent(k);
      return;
    }
    const o = this.o;
    let hv = k.heavy;
    if (hv !== undefined) {
      o.key = k;
      o.heavy = hv;
      o.port = hv.ports.get(port);
      o.portCode = port;
      o.ts = ts;
      for (const r of this.rules) r.closeIfQuiet(o);
    }

    let line: KeptLine | undefined;
    const started = k.runsStartedAt(t, this.fastMs, this.longMs);
    if (started !== 0) line = this.kept.keep(raw, k);
    k.count(t, packets, started, line!, probe);

    if (hv === undefined) {
      if ((started & LONG_RUN) !== 0) {
        restartLight(k, table, target, port, t, packets, line!); // all it had is out of the long window
      } else {
        if (k.lightOldest < t - this.longMs) pruneLight(k, table, t - this.longMs);
        if (!updateLight(k, target, port, t, packets)) {
          if (k.lightCount < this.lightLimit) addLight(k, table, target, port, t, packets, line ?? this.kept.keep(raw, k));
          else hv = this.promote(k, t);
        }
      }
    }
    if (hv !== undefined) {
      this.countHeavy(k, hv, target, port, t, ts, raw, packets, probe);
      o.key = k;
      o.heavy = hv;
      o.targetCode = target;
      o.portCode = port;
      o.dst = dst;
      o.ts = ts;
      o.raw = raw;
      o.packets = packets;
      o.probe = probe;
      for (const r of this.rules) r.afterCount(o);
    }
    this.afterEvent(k);
  }

  /** Episodes opened or updated since the last call, with their alerts' last lines made text. */
  drain<A extends Alert>(): A[] {
    const out: A[] = [];
    for (const ep of this.changed) out.push(this.settle(ep).alert as A);
    this.changed.clear();
    return out;
  }

  stats(): WindowStats {
    let heavy = 0;
    for (const k of this.table) if (k.heavy !== undefined) heavy++;
    return { keys: this.table.size, heavyKeys: heavy, entries: this.table.total, evicted: this.table.evicted };
  }

  // --- for rules -------------------------------------------------------------------------

  /** The text of a kept line. */
  text(line: KeptLine): string {
    return this.kept.text(line);
  }

  /** An episode on the key closed: forget what it reached, so a new one has to meet the threshold again. */
  restartKey(k: Tracked): void {
    k.heavy!.clear(k, this.table);
    k.restartRuns();
  }

  /** An episode on the key's port closed: forget the items on that port. */
  restartPort(k: Tracked, port: number): void {
    const hv = k.heavy!;
    hv.forgetPort(k, this.table, port);
    hv.ports.get(port)!.restartRuns();
  }

  /** Copies the newest line into the episode's alert (before it leaves the detector). */
  settle(ep: Episode): Episode {
    if (ep.lastRaw !== undefined) {
      ep.alert.evidence.lastLine = this.kept.now(ep.lastRaw);
      ep.lastRaw = undefined;
    }
    return ep;
  }

  // --- counting ----------------------------------------------------------------------------

  /** Counts the event in the heavy form: the windows, the key's port activity, the item. */
  private countHeavy(k: Tracked, hv: ItemWindows, target: number, port: number, t: number, ts: number, raw: LineRef, packets: number, probe: number): void {
    const table = this.table;
    const fastCut = t - this.fastMs;
    const longCut = t - this.longMs;
    hv.advance(k, table, fastCut, longCut, ts);
    let po = hv.ports.get(port);
    let tg = hv.targets.get(target);
    const v = tg === undefined ? undefined : hv.items.get(tg.index * ITEM_SPAN + port);
    if (v === undefined && t >= longCut) {
      // A new item (and its records, if new): make room within the key's cap, its oldest items first.
      let need = 1 + (tg === undefined ? GROUP_COST : 0) + (po === undefined ? GROUP_COST : 0);
      while (k.cost + need > this.maxEntriesPerKey && hv.dropOldest(k, table, ts)) {
        po = hv.ports.get(port);
        tg = hv.targets.get(target);
        need = 1 + (tg === undefined ? GROUP_COST : 0) + (po === undefined ? GROUP_COST : 0);
      }
      if (k.cost + need <= this.maxEntriesPerKey) {
        tg ??= hv.targetGroup(k, table, target);
        if (po === undefined) {
          po = new PortGroup(t, 0, ''); // no packets yet: the event is counted below
          hv.ports.set(port, po);
          table.charge(k, GROUP_COST);
        }
      }
    }
    if (po !== undefined) {
      const started = po.runsStartedAt(t, this.fastMs, this.longMs);
      po.count(t, packets, started, started !== 0 ? this.kept.keep(raw, po) : '', probe);
      if (tg !== undefined) {
        const item = tg.index * ITEM_SPAN + port;
        if (v === undefined) {
          if (t >= longCut) hv.add(k, table, tg, po, item, t, fastCut);
        } else hv.refresh(tg, po, item, v, t);
      }
    }
    this.o.target = tg;
    this.o.port = po;
  }

  /** Light → heavy, replaying the light items in time order. */
  private promote(k: Tracked, t: number): ItemWindows {
    const table = this.table;
    const fastCut = t - this.fastMs;
    const longCut = t - this.longMs;
    const items = lightItems(k).sort((a, b) => a.last - b.last);
    setLightItems(k, table, []);
    const hv = new ItemWindows();
    k.heavy = hv;
    for (const p of items) {
      if (p.last < longCut) continue;
      const tg = hv.targetGroup(k, table, p.target);
      let po = hv.ports.get(p.port);
      if (po === undefined) {
        po = new PortGroup(p.first, 0, ''); // its runs are made of the light items below
        hv.ports.set(p.port, po);
        table.charge(k, GROUP_COST);
      }
      // The port's runs as the light items tell them.
      if (p.last > po.last) po.last = p.last;
      if (po.longRunPackets === 0 || p.first < po.longRunFirst) {
        po.longRunFirst = p.first;
        po.longRunLine = this.kept.share(p.line, po);
      }
      po.longRunPackets += p.packets;
      if (p.last >= fastCut) {
        if (po.runPackets === 0 || p.first < po.runFirst) {
          po.runFirst = p.first;
          po.runLine = this.kept.share(p.line, po);
        }
        po.runPackets += p.packets;
      }
      hv.add(k, table, tg, po, tg.index * ITEM_SPAN + p.port, p.last, fastCut);
    }
    return hv;
  }

  private afterEvent(k: Tracked): void {
    if (this.table.over) this.table.enforce(k);
    if ((++this.ops & 1023) === 0) this.table.expire(this.clock.now - this.longMs);
  }

  /**
   * A batch is leaving: the lines a record still needs become text; those of runs already
   * over are dropped (the next event starts a new run, with its own line). Twice the window is
   * allowed for events that arrive a little out of order; past that, an episode that opens without
   * its first line shows its last one.
   */
  private readonly settleOwner = (o: Activity, settle: Settle): void => {
    const idle = this.clock.now - o.last;
    const keepLong = idle <= 2 * this.longMs;
    o.runLine = idle <= 2 * this.fastMs ? settle(o.runLine) : '';
    o.longRunLine = keepLong ? settle(o.longRunLine) : '';
    if (!(o instanceof Tracked)) return;
    o.line0 = keepLong ? settle(o.line0) : '';
    const more = o.moreLines;
    if (more !== undefined) for (let i = 0; i < more.length; i++) more[i] = keepLong ? settle(more[i]) : '';
  };

  /** The epoch moved forward by `delta`: every relative time kept moves back by it. */
  private shift(delta: number): void {
    for (const k of this.table) {
      k.queuedAt -= delta;
      k.shiftActivity(delta);
      shiftLight(k, delta);
      const hv = k.heavy;
      if (hv === undefined) continue;
      hv.shift(delta);
      for (const po of hv.ports.values()) po.shiftActivity(delta);
    }
  }
}
