import type { KeptLine, LineRef } from '../lines';
import { detach } from '../../util/detach';
import { Episodes } from './episodes';
import { P24, Port, STRUCT_COST, type Heavy, type Src } from './records';

/** A pair probed again within this long keeps its time (bounds the work for a hammering source). */
const REFRESH_MS = 1_000;

/** Per-source state once a scan is possible: per-target and per-port records, pairs in windows. */
export abstract class HeavyForm extends Episodes {
  protected heavyObserve(
    st: Src, hv: Heavy, dk: number, pk: number, dst: string, ts: number, t: number, raw: LineRef, packets: number, line: KeptLine | undefined,
  ): void {
    const s = this.settings;
    const fastCut = t - s.windowMs;
    const longCut = t - this.longMs;
    const cap = s.maxKeysPerSource;
    this.advance(st, hv, fastCut, longCut, ts);

    let po = hv.ports.get(pk);
    if (po !== undefined && po.ep !== undefined && ts - po.ep.alert.last > po.ep.windowMs) {
      this.closePort(st, hv, pk, po);
      po = hv.ports.get(pk);
    }
    let tg = hv.targets.get(dk);
    const key = tg === undefined ? -1 : tg.idx * P24 + pk;
    const inFast = tg === undefined ? undefined : hv.fp.get(key);
    const inSlow = tg === undefined || inFast !== undefined ? undefined : hv.sp.get(key);
    const isNew = inFast === undefined && inSlow === undefined;
    if (isNew && t >= longCut) {
      // A new pair: make room within the source's cap, oldest pairs first.
      let need = 1 + (tg === undefined ? STRUCT_COST : 0) + (po === undefined ? STRUCT_COST : 0);
      while (st.keys + need > cap && this.dropOldestPair(st, hv, ts)) {
        po = hv.ports.get(pk);
        tg = hv.targets.get(dk);
        need = 1 + (tg === undefined ? STRUCT_COST : 0) + (po === undefined ? STRUCT_COST : 0);
      }
      if (st.keys + need <= cap) {
        tg ??= this.target(st, hv, dk);
        if (po === undefined) {
          po = new Port(t, 0, line ??= this.line(raw, st));
          po.runPackets = po.lifePackets = 0;
          hv.ports.set(pk, po);
          this.charge(st, STRUCT_COST);
        }
      }
    }

    // Runs of the source on this port.
    if (po !== undefined) {
      const gap = t - po.last;
      if (gap > s.windowMs || po.runPackets === 0) {
        po.runFirst = t;
        po.runPackets = 0;
        po.runLine = line ??= this.line(raw, st);
      }
      if (gap > this.longMs || po.lifePackets === 0) {
        po.lifeFirst = t;
        po.lifePackets = 0;
        po.lifeLine = line ??= this.line(raw, st);
      }
      po.runPackets += packets;
      po.lifePackets += packets;
      if (t > po.last) po.last = t;
    }

    // The pair itself.
    if (tg !== undefined && po !== undefined) {
      if (isNew) {
        if (t >= longCut) this.addPair(st, hv, tg, po, pk, t, fastCut);
      } else if (inFast !== undefined) {
        if (t - inFast >= REFRESH_MS) {
          hv.fp.set(key, t);
          this.pushFast(hv, key, t);
        }
      } else if (t >= fastCut) {
        hv.sp.delete(key);
        hv.fp.set(key, t);
        this.pushFast(hv, key, t);
        tg.fast++;
        po.fast++;
      } else if (t - inSlow! >= REFRESH_MS) {
        // A late probe, still newer than the one remembered.
        hv.sp.set(key, t);
        this.pushSlow(hv, key, t);
      }
    }

    // Vertical: ports of this target.
    const vep = hv.vEp;
    if (vep !== undefined) {
      this.updateEpisode(st, hv, vep, pk, dk, pk, dst, ts, raw, packets, tg === undefined ? 0 : vep.slow ? tg.long : tg.fast, true);
    } else if (tg !== undefined) {
      if (tg.fast >= s.verticalPorts && this.level(st.runPackets) >= s.minLevel) {
        hv.vEp = this.openVertical(st, hv, tg, false, dst, ts, line ?? this.line(raw, st));
      } else if (this.slowOn && tg.long >= s.verticalPorts && this.level(st.lifePackets) >= s.minLevel) {
        hv.vEp = this.openVertical(st, hv, tg, true, dst, ts, line ?? this.line(raw, st));
      }
    }

    // Horizontal: targets on this port.
    if (po === undefined) return;
    if (po.ep !== undefined) {
      this.updateEpisode(st, hv, po.ep, dk, dk, pk, dst, ts, raw, packets, po.ep.slow ? po.long : po.fast, false);
    } else if (po.fast >= s.horizontalTargets && this.level(po.runPackets) >= s.minLevel) {
      po.ep = this.openHorizontal(st, hv, po, pk, false, ts, line ?? this.line(raw, st));
    } else if (this.slowOn && po.long >= s.horizontalTargets && this.level(po.lifePackets) >= s.minLevel) {
      po.ep = this.openHorizontal(st, hv, po, pk, true, ts, line ?? this.line(raw, st));
    }
  }
}
