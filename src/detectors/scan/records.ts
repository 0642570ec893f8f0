/** What the detector remembers per source, per target and per port, and per episode. */

import type { KeptLine, LineRef } from '../lines';
import type { ScanAlert } from './alert';

/** What one per-target or per-port record costs in the budgets. */
export const STRUCT_COST = 4;
/** A pair key is target index × 2^24 + port key (protocol code × 65536 + port). */
export const P24 = 2 ** 24;

export interface Episode {
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
  lastRaw: LineRef | undefined;
}

/**
 * Activity runs of a unit (a source, for vertical scans; a source on one port, for sweeps):
 * `run*` since it was last quiet for a fast window, `life*` since it was last quiet for a long
 * window (or an episode closed). Times relative to the detector's epoch.
 */
export class Runs {
  last: number;
  runFirst: number;
  runPackets: number;
  runLine: KeptLine;
  lifeFirst: number;
  lifePackets: number;
  lifeLine: KeptLine;
  constructor(t: number, packets: number, line: KeptLine) {
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
export class Port extends Runs {
  /** Its pairs (distinct targets) in the fast window / in the long window (fast included). */
  fast = 0;
  long = 0;
  ep: Episode | undefined = undefined;
}

/** A target of one source. */
export class Tgt {
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
export class Heavy {
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

export class Src extends Runs {
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
  l0: KeptLine;
  more: number[] | undefined = undefined;
  moreLines: KeptLine[] | undefined = undefined;
  /** Base of the newest retained batch this source kept a line handle into (see SourceTable.keep). */
  keptIn = -1;
  constructor(readonly key: number | string, t: number, packets: number, line: KeptLine, dk: number, pk: number) {
    super(t, packets, line);
    this.d0 = dk;
    this.k0 = pk;
    this.f0 = t;
    this.t0 = t;
    this.c0 = packets;
    this.l0 = line;
  }
}

export interface LightPair {
  dk: number;
  pk: number;
  first: number;
  last: number;
  packets: number;
  line: KeptLine;
}
