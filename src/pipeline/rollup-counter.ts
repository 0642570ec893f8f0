/**
 * Counts inbound scans into the report rollups while records are computed (in the worker for
 * big files). A local day with no rollup data when this run began is counted here in full —
 * this counter sees every scan of it — and its changed rows travel with each batch. A day that
 * already had data cannot be merged by counts: its hours are sent as dirty, and the store
 * recounts that day from the events. Either way the counts are exact.
 */
import { hourBucketer } from '../store/buckets';
import { ScanAggregate } from '../store/scan-aggregate';
export { rollupPort } from '../store/scan-aggregate';

/** Days, and hours, kept open behind the newest seen, for logs that are slightly out of order. */
const OPEN_DAYS = 1;
const OPEN_HOURS = 1;

export interface RollupDelta {
  /** [hour, port, proto, events, sources] */
  hours: [number, number, string, number, number][];
  /** [day, port, proto, events, sources, targets] */
  days: [number, number, string, number, number, number][];
  dirtyHours: number[];
}

export class RollupCounter {
  private readonly agg = new ScanAggregate();
  private readonly bucket: (ts: number) => number;
  private readonly freshDays = new Set<number>();
  private dirtyHours = new Set<number>();
  private newestDay = -Infinity;
  private newestHour = -Infinity;
  /** Hours before this were written and let go; a late scan for one makes its day recounted. */
  private closedBefore = -Infinity;

  /**
   * `staleDays`: days that had rollup data (or pending recounts) when the run began.
   * `adopt`: for long-running input (watch, listen), loads the scans of a stale day so it can be
   * counted in memory from then on, instead of being recounted from the events again and again.
   */
  constructor(
    tz: string,
    private readonly staleDays: Set<number>,
    private readonly adopt?: (day: number) => Iterable<{ hour: number; port: number; proto: string; src: string; dst: string; count: number }>,
  ) {
    this.bucket = hourBucketer(tz);
  }

  add(port: number, proto: string, ts: number, src: string, dst: string, count: number): void {
    const hour = this.bucket(ts);
    const day = Math.floor(hour / 24);
    if (!this.freshDays.has(day)) {
      if (this.staleDays.has(day) && !(this.adopt && hour >= this.closedBefore)) {
        this.dirtyHours.add(hour);
        return;
      }
      if (this.staleDays.delete(day)) for (const r of this.adopt!(day)) this.agg.add(r.hour, r.port, r.proto, r.src, r.dst, r.count);
      this.freshDays.add(day);
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
      dirtyHours: [...this.dirtyHours],
    };
    this.dirtyHours = new Set();
    // Memory stays bounded on any file size: hours and days behind the newest are let go once
    // written. Should a scan for one come back, its day has data by then and is recounted.
    if (this.newestHour - OPEN_HOURS > this.closedBefore) {
      this.closedBefore = this.newestHour - OPEN_HOURS;
      this.agg.dropHoursBefore(this.closedBefore);
    }
    for (const day of this.freshDays) if (day < this.newestDay - OPEN_DAYS) this.makeStale(day);
    return delta;
  }

  private makeStale(day: number): void {
    this.agg.dropDay(day);
    this.freshDays.delete(day);
    this.staleDays.add(day);
  }
}
