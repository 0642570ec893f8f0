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
 *
 * Defaults and where they come from:
 *
 * | setting             | default | source |
 * |---------------------|---------|--------|
 * | `dangerLevels`      | 5 / 15 / 150 / 1,500 / 10,000 packets → levels 1–5 | psad `DANGER_LEVEL1..5` (psad.conf defaults) |
 * | `minLevel`          | 2 (15 packets) | psad's scale; level 1 (5 packets) is background noise |
 * | `verticalPorts`     | 15 distinct ports of one target | Zeek scan.zeek `Scan::port_scan_threshold` = 15; CrowdSec `iptables-scan-multi_ports`: 15 distinct `dst_port` (bucket capacity, leak 5 s) |
 * | `horizontalTargets` | 25 distinct targets on one port | Zeek scan.zeek `Scan::addr_scan_threshold` = 25 (psad.conf has no host-count threshold) |
 * | `windowMs`          | 5 minutes | Zeek `Scan::port_scan_interval` = `addr_scan_interval` = 5 min |
 * | `longWindowMs`      | 24 hours | slow scans; psad's answer is `ENABLE_PERSISTENCE Y` (scans never time out; `SCAN_TIMEOUT` 1 h otherwise) |
 * | `maxSources`        | 100,000 | memory: sources remembered at once, stalest forgotten first |
 * | `maxKeysPerSource`  | 4,096 | memory: (target, port) pairs remembered per source |
 * | `maxKeys`           | 2,000,000 | memory: everything remembered (pairs, per-target and per-port state, episode destinations); ≈ 150 MB when full |
 *
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
 *
 * Persistence: `toJSON()` / `ScanDetector.fromJSON(json, settings)`, a versioned document
 * (`{"format":"portledger-scan","version":1,…}`) with the sources, their pairs, runs and open
 * episodes (alerts with the ids the store gave them), so a restart continues slow scans and
 * episodes where they were. Save it after the transaction that wrote the drained alerts.
 */

import { detach } from '../util/detach';
import type { Alert } from './alert';

export interface ScanSettings {
  /** Distinct ports of one target, within a window, that make a vertical scan. */
  verticalPorts: number;
  /** Distinct targets on one port (and protocol), within a window, that make a horizontal sweep. */
  horizontalTargets: number;
  /** The fast window, ms. */
  windowMs: number;
  /** The slow-scan window, ms; 0 (or anything ≤ `windowMs`) turns slow-scan detection off. */
  longWindowMs: number;
  /** Packets of an episode for danger levels 1..5, ascending (psad's DANGER_LEVEL1..5). */
  dangerLevels: readonly [number, number, number, number, number];
  /** Lowest danger level that raises an alert (1–5). */
  minLevel: number;
  /** Most sources remembered at once; the stalest is forgotten beyond it. */
  maxSources: number;
  /** Most (target, port) pairs remembered per source (≥ 10 × the larger distinct threshold). */
  maxKeysPerSource: number;
  /** Most entries remembered in all: pairs, per-target/per-port state (4 each), episode destinations. */
  maxKeys: number;
}

export const DEFAULT_SCAN: Readonly<ScanSettings> = Object.freeze({
  verticalPorts: 15,
  horizontalTargets: 25,
  windowMs: 5 * 60_000,
  longWindowMs: 24 * 3_600_000,
  dangerLevels: Object.freeze([5, 15, 150, 1_500, 10_000]) as readonly [number, number, number, number, number],
  minLevel: 2,
  maxSources: 100_000,
  maxKeysPerSource: 4_096,
  maxKeys: 2_000_000,
});

export type ScanEvidence = {
  firstLine: string;
  lastLine: string;
  /** The window that met the threshold: `fast` (windowMs) or `long` (longWindowMs: a slow scan). */
  window: 'fast' | 'long';
  /** Up to 20 distinct ports probed (vertical), or the swept port (horizontal). */
  samplePorts: number[];
  /** Up to 20 distinct targets probed (horizontal), or the scanned target(s) (vertical). */
  sampleTargets: string[];
};

