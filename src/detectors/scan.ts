/**
 * Inbound scan detection: one outside source probing many ports of one of your addresses
 * (**vertical scan**) or one port on many of your addresses (**horizontal sweep**).
 *
 * Pipeline contract: feed it every inbound event of class `scan`, and nothing else. Trusted
 * sources are class `trusted` (classify/classifier.ts), so they never reach `observe` and never
 * raise an alert; `late` packets (ACK, RST, replies) are not probes and are not fed either. The
 * detector is pure — no store, no clock: time is the events' own `ts`.
 *
 * How it decides. For each source it remembers which (target, port) pairs it probed and when
 * each was last probed, over two sliding windows: a fast one (5 minutes) and a long one (24 h,
 * the slow-scan memory). The **distinct threshold** is met when, within one window, the source
 * has probed ≥ `verticalPorts` distinct ports of one target (vertical) or ≥ `horizontalTargets`
 * distinct targets on one port and protocol (horizontal). An alert opens when the threshold is
 * met AND the episode's packets have reached danger level `minLevel` (psad's scale). The fast
 * window is tried first; the long one catches what it misses — a scanner sending one probe every
 * few minutes — and the alert says which (`windowS`, `evidence.window`).
 *
 * The parts: settings and defaults (scan/settings.ts), the per-source memory (scan/source-table.ts,
 * scan/light-form.ts, scan/heavy-form.ts, scan/pair-windows.ts), episodes and alerts
 * (scan/episodes.ts), persistence (scan/persistence.ts).
 */

import type { ScanAlert, ScanStats } from './scan/alert';
import { detach } from '../util/detach';
import type { KeptLine, LineRef } from './lines';
import { ipv4 } from './scan/keys';
import { parseState, PersistentMemory } from './scan/persistence';
import { Src } from './scan/records';
import { REBASE_AT } from './scan/source-table';
import type { ScanSettings } from './scan/settings';

export type { ScanAlert, ScanEvidence, ScanStats } from './scan/alert';
export { DEFAULT_SCAN, type ScanSettings } from './scan/settings';

export class ScanDetector extends PersistentMemory {
  /** The class of rows the pipeline feeds it (see pipeline/sink.ts `Detector`). */
  readonly feeds = 'scan' as const;

  /**
   * Feed one inbound `scan` event. `dstPort`: destination port (undefined, NaN or out of range —
   * portless protocols — counts as 0); `proto`: `tcp`, `udp`, `icmp`…; `ts`: UTC epoch ms; `raw`:
   * the log line; `packets`: packets the event stands for (flow logs), default 1.
   */
  observe(src: string, dst: string, dstPort: number | undefined, proto: string, ts: number, raw: LineRef, packets = 1): void {
    if (!(packets >= 1)) return;
    let t = ts - this.epoch;
    if (!(t <= REBASE_AT)) {
      if (ts !== ts) return;
      if (this.epoch !== this.epoch) this.epoch = ts;
      else this.rebase(ts);
      t = ts - this.epoch;
    }
    if (t > this.now) this.now = t;
    const s = this.settings;
    const v4 = ipv4(src);
    const sk: number | string = v4 >= 0 ? v4 | 0 : src;
    const dk = this.targetKey(dst);
    const pk = this.portKey(dstPort, proto);

    let st = this.sources.get(sk);
    if (st === undefined) {
      st = new Src(typeof sk === 'string' ? detach(sk) : sk, t, packets, '', dk, pk);
      st.runLine = st.lifeLine = st.l0 = this.line(raw, st);
      this.sources.set(st.key, st);
      this.append(st);
      this.total++;
      if (this.sources.size > s.maxSources) this.evictStalest(st);
      if (this.total > s.maxKeys) this.evictForBudget(st);
      if ((++this.ops & 1023) === 0) this.expire();
      return;
    }
    if (st !== this.freshest) {
      this.unlink(st);
      this.append(st);
    }

    let line: KeptLine | undefined;
    const hv = st.heavy;
    if (hv !== undefined && hv.vEp !== undefined && ts - hv.vEp.alert.last > hv.vEp.windowMs) this.closeVertical(st, hv);
    // The vertical unit is the source itself.
    const gap = t - st.last;
    if (gap > s.windowMs || st.runPackets === 0) {
      st.runFirst = t;
      st.runPackets = 0;
      st.runLine = line ??= this.line(raw, st);
    }
    let fresh = false;
    if (gap > this.longMs || st.lifePackets === 0) {
      st.lifeFirst = t;
      st.lifePackets = 0;
      st.lifeLine = line ??= this.line(raw, st);
      fresh = true;
    }
    st.runPackets += packets;
    st.lifePackets += packets;
    if (t > st.last) st.last = t;

    if (hv !== undefined) {
      this.heavyObserve(st, hv, dk, pk, dst, ts, t, raw, packets, line);
    } else if (fresh) {
      // Everything it probed before is out of the long window.
      this.charge(st, 1 - st.n);
      this.setPair0(st, dk, pk, t, t, packets, line ?? this.line(raw, st));
      st.n = 1;
      st.more = st.moreLines = undefined;
    } else {
      if (st.lifeFirst < t - this.longMs) this.pruneLight(st, t - this.longMs);
      if (st.n > 0 && st.d0 === dk && st.k0 === pk) {
        if (t > st.t0) st.t0 = t;
        st.c0 += packets;
      } else if (!this.lightUpdate(st, dk, pk, t, packets)) {
        if (st.n === 0) {
          this.setPair0(st, dk, pk, t, t, packets, line ?? this.line(raw, st));
          st.n = 1;
          this.charge(st, 1);
        } else if (st.n < this.light) {
          (st.more ??= []).push(dk, pk, t, t, packets);
          (st.moreLines ??= []).push(line ?? this.line(raw, st));
          st.n++;
          this.charge(st, 1);
        } else {
          this.promote(st, t);
          this.heavyObserve(st, st.heavy!, dk, pk, dst, ts, t, raw, packets, line);
        }
      }
    }

    if (this.total > s.maxKeys) this.evictForBudget(st);
    if ((++this.ops & 1023) === 0) this.expire();
  }

  /** Alerts opened or updated since the last call; the store writes them with the batch. */
  drainChanged(): ScanAlert[] {
    const out: ScanAlert[] = [];
    for (const ep of this.changed) out.push(this.settle(ep));
    this.changed.clear();
    return out;
  }

  /** What is remembered now (monitoring, tests). */
  stats(): ScanStats {
    let heavy = 0;
    for (const st of this.sources.values()) if (st.heavy !== undefined) heavy++;
    return { sources: this.sources.size, heavySources: heavy, keys: this.total, evicted: this.evicted };
  }

  /**
   * A detector that continues from a `toJSON()` document, with these settings (they may differ
   * from the saved detector's; windows and caps apply from the next event). Throws on a
   * document of another format or version: start a fresh detector then.
   */
  static fromJSON(json: string, settings: Partial<ScanSettings> = {}): ScanDetector {
    const doc = parseState(json);
    const d = new ScanDetector(settings);
    d.restore(doc);
    return d;
  }
}
