/**
 * Exact counting of inbound scans into local-hour and local-day buckets: events, distinct
 * sources, distinct targets. One implementation serves ingest (in memory, as events arrive),
 * recounts from the events table, and reports in a zone other than the database's.
 */

export interface HourCount { hour: number; port: number; proto: string; events: number; sources: number }
export interface DayCount { day: number; port: number; proto: string; events: number; sources: number; targets: number }

import { ipv4ToInt } from '../classify/networks';
import { detach } from '../util/detach';

/**
 * Set member for an address: IPv4 as its 32-bit number (compact, and it does not pin the log
 * text the address was cut from), anything else as a detached copy of the text.
 */
function member(ip: string): number | string {
  const n = ipv4ToInt(ip);
  return n >= 0 ? n : detach(ip);
}

/** One bucket: a local hour or day, one port and protocol. */
export interface Bucket {
  at: number;
  port: number;
  proto: string;
  events: number;
  src: Set<number | string>;
  dst?: Set<number | string>;
  /** Set while the bucket is listed in `changed`. */
  changed: boolean;
}

type Level = Map<number, Map<number, Map<string, Bucket>>>;

// Nested maps (bucket → port → proto) rather than string keys: this runs once per scan.
function bucketOf(level: Level, at: number, port: number, proto: string, withDst: boolean): Bucket {
  let byPort = level.get(at);
  if (!byPort) level.set(at, (byPort = new Map()));
  let byProto = byPort.get(port);
  if (!byProto) byPort.set(port, (byProto = new Map()));
  let b = byProto.get(proto);
  if (!b) {
    b = { at, port, proto, events: 0, src: new Set(), changed: false };
    if (withDst) b.dst = new Set();
    byProto.set(proto, b);
  }
  return b;
}

function* bucketsAt(level: Level, at: number): Iterable<Bucket> {
  for (const byProto of level.get(at)?.values() ?? []) yield* byProto.values();
}

export class ScanAggregate {
  private readonly hours: Level = new Map();
  private readonly days: Level = new Map();
  /** Buckets changed since `takeChanged` was last called. */
  private changedHours: Bucket[] = [];
  private changedDays: Bucket[] = [];

  add(hour: number, port: number, proto: string, srcIp: string, dstIp: string, count: number): void {
    const src = member(srcIp);
    const dst = member(dstIp);
    const h = bucketOf(this.hours, hour, port, proto, false);
    h.events += count;
    h.src.add(src);
    if (!h.changed) {
      h.changed = true;
      this.changedHours.push(h);
    }
    const d = bucketOf(this.days, Math.floor(hour / 24), port, proto, true);
    d.events += count;
    d.src.add(src);
    d.dst!.add(dst);
    if (!d.changed) {
      d.changed = true;
      this.changedDays.push(d);
    }
  }

  /** Hours present, ascending. */
  hourNumbers(): number[] {
    return [...this.hours.keys()].sort((a, b) => a - b);
  }

  dayNumbers(): number[] {
    return [...this.days.keys()].sort((a, b) => a - b);
  }

  hourCounts(hour: number): HourCount[] {
    return [...bucketsAt(this.hours, hour)].map((b) => ({ hour, port: b.port, proto: b.proto, events: b.events, sources: b.src.size }));
  }

  dayCounts(day: number): DayCount[] {
    return [...bucketsAt(this.days, day)].map((b) => ({ day, port: b.port, proto: b.proto, events: b.events, sources: b.src.size, targets: b.dst!.size }));
  }

  /** Counts of the buckets changed since the last call. */
  takeChanged(): { hours: HourCount[]; days: DayCount[] } {
    const hours = this.changedHours.map((b) => ((b.changed = false), { hour: b.at, port: b.port, proto: b.proto, events: b.events, sources: b.src.size }));
    const days = this.changedDays.map((b) => ((b.changed = false), { day: b.at, port: b.port, proto: b.proto, events: b.events, sources: b.src.size, targets: b.dst!.size }));
    this.changedHours = [];
    this.changedDays = [];
    return { hours, days };
  }

  /** Forgets the buckets of every hour before `hour` (after they were written). */
  dropHoursBefore(hour: number): void {
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
  }

  /** Forgets a day and its hours (after they were written). */
  dropDay(day: number): void {
    this.days.delete(day);
    for (let h = day * 24; h < day * 24 + 24; h++) this.hours.delete(h);
  }
}

/** The port a scan is counted under: the destination port, the ICMP type, or 0. */
export function rollupPort(dstPort: number | undefined | null, icmpType: number | undefined | null): number {
  return dstPort ?? icmpType ?? 0;
}
