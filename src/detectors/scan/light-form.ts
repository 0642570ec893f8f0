import type { KeptLine } from '../lines';
import { HeavyForm } from './heavy-form';
import { Heavy, Port, STRUCT_COST, type LightPair, type Src } from './records';

/** The small inline form most sources stay in, and its promotion to the heavy form. */
export abstract class LightForm extends HeavyForm {
  protected setPair0(st: Src, dk: number, pk: number, first: number, last: number, packets: number, line: KeptLine): void {
    st.d0 = dk;
    st.k0 = pk;
    st.f0 = first;
    st.t0 = last;
    st.c0 = packets;
    st.l0 = line;
  }

  /** Updates the pair among `more` if it is there. */
  protected lightUpdate(st: Src, dk: number, pk: number, t: number, packets: number): boolean {
    const m = st.more;
    if (m === undefined) return false;
    for (let i = 0; i < m.length; i += 5) {
      if (m[i] === dk && m[i + 1] === pk) {
        if (t > m[i + 3]) m[i + 3] = t;
        m[i + 4] += packets;
        return true;
      }
    }
    return false;
  }

  protected lightPairs(st: Src): LightPair[] {
    const out: LightPair[] = [];
    if (st.n > 0) out.push({ dk: st.d0, pk: st.k0, first: st.f0, last: st.t0, packets: st.c0, line: st.l0 });
    const m = st.more;
    if (m !== undefined) {
      for (let i = 0; i < m.length; i += 5) {
        out.push({ dk: m[i], pk: m[i + 1], first: m[i + 2], last: m[i + 3], packets: m[i + 4], line: st.moreLines![i / 5] });
      }
    }
    return out;
  }

  protected setLightPairs(st: Src, pairs: LightPair[]): void {
    this.charge(st, pairs.length - st.n);
    st.n = pairs.length;
    st.more = st.moreLines = undefined;
    if (pairs.length === 0) {
      st.l0 = '';
      return;
    }
    const p = pairs[0];
    this.setPair0(st, p.dk, p.pk, p.first, p.last, p.packets, p.line);
    for (const q of pairs.slice(1)) {
      (st.more ??= []).push(q.dk, q.pk, q.first, q.last, q.packets);
      (st.moreLines ??= []).push(q.line);
    }
  }

  /** Drops light pairs last probed before `cut`. */
  protected pruneLight(st: Src, cut: number): void {
    let old = st.n > 0 && st.t0 < cut;
    const m = st.more;
    if (m !== undefined) for (let i = 3; i < m.length; i += 5) old ||= m[i] < cut;
    if (!old) return;
    const pairs = this.lightPairs(st);
    const keep = pairs.filter((p) => p.last >= cut);
    if (keep.length !== pairs.length) this.setLightPairs(st, keep);
  }

  /** Light → heavy, replaying the pairs in time order. */
  protected promote(st: Src, t: number): void {
    const s = this.settings;
    const fastCut = t - s.windowMs;
    const longCut = t - this.longMs;
    const pairs = this.lightPairs(st).sort((a, b) => a.last - b.last);
    this.setLightPairs(st, []);
    const hv = new Heavy();
    st.heavy = hv;
    for (const p of pairs) {
      if (p.last < longCut) continue;
      const tg = this.target(st, hv, p.dk);
      let po = hv.ports.get(p.pk);
      if (po === undefined) {
        po = new Port(p.first, 0, p.line);
        po.runPackets = po.lifePackets = 0;
        hv.ports.set(p.pk, po);
        this.charge(st, STRUCT_COST);
      }
      if (p.last > po.last) po.last = p.last;
      if (po.lifePackets === 0 || p.first < po.lifeFirst) {
        po.lifeFirst = p.first;
        po.lifeLine = p.line;
      }
      po.lifePackets += p.packets;
      if (p.last >= fastCut) {
        if (po.runPackets === 0 || p.first < po.runFirst) {
          po.runFirst = p.first;
          po.runLine = p.line;
        }
        po.runPackets += p.packets;
      }
      this.addPair(st, hv, tg, po, p.pk, p.last, fastCut);
    }
  }
}