/** A scan alert: `host` is the scanning source; `port` the swept port, 0 for a vertical scan. */
export interface ScanAlert extends Alert {
  kind: 'vertical-scan' | 'horizontal-scan';
  level: number;
  evidence: ScanEvidence;
}

export interface ScanStats {
  /** Sources remembered (≤ maxSources). */
  sources: number;
  /** Of which with per-target and per-port state. */
  heavySources: number;
  /** Budget in use (≤ maxKeys, give or take the source being fed). */
  keys: number;
  /** Sources forgotten to stay within maxSources / maxKeys (expiry not counted). */
  evicted: number;
}

// ---------------------------------------------------------------------------------------------

/** Pairs a source may have in the light form. */
const LIGHT_PAIRS = 4;
/** A pair probed again within this long keeps its time (bounds the work for a hammering source). */
const REFRESH_MS = 1_000;
const SAMPLE = 20;
/** Distinct destinations counted per episode (horizontal: per source). */
const MAX_EPISODE_KEYS = 65_536;
/** What one per-target or per-port record costs in the budgets. */
const STRUCT_COST = 4;
const MAX_PROTOS = 250;
/** Non-IPv4 target keys live above the IPv4 range. */
const V6_BASE = 2 ** 32;
const MAX_NAMES = 65_536;
/** A pair key is target index × 2^24 + port key (protocol code × 65536 + port). */
const P24 = 2 ** 24;
/**
 * Times are kept in ms relative to an epoch, so they stay small integers (V8 boxes every other
 * number kept in an object field: 16 bytes and one more object per field). The epoch moves
 * forward when they grow past this (12.4 days).
 */
const REBASE_AT = 2 ** 30;

/**
 * A copy of `s` that shares no memory with the text it was cut from: util/detach's purpose,
 * about three times faster (a rope of ' ' + s, flattened by the slice). Measured with
 * --expose-gc: 300 copies of 190-char slices of 1 MB strings retain 3.6 MB, the slices 303 MB.
 */
function own(s: string): string {
  return (' ' + s).slice(1);
}

