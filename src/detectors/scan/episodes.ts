/**
 * Episodes. One alert per (source, `vertical-scan`) and per (source, `horizontal-scan`, port,
 * protocol) and episode. An episode is a run of activity without a quiet gap as long as its
 * window; it is updated, never re-raised, while it lasts (destinations, events, last, peak,
 * level, last line). The first packet after a quiet window closes it and the source's earlier
 * probes (for a vertical scan: all of them; for a sweep: those on that port) are forgotten, so a
 * new episode has to meet the threshold again.
 * - `events` (packets): those of the run in which the threshold was met — since the source
 *   (vertical) or the source on that port (horizontal) was last quiet for a whole window — then
 *   every packet after. `first` and `evidence.firstLine` are that run's first packet.
 * - `destinations`: distinct ports (vertical, on any target) or targets (horizontal) seen in the
 *   episode; exact up to 65,536 per episode (horizontal: per source).
 * - `peak`: most distinct ports of one target (vertical) or targets on the port (horizontal)
 *   within one window of the episode's own size; it cannot exceed `maxKeysPerSource`.
 * - `level`: psad's danger level 1–5 of `events`, recomputed as packets come.
 */

import type { KeptLine, LineRef } from '../lines';
import type { ScanAlert } from './alert';
import { detach } from '../../util/detach';
import { P24, STRUCT_COST, type Episode, type Heavy, type Port, type Src, type Tgt } from './records';
import { PairWindows } from './pair-windows';

const SAMPLE = 20;
/** Distinct destinations counted per episode (horizontal: per source). */
const MAX_EPISODE_KEYS = 65_536;

/** Opening, updating and closing a source's episodes. */
export abstract class Episodes extends PairWindows {
  protected openVertical(st: Src, hv: Heavy, tg: Tgt, slow: boolean, dst: string, ts: number, line: KeptLine): Episode {
    const s = this.settings;
    const seen = new Set<number>();
    for (const k of hv.fp.keys()) if (Math.floor(k / P24) === tg.idx) seen.add(k % P24);
    if (slow) for (const k of hv.sp.keys()) if (Math.floor(k / P24) === tg.idx) seen.add(k % P24);
    this.charge(st, seen.size);
    const protos: number[] = [];
    const samplePorts: number[] = [];
    for (const k of seen) {
      const code = Math.floor(k / 65536);
      if (!protos.includes(code)) protos.push(code);
      if (samplePorts.length < SAMPLE) samplePorts.push(k % 65536);
    }
    const events = slow ? st.lifePackets : st.runPackets;
    const alert: ScanAlert = {
      kind: 'vertical-scan', host: this.hostOf(st), port: 0, proto: protos.map((c) => this.protoNames[c]).join('+'),
      first: (slow ? st.lifeFirst : st.runFirst) + this.epoch, last: ts, destinations: seen.size, events,
      peak: slow ? tg.long : tg.fast, threshold: s.verticalPorts,
      windowS: Math.round((slow ? this.longMs : s.windowMs) / 1000), level: this.level(events),
      evidence: {
        firstLine: this.kept.text(slow ? st.lifeLine : st.runLine), lastLine: this.kept.text(line), window: slow ? 'long' : 'fast',
        samplePorts, sampleTargets: [detach(dst)],
      },
    };
    const ep: Episode = { alert, slow, windowMs: slow ? this.longMs : s.windowMs, seen, protos, targetKeys: [tg.dk], lastRaw: undefined };
    this.changed.add(ep);
    return ep;
  }

