/**
 * Memory. Most sources are seen a few times: they are kept in a small inline form (up to four
 * (target, port) pairs, no maps, times as small integers) and get per-target and per-port state
 * only on their fifth distinct pair, when a scan becomes possible. Sources are kept in
 * least-recently-seen order: beyond `maxSources`, or when everything remembered exceeds
 * `maxKeys`, the stalest is forgotten; a source quiet for a whole long window is dropped. Raw
 * lines and IPv6 addresses kept are copies, so they do not pin the batch text they were cut
 * from; IPv4 addresses are kept as numbers.
 *
 * Time comes from the log, expected roughly in order. A late event is counted, but kept in the
 * windows only approximately. A pair probed again within a second keeps its earlier time, so it
 * may leave a window up to a second early (never late: nothing fires early).
 */

import { detach } from '../../util/detach';
import type { KeptLine, LineRef, LineTable } from '../lines';
import { KeptLines } from './kept-lines';
import type { ScanAlert } from './alert';
import { fnv, ipv4, ipv4Name, MAX_NAMES, MAX_PROTOS, V6_BASE } from './keys';
import type { Episode, Src } from './records';
import { DEFAULT_SCAN, validate, type ScanSettings } from './settings';

/** Pairs a source may have in the light form. */
const LIGHT_PAIRS = 4;
/**
 * Times are kept in ms relative to an epoch, so they stay small integers (V8 boxes every other
 * number kept in an object field: 16 bytes and one more object per field). The epoch moves
 * forward when they grow past this (12.4 days).
 */
export const REBASE_AT = 2 ** 30;

/** The detector's state: sources in least-recently-seen order, the budget, the epoch, key tables. */
export abstract class SourceTable {
  readonly settings: Readonly<ScanSettings>;
  protected readonly sources = new Map<number | string, Src>();
  protected stalest: Src | undefined = undefined;
  protected freshest: Src | undefined = undefined;
  protected readonly changed = new Set<Episode>();
  protected readonly protoNames: string[] = ['tcp', 'udp'];
  protected readonly protoCodes = new Map<string, number>([['tcp', 0], ['udp', 1]]);
  /** Names of non-IPv4 target keys, for evidence samples. */
  protected readonly names = new Map<number, string>();
  protected readonly light: number;
  protected readonly longMs: number;
  protected readonly slowOn: boolean;
  /** Absolute ms that relative time 0 stands for; NaN until the first event. */
  protected epoch = NaN;
  /** Newest relative time seen. */
  protected now = -Infinity;
  protected total = 0;
  protected evicted = 0;
  protected ops = 0;
  /** Evidence lines kept by handle into the last few batches. */
  protected readonly kept = new KeptLines<Src>();

  constructor(settings: Partial<ScanSettings> = {}) {
    const s: ScanSettings = { ...DEFAULT_SCAN, ...settings };
    validate(s);
    this.settings = Object.freeze({ ...s, dangerLevels: Object.freeze([...s.dangerLevels]) as ScanSettings['dangerLevels'] });
    this.light = Math.max(1, Math.min(LIGHT_PAIRS, s.verticalPorts - 1, s.horizontalTargets - 1));
    this.slowOn = s.longWindowMs > s.windowMs;
    this.longMs = this.slowOn ? s.longWindowMs : s.windowMs;
  }

  // --- bookkeeping ------------------------------------------------------------------------

  protected charge(st: Src, n: number): void {
    st.keys += n;
    this.total += n;
  }

  protected append(st: Src): void {
    st.prev = this.freshest;
    st.next = undefined;
    if (this.freshest !== undefined) this.freshest.next = st;
    else this.stalest = st;
    this.freshest = st;
  }

  protected unlink(st: Src): void {
    if (st.prev !== undefined) st.prev.next = st.next;
    else this.stalest = st.next;
    if (st.next !== undefined) st.next.prev = st.prev;
    else this.freshest = st.prev;
    st.prev = st.next = undefined;
  }

  /** Forgets a source; its open episodes just end (changes not yet drained still are). */
  protected remove(st: Src): void {
    this.sources.delete(st.key);
    this.unlink(st);
    this.total -= st.keys;
    st.keys = 0;
  }

  protected evictStalest(except?: Src): void {
    const st = this.stalest;
    if (st === undefined || st === except) return;
    this.remove(st);
    this.evicted++;
  }

