/**
 * What the windows remember of a key (a source, an inside host) besides the key's own record
 * (tracked.ts): activity runs, per-target and per-port records, the episodes rules attach to
 * them, and the budget they are charged to.
 *
 * Times are ms relative to the windows' epoch (relative-clock.ts), so they stay small integers.
 */
import type { Alert } from '../alert';
import type { KeptLine, LineRef } from '../lines';
import type { LineOwner } from './kept-lines';

/** What a per-target or per-port record costs in the memory budget (an item costs 1). */
export const GROUP_COST = 4;

/** What is charged: a key's record. */
export interface Charged {
  /** Budget entries charged to it. */
  cost: number;
}

/** The memory budget (key-table.ts): every entry kept is charged to its key and to the total. */
export interface Budget {
  charge(k: Charged, entries: number): void;
}

/**
 * Activity of a unit — a key (what a vertical scan counts), or a key on one port (a sweep, a worm
 * burst) — as two runs: `run*` since it was last quiet for a whole fast window, `longRun*` since
 * it was last quiet for a whole long window (or an episode on it closed). An episode's `first`,
 * first line and packets are those of the run that met its threshold.
 */
export class Activity implements LineOwner {
  last: number;
  runFirst: number;
  runPackets: number;
  runLine: KeptLine;
  longRunFirst: number;
  longRunPackets: number;
  longRunLine: KeptLine;
  keptIn = -1;
  /** Probe kinds (contract/scan-types.ts bits) seen since the long run started. */
  probes = 0;
  constructor(t: number, packets: number, line: KeptLine) {
    this.last = t;
    this.runFirst = t;
    this.runPackets = packets;
    this.runLine = line;
    this.longRunFirst = t;
    this.longRunPackets = packets;
    this.longRunLine = line;
  }

  /** The runs an event at `t` starts (`RUN`, `LONG_RUN`): those it was quiet for, or that were reset. */
  runsStartedAt(t: number, fastMs: number, longMs: number): number {
    const gap = t - this.last;
    return (gap > fastMs || this.runPackets === 0 ? RUN : 0) | (gap > longMs || this.longRunPackets === 0 ? LONG_RUN : 0);
  }

  /** Counts an event; `line` (its kept line) is needed when `started` is not 0. */
  count(t: number, packets: number, started: number, line: KeptLine, probe = 0): void {
    if ((started & RUN) !== 0) {
      this.runFirst = t;
      this.runPackets = 0;
      this.runLine = line;
    }
    if ((started & LONG_RUN) !== 0) {
      this.longRunFirst = t;
      this.longRunPackets = 0;
      this.longRunLine = line;
      this.probes = 0;
    }
    this.probes |= probe;
    this.runPackets += packets;
    this.longRunPackets += packets;
    if (t > this.last) this.last = t;
  }

  /** An episode on the unit closed: the next one counts from its next event. */
  restartRuns(): void {
    this.runPackets = 0;
    this.longRunPackets = 0;
    this.probes = 0;
  }

  shiftActivity(delta: number): void {
    this.last -= delta;
    this.runFirst -= delta;
    this.longRunFirst -= delta;
  }
}

/** Bits of `Activity.runsStartedAt`. */
export const RUN = 1;
export const LONG_RUN = 2;

/** An episode a rule opened on a unit; the windows keep it with the unit and end it with it. */
export class Episode<A extends Alert = Alert> {
  /** Protocol codes seen (a vertical scan's `proto` lists them). */
  readonly protos: number[] = [];
  /** Codes of the targets sampled in the alert (a vertical scan's `sampleTargets`). */
  readonly targets: number[] = [];
  /** Probe kinds (contract/scan-types.ts bits) in the alert's `evidence.scanTypes`. */
  probes = 0;
  /** Codes of its distinct targets, for an episode on a key (a vertical scan over several targets). */
  targetSet: Set<number> | undefined = undefined;
  /** The newest line, made text when the alert leaves the detector. */
  lastRaw: LineRef | undefined = undefined;
  constructor(
    readonly alert: A,
    /** Opened by the long window. */
    readonly slow: boolean,
    /** The quiet gap that ends it: the length of the window that opened it. */
    readonly windowMs: number,
    /** Codes of its distinct destinations (ports on a key, targets on a port), charged to the key's budget. */
    readonly seen: Set<number>,
  ) {}
}

/** A key on one port: its activity, its distinct targets in each window, a rule's episode. */
export class PortGroup extends Activity {
  fast = 0;
  long = 0;
  episode: Episode | undefined = undefined;
}

/** A target of one key: its distinct ports in each window. */
export class TargetGroup {
  fast = 0;
  long = 0;
  /** `code`: the target's code; `index`: its slot in the key's item codes (item-windows.ts). */
  constructor(readonly code: number, readonly index: number) {}
}

/** A light item, spelled out (promotion, persistence). */
export interface LightItem {
  target: number;
  port: number;
  first: number;
  last: number;
  packets: number;
  line: KeptLine;
}