  protected openHorizontal(st: Src, hv: Heavy, po: Port, pk: number, slow: boolean, ts: number, line: KeptLine): Episode {
    const s = this.settings;
    const seen = new Set<number>();
    for (const k of hv.fp.keys()) if (k % P24 === pk) seen.add(hv.byIdx.get(Math.floor(k / P24))!.dk);
    if (slow) for (const k of hv.sp.keys()) if (k % P24 === pk) seen.add(hv.byIdx.get(Math.floor(k / P24))!.dk);
    this.charge(st, seen.size);
    hv.hSeen += seen.size;
    const sampleTargets: string[] = [];
    for (const k of seen) {
      if (sampleTargets.length >= SAMPLE) break;
      const name = this.keyName(k);
      if (name !== undefined) sampleTargets.push(name);
    }
    const events = slow ? po.lifePackets : po.runPackets;
    const code = Math.floor(pk / 65536);
    const alert: ScanAlert = {
      kind: 'horizontal-scan', host: this.hostOf(st), port: pk % 65536, proto: this.protoNames[code],
      first: (slow ? po.lifeFirst : po.runFirst) + this.epoch, last: ts, destinations: seen.size, events,
      peak: slow ? po.long : po.fast, threshold: s.horizontalTargets,
      windowS: Math.round((slow ? this.longMs : s.windowMs) / 1000), level: this.level(events),
      evidence: {
        firstLine: this.kept.text(slow ? po.lifeLine : po.runLine), lastLine: this.kept.text(line), window: slow ? 'long' : 'fast',
        samplePorts: [pk % 65536], sampleTargets,
      },
    };
    const ep: Episode = { alert, slow, windowMs: slow ? this.longMs : s.windowMs, seen, protos: [code], targetKeys: [], lastRaw: undefined };
    this.changed.add(ep);
    return ep;
  }

  protected updateEpisode(
    st: Src, hv: Heavy, ep: Episode, key: number, dk: number, pk: number, dst: string, ts: number, raw: LineRef, packets: number, inWindow: number,
    vertical: boolean,
  ): void {
    const a = ep.alert;
    a.events += packets;
    if (ts >= a.last) {
      a.last = ts;
      ep.lastRaw = raw;
    }
    if (inWindow > a.peak) a.peak = inWindow;
    a.level = this.level(a.events);
    const ev = a.evidence;
    if (!ep.seen.has(key) && ep.seen.size < MAX_EPISODE_KEYS && (vertical || hv.hSeen < MAX_EPISODE_KEYS)) {
      ep.seen.add(key);
      this.charge(st, 1);
      a.destinations = ep.seen.size;
      if (vertical) {
        if (ev.samplePorts.length < SAMPLE) ev.samplePorts.push(pk % 65536);
        const code = Math.floor(pk / 65536);
        if (!ep.protos.includes(code)) {
          ep.protos.push(code);
          a.proto = ep.protos.map((c) => this.protoNames[c]).join('+');
        }
      } else {
        hv.hSeen++;
        if (ev.sampleTargets.length < SAMPLE) ev.sampleTargets.push(detach(dst));
      }
    }
    if (vertical && ev.sampleTargets.length < SAMPLE && !ep.targetKeys.includes(dk)) {
      ep.targetKeys.push(dk);
      ev.sampleTargets.push(detach(dst));
    }
    this.changed.add(ep);
  }

  /** The source was quiet for the episode's window: close it and forget what it probed. */
  protected closeVertical(st: Src, hv: Heavy): void {
    const ep = hv.vEp!;
    this.settle(ep);
    hv.vEp = undefined;
    let freed = ep.seen.size + hv.fp.size + hv.sp.size + STRUCT_COST * hv.targets.size;
    hv.fp.clear();
    hv.sp.clear();
    hv.fk = [];
    hv.ft = [];
    hv.sk = [];
    hv.st = [];
    hv.fh = hv.sh = 0;
    hv.targets.clear();
    hv.byIdx.clear();
    hv.freeIdx = [];
    hv.nextIdx = 0;
    for (const [pk, po] of hv.ports) {
      po.fast = po.long = 0;
      if (po.ep === undefined) {
        hv.ports.delete(pk);
        freed += STRUCT_COST;
      }
    }
    this.charge(st, -freed);
    st.runPackets = 0;
    st.lifePackets = 0;
  }

  /** The source was quiet on this port for the episode's window: close it, forget the port's pairs. */
  protected closePort(st: Src, hv: Heavy, pk: number, po: Port): void {
    this.endPortEpisode(st, hv, po);
    for (const m of [hv.fp, hv.sp]) {
      for (const k of m.keys()) {
        if (k % P24 !== pk) continue;
        const tg = hv.byIdx.get(Math.floor(k / P24))!;
        if (m === hv.fp) tg.fast--;
        tg.long--;
        m.delete(k);
        this.charge(st, -1);
        if (tg.long === 0) this.dropTarget(st, hv, tg);
      }
    }
    po.fast = po.long = 0;
    po.runPackets = po.lifePackets = 0;
  }
}