  protected evictForBudget(except?: Src): void {
    let st = this.stalest;
    while (st !== undefined && st !== except && this.total > this.settings.maxKeys) {
      this.remove(st);
      this.evicted++;
      st = this.stalest;
    }
  }

  /** Drops sources quiet for a whole long window, from the stale end. */
  protected expire(): void {
    const cut = this.now - this.longMs;
    let st = this.stalest;
    while (st !== undefined && st.last < cut) {
      this.remove(st);
      st = this.stalest;
    }
  }

  /** Moves the epoch forward so relative times stay small integers. */
  protected rebase(ts: number): void {
    const delta = ts - this.epoch - REBASE_AT / 2;
    this.epoch += delta;
    this.now -= delta;
    for (let st = this.stalest; st !== undefined; st = st.next) {
      st.last -= delta;
      st.runFirst -= delta;
      st.lifeFirst -= delta;
      st.f0 -= delta;
      st.t0 -= delta;
      const m = st.more;
      if (m !== undefined) {
        for (let i = 0; i < m.length; i += 5) {
          m[i + 2] -= delta;
          m[i + 3] -= delta;
        }
      }
      const hv = st.heavy;
      if (hv === undefined) continue;
      for (const [k, v] of hv.fp) hv.fp.set(k, v - delta);
      for (const [k, v] of hv.sp) hv.sp.set(k, v - delta);
      for (let i = 0; i < hv.ft.length; i++) hv.ft[i] -= delta;
      for (let i = 0; i < hv.st.length; i++) hv.st[i] -= delta;
      for (const po of hv.ports.values()) {
        po.last -= delta;
        po.runFirst -= delta;
        po.lifeFirst -= delta;
      }
    }
  }

  /** The pipeline hands over each batch's line table before feeding its rows. */
  readLinesFrom(lines: LineTable): void {
    const leaving = this.kept.add(lines);
    if (leaving === undefined) return;
    const fix = (k: KeptLine) => this.kept.settle(k, leaving);
    for (const st of leaving.owners) {
      if (this.sources.get(st.key) !== st) continue; // forgotten since
      st.runLine = fix(st.runLine);
      st.lifeLine = fix(st.lifeLine);
      st.l0 = fix(st.l0);
      if (st.moreLines !== undefined) for (let i = 0; i < st.moreLines.length; i++) st.moreLines[i] = fix(st.moreLines[i]);
      if (st.heavy !== undefined) {
        for (const po of st.heavy.ports.values()) {
          po.runLine = fix(po.runLine);
          po.lifeLine = fix(po.lifeLine);
        }
      }
    }
  }

  /** A raw line of `owner` to keep as possible evidence. */
  protected line(raw: LineRef, owner: Src): KeptLine {
    return this.kept.keep(raw, owner);
  }

  /** Copies the newest raw line into the alert before it leaves the detector. */
  protected settle(ep: Episode): ScanAlert {
    if (ep.lastRaw !== undefined) {
      ep.alert.evidence.lastLine = this.kept.now(ep.lastRaw);
      ep.lastRaw = undefined;
    }
    return ep.alert;
  }

  protected level(packets: number): number {
    const d = this.settings.dangerLevels;
    let l = 0;
    while (l < 5 && packets >= d[l]) l++;
    return l;
  }

  protected hostOf(st: Src): string {
    return typeof st.key === 'string' ? st.key : ipv4Name(st.key);
  }

  protected targetKey(dst: string): number {
    const v4 = ipv4(dst);
    if (v4 >= 0) return v4 | 0;
    const k = V6_BASE + fnv(dst);
    if (this.names.size < MAX_NAMES && !this.names.has(k)) this.names.set(k, detach(dst));
    return k;
  }

  protected keyName(k: number): string | undefined {
    return k < V6_BASE ? ipv4Name(k) : this.names.get(k);
  }

  protected portKey(dstPort: number | undefined, proto: string): number {
    const port = dstPort !== undefined && dstPort >= 0 && dstPort <= 65535 ? dstPort | 0 : 0;
    let code = proto === 'tcp' ? 0 : proto === 'udp' ? 1 : this.protoCodes.get(proto);
    if (code === undefined) {
      if (this.protoNames.length < MAX_PROTOS) {
        code = this.protoNames.length;
        const name = detach(proto);
        this.protoNames.push(name);
        this.protoCodes.set(name, code);
      } else code = MAX_PROTOS - 1;
    }
    return code * 65536 + port;
  }
}
