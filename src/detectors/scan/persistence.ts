/**
 * Persistence: `toJSON()` / `ScanDetector.fromJSON(json, settings)`, a versioned document
 * (`{"format":"portledger-scan","version":1,…}`) with the sources, their pairs, runs and open
 * episodes (alerts with the ids the store gave them), so a restart continues slow scans and
 * episodes where they were. Save it after the transaction that wrote the drained alerts.
 */

import type { KeptLine } from '../lines';
import type { ScanAlert } from './alert';
import { LightForm } from './light-form';
import { Heavy, P24, Port, Src, STRUCT_COST, type Episode, type LightPair, type Runs } from './records';

export const FORMAT = 'portledger-scan';
export const VERSION = 1;

export type EpisodeJSON = { alert: ScanAlert; slow: boolean; seen: number[]; protos: number[]; changed: boolean } | null;
/** [target key, port key, last, in the fast window (1) or not (0)] per pair. */
export type HeavyJSON = { pairs: number[]; ports: unknown[][]; vEp: EpisodeJSON };
/** [key, last, runFirst, runPackets, runLine, lifeFirst, lifePackets, lifeLine, body]; lines as indexes into `lines`. */
export type SourceJSON = unknown[];
export interface StateJSON {
  format: string;
  version: number;
  /** Times in the document are ms relative to this UTC epoch ms. */
  epoch: number | null;
  now: number | null;
  protos: string[];
  names: [number, string][];
  lines: string[];
  sources: SourceJSON[];
}

/** Parses a `toJSON()` document; throws on another format or version. */
export function parseState(json: string): StateJSON {
    const doc = JSON.parse(json) as StateJSON;
    if (doc === null || typeof doc !== 'object' || doc.format !== FORMAT) throw new Error('scan detector state: not a portledger-scan document');
    if (doc.version !== VERSION) throw new Error(`scan detector state: version ${String(doc.version)} is not supported (expected ${VERSION})`);
  return doc;
}

/** The detector's memory to and from a versioned JSON document. */
export abstract class PersistentMemory extends LightForm {
  /**
   * The detector's memory as a versioned JSON document: every remembered source (stalest
   * first) with its pairs, runs and open episodes (alerts with their store ids). Times are ms
   * relative to `epoch` (UTC ms; alerts keep absolute times); raw lines are stored once and
   * referenced by index.
   */
  toJSON(): string {
    const lines: string[] = [];
    const lineIdx = new Map<string, number>();
    const L = (k: KeptLine): number => {
      const s = this.kept.text(k);
      let i = lineIdx.get(s);
      if (i === undefined) {
        i = lines.length;
        lines.push(s);
        lineIdx.set(s, i);
      }
      return i;
    };
    const runs = (r: Runs) => [r.last, r.runFirst, r.runPackets, L(r.runLine), r.lifeFirst, r.lifePackets, L(r.lifeLine)];
    const ep = (x: Episode | undefined): EpisodeJSON =>
      x === undefined ? null : { alert: this.settle(x), slow: x.slow, seen: [...x.seen], protos: x.protos, changed: this.changed.has(x) };
    const sources: SourceJSON[] = [];
    for (let st = this.stalest; st !== undefined; st = st.next) {
      const rec: SourceJSON = [st.key, ...runs(st)];
      const hv = st.heavy;
      if (hv === undefined) {
        const p: number[] = [];
        for (const q of this.lightPairs(st)) p.push(q.dk, q.pk, q.first, q.last, q.packets, L(q.line));
        rec.push(p);
      } else {
        const quads: [number, number, number, number][] = [];
        for (const m of [hv.sp, hv.fp]) {
          for (const [k, t] of m) quads.push([hv.byIdx.get(Math.floor(k / P24))!.dk, k % P24, t, m === hv.fp ? 1 : 0]);
        }
        const pairs = quads.sort((x, y) => x[2] - y[2]).flat();
        const ports: unknown[][] = [];
        for (const [pk, po] of hv.ports) ports.push([pk, ...runs(po), ep(po.ep)]);
        const body: HeavyJSON = { pairs, ports, vEp: ep(hv.vEp) };
        rec.push(body);
      }
      sources.push(rec);
    }
    const doc: StateJSON = {
      format: FORMAT, version: VERSION, epoch: Number.isFinite(this.epoch) ? this.epoch : null, now: Number.isFinite(this.now) ? this.now : null,
      protos: this.protoNames, names: [...this.names], lines, sources,
    };
    return JSON.stringify(doc);
  }