/** IPv4 dotted quad → 0..2^32-1, or -1. */
function ipv4(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

function ipv4Name(k: number): string {
  const u = k >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** FNV-1a, 32 bits. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface Episode {
  alert: ScanAlert;
  /** Opened by the long window. */
  slow: boolean;
  windowMs: number;
  /** Distinct port keys (vertical) or target keys (horizontal) of the episode. */
  seen: Set<number>;
  /** Protocol codes seen (the vertical alert's proto lists them). */
  protos: number[];
  /** Keys of the targets in `evidence.sampleTargets` (vertical). */
  targetKeys: number[];
  /** The newest raw line, copied into the alert when it leaves the detector (drain, toJSON). */
  lastRaw: string | undefined;
}

/**
 * Activity runs of a unit (a source, for vertical scans; a source on one port, for sweeps):
 * `run*` since it was last quiet for a fast window, `life*` since it was last quiet for a long
 * window (or an episode closed). Times relative to the detector's epoch.
 */
class Runs {
  last: number;
  runFirst: number;
  runPackets: number;
  runLine: string;
  lifeFirst: number;
  lifePackets: number;
  lifeLine: string;
  constructor(t: number, packets: number, line: string) {
    this.last = t;
    this.runFirst = t;
    this.runPackets = packets;
    this.runLine = line;
    this.lifeFirst = t;
    this.lifePackets = packets;
    this.lifeLine = line;
  }
}

/** A source on one port and protocol. */
class Port extends Runs {
  /** Its pairs (distinct targets) in the fast window / in the long window (fast included). */
  fast = 0;
  long = 0;
  ep: Episode | undefined = undefined;
}

/** A target of one source. */
class Tgt {
  /** Its pairs (distinct ports) in the fast window / in the long window. */
  fast = 0;
  long = 0;
  constructor(readonly dk: number, readonly idx: number) {}
}

/**
 * Per-source state once a scan is possible. Each remembered pair is in exactly one of `fp`
 * (probed within the fast window) and `sp` (only within the long one), mapped to the time of
 * its live entry in the matching queue, `fk/ft` or `sk/st`. The queues are in arrival order, so
 * expiry only ever looks at their heads; entries whose time no longer matches the map are stale
 * and skipped.
 */
class Heavy {
  fp = new Map<number, number>();
  sp = new Map<number, number>();
  fk: number[] = [];
  ft: number[] = [];
  fh = 0;
  sk: number[] = [];
  st: number[] = [];
  sh = 0;
  targets = new Map<number, Tgt>();
  byIdx = new Map<number, Tgt>();
  freeIdx: number[] = [];
  nextIdx = 0;
  ports = new Map<number, Port>();
  vEp: Episode | undefined = undefined;
  /** Horizontal episode destinations held by this source. */
  hSeen = 0;
}

class Src extends Runs {
  prev: Src | undefined = undefined;
  next: Src | undefined = undefined;
  /** Budget charged to it. */
  keys = 1;
  heavy: Heavy | undefined = undefined;
  /** Light form: `n` pairs, the first inline, the others in `more` (stride 5: target, port, first, last, packets) and `moreLines`. */
  n = 1;
  d0: number;
  k0: number;
  f0: number;
  t0: number;
  c0: number;
  l0: string;
  more: number[] | undefined = undefined;
  moreLines: string[] | undefined = undefined;
  constructor(readonly key: number | string, t: number, packets: number, line: string, dk: number, pk: number) {
    super(t, packets, line);
    this.d0 = dk;
    this.k0 = pk;
    this.f0 = t;
    this.t0 = t;
    this.c0 = packets;
    this.l0 = line;
  }
}

interface LightPair {
  dk: number;
  pk: number;
  first: number;
  last: number;
  packets: number;
  line: string;
}

function validate(s: ScanSettings): void {
  const int = (name: keyof ScanSettings, min: number) => {
    const v = s[name] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`scan detector: ${name} must be an integer ≥ ${min} (got ${String(v)})`);
  };
  int('verticalPorts', 2);
  int('horizontalTargets', 2);
  int('windowMs', 1);
  int('longWindowMs', 0);
  int('minLevel', 1);
  int('maxSources', 1);
  // Room for one scan: each port or target probed may cost a pair plus a per-port/per-target record.
  int('maxKeysPerSource', (2 + 2 * STRUCT_COST) * Math.max(s.verticalPorts, s.horizontalTargets));
  int('maxKeys', s.maxKeysPerSource);
  if (s.minLevel > 5) throw new RangeError('scan detector: minLevel must be 1..5');
  const d = s.dangerLevels;
  if (!Array.isArray(d) || d.length !== 5 || d.some((x, i) => !Number.isInteger(x) || x < 1 || (i > 0 && x <= d[i - 1]))) {
    throw new RangeError('scan detector: dangerLevels must be 5 ascending positive integers');
  }
}

const FORMAT = 'portledger-scan';
const VERSION = 1;

type EpisodeJSON = { alert: ScanAlert; slow: boolean; seen: number[]; protos: number[]; changed: boolean } | null;
/** [target key, port key, last, in the fast window (1) or not (0)] per pair. */
type HeavyJSON = { pairs: number[]; ports: unknown[][]; vEp: EpisodeJSON };
/** [key, last, runFirst, runPackets, runLine, lifeFirst, lifePackets, lifeLine, body]; lines as indexes into `lines`. */
type SourceJSON = unknown[];
interface StateJSON {
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

export class ScanDetector {
  /** The class of rows the pipeline feeds it (see pipeline/sink.ts `Detector`). */
  readonly feeds = 'scan' as const;
  readonly settings: Readonly<ScanSettings>;
  private readonly sources = new Map<number | string, Src>();
  private stalest: Src | undefined = undefined;
  private freshest: Src | undefined = undefined;
  private readonly changed = new Set<Episode>();
  private readonly protoNames: string[] = ['tcp', 'udp'];
  private readonly protoCodes = new Map<string, number>([['tcp', 0], ['udp', 1]]);
  /** Names of non-IPv4 target keys, for evidence samples. */
  private readonly names = new Map<number, string>();
  private readonly light: number;
  private readonly longMs: number;
  private readonly slowOn: boolean;
  /** Absolute ms that relative time 0 stands for; NaN until the first event. */
  private epoch = NaN;
  /** Newest relative time seen. */
  private now = -Infinity;
  private total = 0;
  private evicted = 0;
  private ops = 0;

  constructor(settings: Partial<ScanSettings> = {}) {
    const s: ScanSettings = { ...DEFAULT_SCAN, ...settings };
    validate(s);
    this.settings = Object.freeze({ ...s, dangerLevels: Object.freeze([...s.dangerLevels]) as ScanSettings['dangerLevels'] });
    this.light = Math.max(1, Math.min(LIGHT_PAIRS, s.verticalPorts - 1, s.horizontalTargets - 1));
    this.slowOn = s.longWindowMs > s.windowMs;
    this.longMs = this.slowOn ? s.longWindowMs : s.windowMs;
  }

  /**
   * Feed one inbound `scan` event. `dstPort`: destination port (undefined, NaN or out of range —
   * portless protocols — counts as 0); `proto`: `tcp`, `udp`, `icmp`…; `ts`: UTC epoch ms; `raw`:
   * the log line; `packets`: packets the event stands for (flow logs), default 1.
   */
  observe(src: string, dst: string, dstPort: number | undefined, proto: string, ts: number, raw: string, packets = 1): void {
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
      st = new Src(typeof sk === 'string' ? own(sk) : sk, t, packets, own(raw), dk, pk);
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

    let line: string | undefined;
    const hv = st.heavy;
    if (hv !== undefined && hv.vEp !== undefined && ts - hv.vEp.alert.last > hv.vEp.windowMs) this.closeVertical(st, hv);
    // The vertical unit is the source itself.
    const gap = t - st.last;
    if (gap > s.windowMs || st.runPackets === 0) {
      st.runFirst = t;
      st.runPackets = 0;
      st.runLine = line ??= own(raw);
    }
    let fresh = false;
    if (gap > this.longMs || st.lifePackets === 0) {
      st.lifeFirst = t;
      st.lifePackets = 0;
      st.lifeLine = line ??= own(raw);
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
      this.setPair0(st, dk, pk, t, t, packets, line ?? own(raw));
      st.n = 1;
      st.more = st.moreLines = undefined;
    } else {
      if (st.lifeFirst < t - this.longMs) this.pruneLight(st, t - this.longMs);
      if (st.n > 0 && st.d0 === dk && st.k0 === pk) {
        if (t > st.t0) st.t0 = t;
        st.c0 += packets;
      } else if (!this.lightUpdate(st, dk, pk, t, packets)) {
        if (st.n === 0) {
          this.setPair0(st, dk, pk, t, t, packets, line ?? own(raw));
          st.n = 1;
          this.charge(st, 1);
        } else if (st.n < this.light) {
          (st.more ??= []).push(dk, pk, t, t, packets);
          (st.moreLines ??= []).push(line ?? own(raw));
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

  // --- light form -------------------------------------------------------------------------

  private setPair0(st: Src, dk: number, pk: number, first: number, last: number, packets: number, line: string): void {
    st.d0 = dk;
    st.k0 = pk;
    st.f0 = first;
    st.t0 = last;
    st.c0 = packets;
    st.l0 = line;
  }

  /** Updates the pair among `more` if it is there. */
  private lightUpdate(st: Src, dk: number, pk: number, t: number, packets: number): boolean {
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

  private lightPairs(st: Src): LightPair[] {
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

  private setLightPairs(st: Src, pairs: LightPair[]): void {
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
  private pruneLight(st: Src, cut: number): void {
    let old = st.n > 0 && st.t0 < cut;
    const m = st.more;
    if (m !== undefined) for (let i = 3; i < m.length; i += 5) old ||= m[i] < cut;
    if (!old) return;
    const pairs = this.lightPairs(st);
    const keep = pairs.filter((p) => p.last >= cut);
    if (keep.length !== pairs.length) this.setLightPairs(st, keep);
  }

  /** Light → heavy, replaying the pairs in time order. */
  private promote(st: Src, t: number): void {
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

  // --- heavy form -------------------------------------------------------------------------

  private heavyObserve(
    st: Src, hv: Heavy, dk: number, pk: number, dst: string, ts: number, t: number, raw: string, packets: number, line: string | undefined,
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
          po = new Port(t, 0, line ??= own(raw));
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
        po.runLine = line ??= own(raw);
      }
      if (gap > this.longMs || po.lifePackets === 0) {
        po.lifeFirst = t;
        po.lifePackets = 0;
        po.lifeLine = line ??= own(raw);
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
        hv.vEp = this.openVertical(st, hv, tg, false, dst, ts, line ?? own(raw));
      } else if (this.slowOn && tg.long >= s.verticalPorts && this.level(st.lifePackets) >= s.minLevel) {
        hv.vEp = this.openVertical(st, hv, tg, true, dst, ts, line ?? own(raw));
      }
    }

    // Horizontal: targets on this port.
    if (po === undefined) return;
    if (po.ep !== undefined) {
      this.updateEpisode(st, hv, po.ep, dk, dk, pk, dst, ts, raw, packets, po.ep.slow ? po.long : po.fast, false);
    } else if (po.fast >= s.horizontalTargets && this.level(po.runPackets) >= s.minLevel) {
      po.ep = this.openHorizontal(st, hv, po, pk, false, ts, line ?? own(raw));
    } else if (this.slowOn && po.long >= s.horizontalTargets && this.level(po.lifePackets) >= s.minLevel) {
      po.ep = this.openHorizontal(st, hv, po, pk, true, ts, line ?? own(raw));
    }
  }

  private target(st: Src, hv: Heavy, dk: number): Tgt {
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
  private addPair(st: Src, hv: Heavy, tg: Tgt, po: Port, pk: number, t: number, fastCut: number): void {
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

  private pushFast(hv: Heavy, key: number, t: number): void {
    hv.fk.push(key);
    hv.ft.push(t);
    // Refreshes leave stale entries behind: compact when they dominate.
    if (hv.fk.length - hv.fh > 4 * hv.fp.size + 64) {
      const fk: number[] = [];
      const ft: number[] = [];
      for (let i = hv.fh; i < hv.fk.length; i++) {
        if (hv.fp.get(hv.fk[i]) === hv.ft[i]) {
          fk.push(hv.fk[i]);
          ft.push(hv.ft[i]);
        }
      }
      hv.fk = fk;
      hv.ft = ft;
      hv.fh = 0;
    }
  }

  private pushSlow(hv: Heavy, key: number, t: number): void {
    hv.sk.push(key);
    hv.st.push(t);
    if (hv.sk.length - hv.sh > 4 * hv.sp.size + 64) {
      const sk: number[] = [];
      const stt: number[] = [];
      for (let i = hv.sh; i < hv.sk.length; i++) {
        if (hv.sp.get(hv.sk[i]) === hv.st[i]) {
          sk.push(hv.sk[i]);
          stt.push(hv.st[i]);
        }
      }
      hv.sk = sk;
      hv.st = stt;
      hv.sh = 0;
    }
  }

  /** Moves pairs out of the fast window, forgets those out of the long one. */
  private advance(st: Src, hv: Heavy, fastCut: number, longCut: number, ts: number): void {
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
  private forget(st: Src, hv: Heavy, k: number, tg: Tgt, po: Port, ts: number): void {
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

  private dropTarget(st: Src, hv: Heavy, tg: Tgt): void {
    hv.targets.delete(tg.dk);
    hv.byIdx.delete(tg.idx);
    hv.freeIdx.push(tg.idx);
    this.charge(st, -STRUCT_COST);
  }

  /** The per-source cap: forgets the source's oldest pair. False when it has none. */
  private dropOldestPair(st: Src, hv: Heavy, ts: number): boolean {
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

  private openVertical(st: Src, hv: Heavy, tg: Tgt, slow: boolean, dst: string, ts: number, line: string): Episode {
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
        firstLine: slow ? st.lifeLine : st.runLine, lastLine: line, window: slow ? 'long' : 'fast',
        samplePorts, sampleTargets: [own(dst)],
      },
    };
    const ep: Episode = { alert, slow, windowMs: slow ? this.longMs : s.windowMs, seen, protos, targetKeys: [tg.dk], lastRaw: undefined };
    this.changed.add(ep);
    return ep;
  }

  private openHorizontal(st: Src, hv: Heavy, po: Port, pk: number, slow: boolean, ts: number, line: string): Episode {
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
        firstLine: slow ? po.lifeLine : po.runLine, lastLine: line, window: slow ? 'long' : 'fast',
        samplePorts: [pk % 65536], sampleTargets,
      },
    };
    const ep: Episode = { alert, slow, windowMs: slow ? this.longMs : s.windowMs, seen, protos: [code], targetKeys: [], lastRaw: undefined };
    this.changed.add(ep);
    return ep;
  }

  private updateEpisode(
    st: Src, hv: Heavy, ep: Episode, key: number, dk: number, pk: number, dst: string, ts: number, raw: string, packets: number, inWindow: number,
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
        if (ev.sampleTargets.length < SAMPLE) ev.sampleTargets.push(own(dst));
      }
    }
    if (vertical && ev.sampleTargets.length < SAMPLE && !ep.targetKeys.includes(dk)) {
      ep.targetKeys.push(dk);
      ev.sampleTargets.push(own(dst));
    }
    this.changed.add(ep);
  }

  /** The source was quiet for the episode's window: close it and forget what it probed. */
  private closeVertical(st: Src, hv: Heavy): void {
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
  private closePort(st: Src, hv: Heavy, pk: number, po: Port): void {
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

  private endPortEpisode(st: Src, hv: Heavy, po: Port): void {
    const ep = po.ep!;
    this.settle(ep);
    hv.hSeen -= ep.seen.size;
    this.charge(st, -ep.seen.size);
    po.ep = undefined;
  }

  // --- bookkeeping ------------------------------------------------------------------------

  private charge(st: Src, n: number): void {
    st.keys += n;
    this.total += n;
  }

  private append(st: Src): void {
    st.prev = this.freshest;
    st.next = undefined;
    if (this.freshest !== undefined) this.freshest.next = st;
    else this.stalest = st;
    this.freshest = st;
  }

  private unlink(st: Src): void {
    if (st.prev !== undefined) st.prev.next = st.next;
    else this.stalest = st.next;
    if (st.next !== undefined) st.next.prev = st.prev;
    else this.freshest = st.prev;
    st.prev = st.next = undefined;
  }

  /** Forgets a source; its open episodes just end (changes not yet drained still are). */
  private remove(st: Src): void {
    this.sources.delete(st.key);
    this.unlink(st);
    this.total -= st.keys;
    st.keys = 0;
  }

  private evictStalest(except?: Src): void {
    const st = this.stalest;
    if (st === undefined || st === except) return;
    this.remove(st);
    this.evicted++;
  }

  private evictForBudget(except?: Src): void {
    let st = this.stalest;
    while (st !== undefined && st !== except && this.total > this.settings.maxKeys) {
      this.remove(st);
      this.evicted++;
      st = this.stalest;
    }
  }

  /** Drops sources quiet for a whole long window, from the stale end. */
  private expire(): void {
    const cut = this.now - this.longMs;
    let st = this.stalest;
    while (st !== undefined && st.last < cut) {
      this.remove(st);
      st = this.stalest;
    }
  }

  /** Moves the epoch forward so relative times stay small integers. */
  private rebase(ts: number): void {
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

  /** Copies the newest raw line into the alert before it leaves the detector. */
  private settle(ep: Episode): ScanAlert {
    if (ep.lastRaw !== undefined) {
      ep.alert.evidence.lastLine = own(ep.lastRaw);
      ep.lastRaw = undefined;
    }
    return ep.alert;
  }

  private level(packets: number): number {
    const d = this.settings.dangerLevels;
    let l = 0;
    while (l < 5 && packets >= d[l]) l++;
    return l;
  }

  private hostOf(st: Src): string {
    return typeof st.key === 'string' ? st.key : ipv4Name(st.key);
  }

  private targetKey(dst: string): number {
    const v4 = ipv4(dst);
    if (v4 >= 0) return v4 | 0;
    const k = V6_BASE + fnv(dst);
    if (this.names.size < MAX_NAMES && !this.names.has(k)) this.names.set(k, detach(dst));
    return k;
  }

  private keyName(k: number): string | undefined {
    return k < V6_BASE ? ipv4Name(k) : this.names.get(k);
  }

  private portKey(dstPort: number | undefined, proto: string): number {
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

  // --- persistence ------------------------------------------------------------------------

  /**
   * The detector's memory as a versioned JSON document: every remembered source (stalest
   * first) with its pairs, runs and open episodes (alerts with their store ids). Times are ms
   * relative to `epoch` (UTC ms; alerts keep absolute times); raw lines are stored once and
   * referenced by index.
   */
  toJSON(): string {
    const lines: string[] = [];
    const lineIdx = new Map<string, number>();
    const L = (s: string): number => {
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

  /**
   * A detector that continues from a `toJSON()` document, with these settings (they may differ
   * from the saved detector's; windows and caps apply from the next event). Throws on a
   * document of another format or version: start a fresh detector then.
   */
  static fromJSON(json: string, settings: Partial<ScanSettings> = {}): ScanDetector {
    const doc = JSON.parse(json) as StateJSON;
    if (doc === null || typeof doc !== 'object' || doc.format !== FORMAT) throw new Error('scan detector state: not a portledger-scan document');
    if (doc.version !== VERSION) throw new Error(`scan detector state: version ${String(doc.version)} is not supported (expected ${VERSION})`);
    const d = new ScanDetector(settings);
    const s = d.settings;
    for (const name of doc.protos.slice(2)) {
      d.protoCodes.set(name, d.protoNames.length);
      d.protoNames.push(name);
    }
    for (const [k, n] of doc.names) d.names.set(k, n);
    if (doc.epoch === null || doc.now === null) return d;
    d.epoch = doc.epoch;
    d.now = doc.now;
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
        alert: x.alert, slow: x.slow, windowMs: x.slow ? d.longMs : s.windowMs, seen: new Set(x.seen), protos: x.protos,
        targetKeys: x.alert.kind === 'vertical-scan' ? x.alert.evidence.sampleTargets.map((n) => d.targetKey(n)) : [], lastRaw: undefined,
      };
      if (x.changed) d.changed.add(ep);
      return ep;
    };
    for (const rec of doc.sources) {
      const body = rec[8];
      const st = new Src(rec[0] as number | string, 0, 0, '', 0, 0);
      setRuns(st, rec, 1);
      d.sources.set(st.key, st);
      d.append(st);
      d.total += st.keys;
      if (Array.isArray(body)) {
        const p = body as number[];
        const pairs: LightPair[] = [];
        for (let i = 0; i < p.length; i += 6) {
          pairs.push({ dk: p[i], pk: p[i + 1], first: p[i + 2], last: p[i + 3], packets: p[i + 4], line: lines[p[i + 5]] });
        }
        d.setLightPairs(st, pairs);
        continue;
      }
      const b = body as HeavyJSON;
      const hv = new Heavy();
      st.heavy = hv;
      d.setLightPairs(st, []);
      for (const pr of b.ports) {
        const po = new Port(0, 0, '');
        setRuns(po, pr, 1);
        po.ep = setEp(pr[8] as EpisodeJSON);
        if (po.ep !== undefined) {
          d.charge(st, po.ep.seen.size);
          hv.hSeen += po.ep.seen.size;
        }
        hv.ports.set(pr[0] as number, po);
        d.charge(st, STRUCT_COST);
      }
      const order: number[] = [];
      for (let i = 0; i < b.pairs.length; i += 4) order.push(i);
      order.sort((x, y) => b.pairs[x + 2] - b.pairs[y + 2]);
      for (const i of order) {
        const po = hv.ports.get(b.pairs[i + 1]);
        if (po === undefined) continue;
        d.addPair(st, hv, d.target(st, hv, b.pairs[i]), po, b.pairs[i + 1], b.pairs[i + 2], b.pairs[i + 3] === 1 ? -Infinity : Infinity);
      }
      hv.vEp = setEp(b.vEp);
      if (hv.vEp !== undefined) d.charge(st, hv.vEp.seen.size);
    }
    // Smaller caps than the saved detector's: forget the stalest.
    while (d.sources.size > s.maxSources) d.evictStalest();
    if (d.total > s.maxKeys) d.evictForBudget();
    return d;
  }
}
