/**
 * Exact counting of inbound scans into local-hour and local-day buckets: events, distinct
 * sources, distinct targets. One implementation serves ingest (in memory, as events arrive),
 * recounts from the events table, and reports in a zone other than the database's.
 */

export interface HourCount { hour: number; port: number; proto: string; events: number; sources: number }
export interface DayCount { day: number; port: number; proto: string; events: number; sources: number; targets: number }
/** One local hour over every port and protocol: a source that scanned several ports counts once. */
export interface AllPortsHourCount { hour: number; events: number; sources: number }

import { PORTED } from '../../../parsers/lib/protocols';
import { ipv4ToInt } from '../../classify/networks';
import { detach } from '../../util/detach';
import type { Codes } from '../codes';

/**
 * Set member for an address: IPv4 as its 32-bit number (compact, and it does not pin the log
 * text the address was cut from), anything else as a detached copy of the text.
 */
function member(ip: string): number | string {
  const n = ipv4ToInt(ip);
  // `| 0` keeps it a small integer (half of all addresses exceed 2^31 and would be boxed).
  return n >= 0 ? n | 0 : detach(ip);
}

/** One bucket: a local hour or day, one port and protocol. */
export interface Bucket {
  at: number;
  port: number;
  proto: string;
  events: number;
  src: Set<number | string>;
  dst?: Set<number | string>;
  /** The target last added to `dst` (most rows repeat it). */
  lastDst?: number | string;
  /** Set while the bucket is listed in `changed`. */
  changed: boolean;
}

/** bucket → (port, proto) key → bucket counts. */
type Level = Map<number, Map<number, Bucket>>;

const PROTO_CODES = new Map<string, number>([['tcp', 0], ['udp', 1], ['icmp', 2], ['ipv6-icmp', 3]]);

/** One number for (port, proto): a single Map lookup on the hot path instead of nested ones. */
function portKey(port: number, proto: string): number {
  let c = PROTO_CODES.get(proto);
  if (c === undefined) {
    c = PROTO_CODES.size;
    PROTO_CODES.set(proto, c);
  }
  return port * 1024 + c;
}

function bucketOf(level: Level, at: number, port: number, proto: string, withDst: boolean): Bucket {
  let byKey = level.get(at);
  if (!byKey) level.set(at, (byKey = new Map()));
  const key = portKey(port, proto);
  let b = byKey.get(key);
  if (!b) {
    b = { at, port, proto, events: 0, src: new Set(), changed: false };
    if (withDst) b.dst = new Set();
    byKey.set(key, b);
  }
  return b;
}

function bucketsAt(level: Level, at: number): Iterable<Bucket> {
  return level.get(at)?.values() ?? [];
}

export class ScanAggregate {
  private readonly hours: Level = new Map();
  private readonly days: Level = new Map();
  /** Per hour, every port and protocol together (port -1, proto `*` in the bucket). */
  private readonly allHours = new Map<number, Bucket>();
  /** Buckets changed since `takeChanged` was last called. */
  private changedHours: Bucket[] = [];
  private changedDays: Bucket[] = [];
  private changedAll: Bucket[] = [];

  // The target is almost always the same address (the WAN address), and a scanner's probes
  // come one after another: parse each once while it repeats.
  private lastDst = '';
  private lastDstMember: number | string = '';
  private lastSrc = '';
  private lastSrcMember: number | string = '';

