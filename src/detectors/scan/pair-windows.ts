import { P24, STRUCT_COST, Tgt, type Heavy, type Port, type Src } from './records';
import { SourceTable } from './source-table';

/** The heavy form's (target, port) pairs in their fast and long windows, and the per-source cap. */
export abstract class PairWindows extends SourceTable {
  protected target(st: Src, hv: Heavy, dk: number): Tgt {
    let tg = hv.targets.get(dk);
    if (tg === undefined) {
      tg = new Tgt(dk, hv.freeIdx.length > 0 ? hv.freeIdx.pop()! : hv.nextIdx++);
      hv.targets.set(dk, tg);
      hv.byIdx.set(tg.idx, tg);
      this.charge(st, STRUCT_COST);
    }
    return tg;
  }

  /** Adds a pair last probed at t (≥ the long cut) to the window it belongs to. */
  protected addPair(st: Src, hv: Heavy, tg: Tgt, po: Port, pk: number, t: number, fastCut: number): void {
    const key = tg.idx * P24 + pk;
    if (t >= fastCut) {
      hv.fp.set(key, t);
      this.pushFast(hv, key, t);
      tg.fast++;
      po.fast++;
    } else {
      hv.sp.set(key, t);
      this.pushSlow(hv, key, t);
    }
    tg.long++;
    po.long++;
    this.charge(st, 1);
  }

  protected pushFast(hv: Heavy, key: number, t: number): void {
    hv.fk.push(key);
    hv.ft.push(t);
    const c = compacted(hv.fk, hv.ft, hv.fh, hv.fp);
    if (c) [hv.fk, hv.ft, hv.fh] = [c.keys, c.times, 0];
  }

  protected pushSlow(hv: Heavy, key: number, t: number): void {
    hv.sk.push(key);
    hv.st.push(t);
    const c = compacted(hv.sk, hv.st, hv.sh, hv.sp);
    if (c) [hv.sk, hv.st, hv.sh] = [c.keys, c.times, 0];
  }

  /** Moves pairs out of the fast window, forgets those out of the long one. */
  protected advance(st: Src, hv: Heavy, fastCut: number, longCut: number, ts: number): void {
    const fk = hv.fk, ft = hv.ft;
    let h = hv.fh;
    while (h < fk.length && ft[h] < fastCut) {
      const k = fk[h], te = ft[h];
      h++;
      if (hv.fp.get(k) !== te) continue;
      hv.fp.delete(k);
      const tg = hv.byIdx.get(Math.floor(k / P24))!;
      const po = hv.ports.get(k % P24)!;
      tg.fast--;
      po.fast--;
      if (te >= longCut) {
        hv.sp.set(k, te);
        this.pushSlow(hv, k, te);
      } else this.forget(st, hv, k, tg, po, ts);
    }
    hv.fh = h;
    if (h > 1024 && h * 2 > fk.length) {
      hv.fk = fk.slice(h);
      hv.ft = ft.slice(h);
      hv.fh = 0;
    }
    const sk = hv.sk, stt = hv.st;
    h = hv.sh;
    while (h < sk.length && stt[h] < longCut) {
      const k = sk[h], te = stt[h];
      h++;
      if (hv.sp.get(k) !== te) continue;
      hv.sp.delete(k);
      this.forget(st, hv, k, hv.byIdx.get(Math.floor(k / P24))!, hv.ports.get(k % P24)!, ts);
    }
    hv.sh = h;
    if (h > 1024 && h * 2 > sk.length) {
      hv.sk = sk.slice(h);
      hv.st = stt.slice(h);
      hv.sh = 0;
    }
  }

  /** Forgets a pair already taken out of `fp`/`sp` (and of the fast counts); drops records left empty. */
  protected forget(st: Src, hv: Heavy, k: number, tg: Tgt, po: Port, ts: number): void {
    tg.long--;
    po.long--;
    this.charge(st, -1);
    if (tg.long === 0) this.dropTarget(st, hv, tg);
    if (po.long === 0) {
      const ep = po.ep;
      if (ep !== undefined && ts - ep.alert.last <= ep.windowMs) return;
      if (ep !== undefined) this.endPortEpisode(st, hv, po);
      hv.ports.delete(k % P24);
      this.charge(st, -STRUCT_COST);
    }
  }

  protected dropTarget(st: Src, hv: Heavy, tg: Tgt): void {
    hv.targets.delete(tg.dk);
    hv.byIdx.delete(tg.idx);
    hv.freeIdx.push(tg.idx);
    this.charge(st, -STRUCT_COST);
  }

  /** The per-source cap: forgets the source's oldest pair. False when it has none. */
  protected dropOldestPair(st: Src, hv: Heavy, ts: number): boolean {
    while (hv.sh < hv.sk.length) {
      const k = hv.sk[hv.sh], te = hv.st[hv.sh];
      hv.sh++;
      if (hv.sp.get(k) !== te) continue;
      hv.sp.delete(k);
      this.forget(st, hv, k, hv.byIdx.get(Math.floor(k / P24))!, hv.ports.get(k % P24)!, ts);
      return true;
    }
    while (hv.fh < hv.fk.length) {
      const k = hv.fk[hv.fh], te = hv.ft[hv.fh];
      hv.fh++;
      if (hv.fp.get(k) !== te) continue;
      hv.fp.delete(k);
      const tg = hv.byIdx.get(Math.floor(k / P24))!;
      const po = hv.ports.get(k % P24)!;
      tg.fast--;
      po.fast--;
      this.forget(st, hv, k, tg, po, ts);
      return true;
    }
    return false;
  }

  protected endPortEpisode(st: Src, hv: Heavy, po: Port): void {
    const ep = po.ep!;
    this.settle(ep);
    hv.hSeen -= ep.seen.size;
    this.charge(st, -ep.seen.size);
    po.ep = undefined;
  }
}

/**
 * A window queue (keys and times from `head` on) without its stale entries — those a later
 * refresh of the same key superseded — once they dominate; undefined while it is not worth it.
 */
function compacted(keys: number[], times: number[], head: number, live: Map<number, number>): { keys: number[]; times: number[] } | undefined {
  if (keys.length - head <= 4 * live.size + 64) return undefined;
  const k: number[] = [];
  const t: number[] = [];
  for (let i = head; i < keys.length; i++) {
    if (live.get(keys[i]) === times[i]) {
      k.push(keys[i]);
      t.push(times[i]);
    }
  }
  return { keys: k, times: t };
}