  /** Loads a parsed document into this fresh detector; the caps are applied at the end. */
  protected restore(doc: StateJSON): void {
    const s = this.settings;
    for (const name of doc.protos.slice(2)) {
      this.protoCodes.set(name, this.protoNames.length);
      this.protoNames.push(name);
    }
    for (const [k, n] of doc.names) this.names.set(k, n);
    if (doc.epoch === null || doc.now === null) return;
    this.epoch = doc.epoch;
    this.now = doc.now;
    const lines = doc.lines;
    const setRuns = (r: Runs, a: unknown[], at: number): void => {
      r.last = a[at] as number;
      r.runFirst = a[at + 1] as number;
      r.runPackets = a[at + 2] as number;
      r.runLine = lines[a[at + 3] as number];
      r.lifeFirst = a[at + 4] as number;
      r.lifePackets = a[at + 5] as number;
      r.lifeLine = lines[a[at + 6] as number];
    };
    const setEp = (x: EpisodeJSON): Episode | undefined => {
      if (x === null) return undefined;
      const ep: Episode = {
        alert: x.alert, slow: x.slow, windowMs: x.slow ? this.longMs : s.windowMs, seen: new Set(x.seen), protos: x.protos,
        targetKeys: x.alert.kind === 'vertical-scan' ? x.alert.evidence.sampleTargets.map((n) => this.targetKey(n)) : [], lastRaw: undefined,
      };
      if (x.changed) this.changed.add(ep);
      return ep;
    };
    for (const rec of doc.sources) {
      const body = rec[8];
      const st = new Src(rec[0] as number | string, 0, 0, '', 0, 0);
      setRuns(st, rec, 1);
      this.sources.set(st.key, st);
      this.append(st);
      this.total += st.keys;
      if (Array.isArray(body)) {
        const p = body as number[];
        const pairs: LightPair[] = [];
        for (let i = 0; i < p.length; i += 6) {
          pairs.push({ dk: p[i], pk: p[i + 1], first: p[i + 2], last: p[i + 3], packets: p[i + 4], line: lines[p[i + 5]] });
        }
        this.setLightPairs(st, pairs);
        continue;
      }
      const b = body as HeavyJSON;
      const hv = new Heavy();
      st.heavy = hv;
      this.setLightPairs(st, []);
      for (const pr of b.ports) {
        const po = new Port(0, 0, '');
        setRuns(po, pr, 1);
        po.ep = setEp(pr[8] as EpisodeJSON);
        if (po.ep !== undefined) {
          this.charge(st, po.ep.seen.size);
          hv.hSeen += po.ep.seen.size;
        }
        hv.ports.set(pr[0] as number, po);
        this.charge(st, STRUCT_COST);
      }
      const order: number[] = [];
      for (let i = 0; i < b.pairs.length; i += 4) order.push(i);
      order.sort((x, y) => b.pairs[x + 2] - b.pairs[y + 2]);
      for (const i of order) {
        const po = hv.ports.get(b.pairs[i + 1]);
        if (po === undefined) continue;
        this.addPair(st, hv, this.target(st, hv, b.pairs[i]), po, b.pairs[i + 1], b.pairs[i + 2], b.pairs[i + 3] === 1 ? -Infinity : Infinity);
      }
      hv.vEp = setEp(b.vEp);
      if (hv.vEp !== undefined) this.charge(st, hv.vEp.seen.size);
    }
    // Smaller caps than the saved detector's: forget the stalest.
    while (this.sources.size > s.maxSources) this.evictStalest();
    if (this.total > s.maxKeys) this.evictForBudget();
  }
}