  add(hour: number, port: number, proto: string, srcIp: string, dstIp: string, count: number): void {
    if (srcIp !== this.lastSrc) {
      this.lastSrc = srcIp.length < 13 ? srcIp : detach(srcIp);
      this.lastSrcMember = member(srcIp);
    }
    const src = this.lastSrcMember;
    if (dstIp !== this.lastDst) {
      this.lastDst = dstIp.length < 13 ? dstIp : detach(dstIp);
      this.lastDstMember = member(dstIp);
    }
    const dst = this.lastDstMember;
    const h = bucketOf(this.hours, hour, port, proto, false);
    h.events += count;
    h.src.add(src);
    if (!h.changed) {
      h.changed = true;
      this.changedHours.push(h);
    }
    let all = this.allHours.get(hour);
    if (!all) this.allHours.set(hour, (all = { at: hour, port: -1, proto: '*', events: 0, src: new Set(), changed: false }));
    all.events += count;
    all.src.add(src);
    if (!all.changed) {
      all.changed = true;
      this.changedAll.push(all);
    }
    const d = bucketOf(this.days, Math.floor(hour / 24), port, proto, true);
    d.events += count;
    d.src.add(src);
    if (d.lastDst !== dst) {
      d.dst!.add(dst);
      d.lastDst = dst;
    }
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

  /** Every port and protocol of one hour together; undefined when the hour had no scan. */
  allPortsCount(hour: number): AllPortsHourCount | undefined {
    const b = this.allHours.get(hour);
    return b && { hour, events: b.events, sources: b.src.size };
  }

  dayCounts(day: number): DayCount[] {
    return [...bucketsAt(this.days, day)].map((b) => ({ day, port: b.port, proto: b.proto, events: b.events, sources: b.src.size, targets: b.dst!.size }));
  }

  /** Counts of the buckets changed since the last call. */
  takeChanged(): { hours: HourCount[]; days: DayCount[]; allHours: AllPortsHourCount[] } {
    const hours = this.changedHours.map((b) => ((b.changed = false), { hour: b.at, port: b.port, proto: b.proto, events: b.events, sources: b.src.size }));
    const days = this.changedDays.map((b) => ((b.changed = false), { day: b.at, port: b.port, proto: b.proto, events: b.events, sources: b.src.size, targets: b.dst!.size }));
    const allHours = this.changedAll.map((b) => ((b.changed = false), { hour: b.at, events: b.events, sources: b.src.size }));
    this.changedHours = [];
    this.changedDays = [];
    this.changedAll = [];
    return { hours, days, allHours };
  }

  /** Forgets the buckets of every hour before `hour` (after they were written). */
  dropHoursBefore(hour: number): void {
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
    for (const h of this.allHours.keys()) if (h < hour) this.allHours.delete(h);
  }

  /** Forgets a day and its hours (after they were written). */
  dropDay(day: number): void {
    this.days.delete(day);
    for (let h = day * 24; h < day * 24 + 24; h++) {
      this.hours.delete(h);
      this.allHours.delete(h);
    }
    // Nor are its pending changes written: the day is recounted or owned elsewhere now.
    if (this.changedDays.some((b) => b.at === day)) this.changedDays = this.changedDays.filter((b) => b.at !== day);
    if (this.changedHours.some((b) => Math.floor(b.at / 24) === day)) this.changedHours = this.changedHours.filter((b) => Math.floor(b.at / 24) !== day);
    if (this.changedAll.some((b) => Math.floor(b.at / 24) === day)) this.changedAll = this.changedAll.filter((b) => Math.floor(b.at / 24) !== day);
  }
}

/**
 * The rollup port of a scan on a transport that has ports (TCP, UDP, SCTP, DCCP, UDP-Lite) whose
 * destination port the device did not log (Netgear's DoS lines, FortiOS 3 records): reports say
 * "not logged" (JSON `"port": null`). Port 0 stays what it is — a probe of port 0, or a
 * protocol without ports (GRE, ESP).
 */
export const PORT_NOT_LOGGED = -1;

/** The port a scan is counted under: the destination port, the ICMP type, PORT_NOT_LOGGED, or 0. */
export function rollupPort(dstPort: number | undefined | null, icmpType: number | undefined | null, proto: string): number {
  return dstPort ?? icmpType ?? (PORTED.has(proto) ? PORT_NOT_LOGGED : 0);
}

/**
 * `rollupPort` as an SQL expression over an events row (`dport`, `icmp_type`, `transport`), for
 * queries that count from the events. The transport codes are this database's own integers;
 * `notLogged` lets a query use another number for PORT_NOT_LOGGED.
 */
export function rollupPortSql(codes: Codes, notLogged: number = PORT_NOT_LOGGED): string {
  const ported = codes.existing('transport', PORTED).map(Number);
  return ported.length === 0 ? 'coalesce(dport, icmp_type, 0)' : `coalesce(dport, icmp_type, CASE WHEN transport IN (${ported.join(', ')}) THEN ${Number(notLogged)} ELSE 0 END)`;
}

/** A rollup port as reports show it: null for PORT_NOT_LOGGED. */
export function reportPort(port: number): number | null {
  return port === PORT_NOT_LOGGED ? null : port;
}
