/**
 * Counts inbound scans into the report rollups as batches are written. A local day nobody had
 * counted when this session began is counted here in full (exact distinct sets) and its
 * changed rows travel with each batch; a day that already had data cannot be merged by counts:
 * its hours are sent as dirty, and the day is recounted from the events (settle.ts). The
 * writer (writer.ts) decides, inside each transaction, whether this session still owns a day it
 * counts — another writer may have touched it — and the counter gives up the days it lost.
 */
import { hourBucketer } from './buckets';
import { ScanAggregate } from './aggregate';

/** Days, and hours, kept open behind the newest seen, for logs that are slightly out of order. */
const OPEN_DAYS = 1;
const OPEN_HOURS = 1;
/** A day lost to another writer is not re-read from the events before this long (ms). */
const ADOPT_COOLDOWN_MS = 60_000;

export interface RollupDelta {
  /** [hour, port, proto, events, sources] */
  hours: [number, number, string, number, number][];
  /** [day, port, proto, events, sources, targets] */
  days: [number, number, string, number, number, number][];
  /** [hour, events, sources] over every port and protocol */
  allHours: [number, number, number][];
  dirtyHours: number[];
  /** Days re-read from the events since the last delta (their claim may take existing rows over). */
  adopted: number[];
}

/** A scan as the rollups see it. */
export interface RollupScan {
  hour: number;
  port: number;
  proto: string;
  src: string;
  dst: string;
  count: number;
}

/**
 * For long-running input (watch, listen): the scans of a day already in the events, so that the
 * day can be counted in memory from then on instead of being recounted again and again; or
 * undefined when the day cannot be taken over now (it waits for a recount, or another writer
 * owns it).
 */
export type AdoptDay = (day: number) => Iterable<RollupScan> | undefined;

export class RollupCounter {
  private agg = new ScanAggregate();
  private bucket: (ts: number) => number;
  private readonly freshDays = new Set<number>();
  private dirtyHours = new Set<number>();
  private adopted: number[] = [];
  private readonly lostAt = new Map<number, number>();
  private newestDay = -Infinity;
  private newestHour = -Infinity;
  /** Hours before this were written and let go; a late scan for one makes its day recounted. */
  private closedBefore = -Infinity;

  /** `staleDays`: days that had rollup data (or pending recounts) when the session began. */
  constructor(
    tz: string,
    private readonly staleDays: Set<number>,
    private readonly adopt?: AdoptDay,
  ) {
    this.bucket = hourBucketer(tz);
  }

  add(port: number, proto: string, ts: number, src: string, dst: string, count: number): void {
    const hour = this.bucket(ts);
    const day = Math.floor(hour / 24);
    if (!this.freshDays.has(day) && !this.takeOver(day, hour)) {
      this.dirtyHours.add(hour);
      return;
    }
    if (hour < this.closedBefore) {
      this.makeStale(day);
      this.dirtyHours.add(hour);
      return;
    }
    this.agg.add(hour, port, proto, src, dst, count);
    if (hour > this.newestHour) this.newestHour = hour;
    if (day > this.newestDay) this.newestDay = day;
  }

  /** What changed since the last call. */
  take(): RollupDelta {
    const changed = this.agg.takeChanged();
    const delta: RollupDelta = {
      hours: changed.hours.map((c) => [c.hour, c.port, c.proto, c.events, c.sources]),
      days: changed.days.map((c) => [c.day, c.port, c.proto, c.events, c.sources, c.targets]),
      allHours: changed.allHours.map((c) => [c.hour, c.events, c.sources]),
      dirtyHours: [...this.dirtyHours],
      adopted: this.adopted,
    };
    this.dirtyHours = new Set();
    this.adopted = [];
    // Memory stays bounded on any file size: hours and days behind the newest are let go once
    // written. Should a scan for one come back, its day has data by then and is recounted.
    if (this.newestHour - OPEN_HOURS > this.closedBefore) {
      this.closedBefore = this.newestHour - OPEN_HOURS;
      this.agg.dropHoursBefore(this.closedBefore);
    }
    for (const day of this.freshDays) if (day < this.newestDay - OPEN_DAYS) this.makeStale(day);
    return delta;
  }

  /** The writer found these days touched by another writer (or recounted): stop counting them. */
  disown(days: Iterable<number>): void {
    const now = Date.now();
    for (const day of days) {
      this.makeStale(day);
      this.lostAt.set(day, now);
    }
  }

  /**
   * The transaction that was to write `delta` rolled back: the counts in memory include rows that
   * were not stored, so the days it touched are given up (their stored rows are still exact for
   * what is stored) and its dirty hours are kept for the next write.
   */
  failed(delta: RollupDelta): void {
    const days = new Set<number>([...delta.hours.map((h) => Math.floor(h[0] / 24)), ...delta.allHours.map((h) => Math.floor(h[0] / 24)), ...delta.days.map((d) => d[0]), ...delta.adopted]);
    for (const day of days) this.makeStale(day);
    for (const h of delta.dirtyHours) this.dirtyHours.add(h);
  }

  /**
   * Whether a day this counter does not count yet can be counted from now on: a day nobody
   * counted before, or (long-running input) one re-read from the events.
   */
  private takeOver(day: number, hour: number): boolean {
    if (!this.staleDays.has(day)) {
      this.freshDays.add(day);
      return true;
    }
    if (!this.adopt || hour < this.closedBefore) return false;
    const lost = this.lostAt.get(day);
    if (lost !== undefined && Date.now() - lost < ADOPT_COOLDOWN_MS) return false;
    const scans = this.adopt(day);
    if (!scans) return false;
    this.staleDays.delete(day);
    this.freshDays.add(day);
    this.adopted.push(day);
    for (const r of scans) this.agg.add(r.hour, r.port, r.proto, r.src, r.dst, r.count);
    return true;
  }

  private makeStale(day: number): void {
    this.agg.dropDay(day);
    this.freshDays.delete(day);
    this.staleDays.add(day);
  }
}
