/**
 * An address's history one local day at a time, kept by the dashboard's read thread: the
 * address page over 7 or 30 days (or its whole history) is the sum of its days, so a day read
 * once is not read again while it stays as it is, and the days of the busiest sources of the
 * latest day (the addresses every page links to first) are read ahead, all of them in one pass
 * per day, when the thread is idle.
 *
 * Each day holds, per role (the address as source, as destination), what the page shows and
 * nothing that could not be summed exactly: events, packets, first and last time, events per
 * class, per port (with packets, first, last) and per peer. Distinct peers and ports of a range
 * are the union of its days' keys; a day is one local day of the database's zone, the unit the
 * page's ranges are made of.
 *
 * Exact as reports/day-sources.ts is: a day is brought up to date by reading only the rows
 * stored since (by rowid), and read again when anything else changed (the store's stamp, rows
 * deleted). Test: test/address-days.test.ts compares with reports/ip-history.ts's plain reading.
 */
import type { DB } from '../src/store/db';
import { Codes } from '../src/store/codes';
import { dayLabel, dayStartUtc, hourBucketer } from '../src/store/rollups/buckets';
import { reportPort, rollupPortSql } from '../src/store/rollups/aggregate';
import { formatInstant } from './time';
import { storeStamp } from './past-watch';
import type { EventLocator } from './event-locator';
import type { RoleHistory } from './ip-shape';

interface PortAgg { transport: number; port: number; events: number; packets: number; first: number; last: number }

interface RoleDay {
  events: number;
  packets: number;
  first: number;
  last: number;
  classes: Map<number, number>;
  /** Key: transport * PORT_KEY + port + 1 (the port may be -1: not logged). */
  ports: Map<number, PortAgg>;
  peers: Map<string, number>;
}

const PORT_KEY = 65538;

const emptyRole = (): RoleDay => ({ events: 0, packets: 0, first: Infinity, last: -Infinity, classes: new Map(), ports: new Map(), peers: new Map() });

class AddressDay {
  readonly roles: [RoleDay, RoleDay] = [emptyRole(), emptyRole()];
  constructor(readonly ip: string, readonly day: number, readonly from: number, readonly to: number, readonly stamp: string, public seenId: number) {}

  /** One grouped row of the address's events (role 0: as source, 1: as destination). */
  add(role: number, cls: number, transport: number, port: number, peer: string, events: number, packets: number, first: number, last: number): void {
    const r = this.roles[role];
    r.events += events;
    r.packets += packets;
    if (first < r.first) r.first = first;
    if (last > r.last) r.last = last;
    r.classes.set(cls, (r.classes.get(cls) ?? 0) + events);
    const k = transport * PORT_KEY + port + 1;
    const p = r.ports.get(k);
    if (!p) r.ports.set(k, { transport, port, events, packets, first, last });
    else {
      p.events += events;
      p.packets += packets;
      if (first < p.first) p.first = first;
      if (last > p.last) p.last = last;
    }
    r.peers.set(peer, (r.peers.get(peer) ?? 0) + events);
  }

  /** Map entries held (what the memory bound counts). */
  size(): number {
    return this.roles.reduce((a, r) => a + r.classes.size + r.ports.size + r.peers.size, 1);
  }
}

/** Entries kept in all (an entry: a port or a peer of an address on a day; ~100 bytes each). */
const MAX_ENTRIES = 500_000;
/** Busiest sources of the latest day whose recent days are read ahead. */
export const AHEAD_ADDRESSES = 10;
/** Days read ahead for them: the page's "7 days". */
export const AHEAD_DAYS = 7;

/** Time read per step of work ahead (a question waits one step at most). */
const AHEAD_SLICE_MS = 3_600_000;

const maxId = (db: DB): number => (db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;

/** What one role of a range adds up to: ip-history's RoleHistory, summed from days. */
export type RoleSum = RoleHistory;

export class AddressDays {
  private readonly kept = new Map<string, AddressDay>();
  private entries = 0;
  /** The days being read ahead, an hour per step. */
  private ahead: { days: AddressDay[]; next: number } | undefined;
  /** Address-days read from the events (tests and figures). */
  reads = 0;

  constructor(private readonly db: DB, private readonly locator?: EventLocator) {}

  /** The local days of the database's zone that hold [from, to) UTC ms. */
  private daysOf(from: number, to: number, tz: string): number[] {
    const bucket = hourBucketer(tz);
    const first = Math.floor(bucket(from) / 24);
    const last = Math.floor(bucket(to - 1) / 24);
    return Array.from({ length: Math.max(last - first + 1, 0) }, (_, i) => first + i);
  }

  private keep(d: AddressDay): void {
    const k = `${d.ip} ${d.day} ${d.from}`;
    const old = this.kept.get(k);
    if (old) this.entries -= old.size();
    this.kept.delete(k);
    this.kept.set(k, d);
    this.entries += d.size();
    while (this.entries > MAX_ENTRIES && this.kept.size > 1) {
      const [first, v] = this.kept.entries().next().value!;
      this.kept.delete(first);
      this.entries -= v.size();
    }
  }

  /** The address's day, from memory (brought up to date with the rows stored since) or read now. */
  private day(ip: string, day: number, tz: string, codes: Codes): AddressDay {
    const from = dayStartUtc(day, tz);
    const k = `${ip} ${day} ${from}`;
    const d = this.kept.get(k);
    if (d && d.stamp === storeStamp(this.db)) {
      const top = maxId(this.db);
      if (top >= d.seenId) {
        // `+ts`: the new rows by rowid, never the time index.
        if (top > d.seenId) this.read([d], codes, 'id > @seen AND id <= @top AND +ts >= @from AND +ts < @to', { seen: d.seenId, top });
        d.seenId = top;
        this.keep(d);
        return d;
      }
    }
    const fresh = new AddressDay(ip, day, from, dayStartUtc(day + 1, tz), storeStamp(this.db), maxId(this.db));
    const found = this.locator?.find({ addr: ip }, fresh.from, fresh.to);
    if (found) {
      // The rows the locator names, and the newest ones it has not indexed yet (`+ts`: by rowid).
      this.read([fresh], codes, 'id IN (SELECT value FROM json_each(@ids)) AND +ts >= @from AND +ts < @to AND id <= @top', { ids: JSON.stringify(found.ids), top: fresh.seenId });
      this.read([fresh], codes, 'id >= @tail AND id <= @top AND +ts >= @from AND +ts < @to', { tail: found.tail, top: fresh.seenId });
    } else this.read([fresh], codes, 'ts >= @from AND ts < @to AND id <= @top', { top: fresh.seenId });
    this.reads++;
    this.keep(fresh);
    return fresh;
  }

  /**
   * Adds the rows `where` selects among those of the days' addresses to each (the days share
   * one local day, so one pass reads the day once for all of them).
   */
  private read(days: AddressDay[], codes: Codes, where: string, params: Record<string, number | string>): void {
    const by = new Map(days.map((d) => [d.ip, d]));
    const ips = JSON.stringify(days.map((d) => d.ip));
    // Both sides are looked for: an address may be another's peer, and a row with the address
    // on both sides counts as source only, as the page counts it.
    const rows = this.db
      .prepare(
        `SELECT src, dst, class, transport, ${rollupPortSql(codes)} AS port, count(*), sum(count), min(ts), max(ts) FROM events
         WHERE ${where} AND (src IN (SELECT value FROM json_each(@ips)) OR dst IN (SELECT value FROM json_each(@ips)))
         GROUP BY src, dst, class, transport, port`,
      )
      .raw()
      .all({ ...params, ips, from: days[0].from, to: days[0].to }) as [string, string, number, number, number, number, number, number, number][];
    for (const [src, dst, cls, transport, port, n, packets, first, last] of rows) {
      by.get(src)?.add(0, cls, transport, port, dst, n, packets, first, last);
      if (dst !== src) by.get(dst)?.add(1, cls, transport, port, src, n, packets, first, last);
    }
  }

  /**
   * One step of reading ahead the days of `ips` on local day `day` not kept yet: an hour of the
   * day per step, all the addresses in one pass; true when it read (call again until false).
   */
  readAhead(ips: string[], day: number, tz: string): boolean {
    const from = dayStartUtc(day, tz);
    return this.db.transaction(() => {
      let a = this.ahead;
      // Anything but appended rows since the first slice: start again (the slices read ids up
      // to the first one's ceiling; later rows are caught up when a day is asked).
      if (a && (a.days[0].day !== day || a.days[0].from !== from || a.days[0].stamp !== storeStamp(this.db) || maxId(this.db) < a.days[0].seenId)) a = undefined;
      if (!a) {
        const missing = ips.filter((ip) => !this.kept.has(`${ip} ${day} ${from}`));
        if (!missing.length) return false;
        const stamp = storeStamp(this.db);
        const top = maxId(this.db);
        a = { days: missing.map((ip) => new AddressDay(ip, day, from, dayStartUtc(day + 1, tz), stamp, top)), next: from };
      }
      this.ahead = a;
      const to = a.days[0].to;
      const end = Math.min(a.next + AHEAD_SLICE_MS, to);
      this.read(a.days, new Codes(this.db), 'ts >= @next AND ts < @end AND id <= @top', { next: a.next, end, top: a.days[0].seenId });
      a.next = end;
      if (end >= to) {
        this.ahead = undefined;
        this.reads += a.days.length;
        for (const d of a.days) this.keep(d);
      }
      return true;
    })();
  }

  /**
   * Both roles of `ip` over [from, to) UTC ms, which must be whole local days of `tz` (the
   * database's zone), or the whole history when `range` is absent. One snapshot of the store.
   */
  history(ip: string, tz: string, top: number, range?: [number, number]): { roles: [RoleSum, RoleSum]; first: number | null; last: number | null } {
    return this.db.transaction(() => {
      const codes = new Codes(this.db);
      let days: number[];
      if (range) days = this.daysOf(range[0], range[1], tz);
      else {
        const span = this.db.prepare('SELECT min(ts) AS a, max(ts) AS b FROM events').get() as { a: number | null; b: number | null };
        days = span.a === null || span.b === null ? [] : this.daysOf(span.a, span.b + 1, tz);
      }
      const parts = days.map((d) => this.day(ip, d, tz, codes));
      const roles = [0, 1].map((r) => sum(parts.map((p) => p.roles[r]), parts.map((p) => p.day), codes, tz, top)) as [RoleSum, RoleSum];
      const firsts = parts.flatMap((p) => p.roles.filter((r) => r.events).map((r) => r.first));
      const lasts = parts.flatMap((p) => p.roles.filter((r) => r.events).map((r) => r.last));
      return { roles, first: firsts.length ? Math.min(...firsts) : null, last: lasts.length ? Math.max(...lasts) : null };
    })();
  }
}

/** Days of a role added up; sorted as reports/ip-history.ts's queries sort. */
function sum(parts: RoleDay[], dayNumbers: number[], codes: Codes, tz: string, top: number): RoleSum {
  const all = emptyRole();
  const days: { date: string; events: number }[] = [];
  parts.forEach((r, i) => {
    if (!r.events) return;
    days.push({ date: dayLabel(dayNumbers[i]), events: r.events });
    all.events += r.events;
    all.packets += r.packets;
    all.first = Math.min(all.first, r.first);
    all.last = Math.max(all.last, r.last);
    for (const [c, n] of r.classes) all.classes.set(c, (all.classes.get(c) ?? 0) + n);
    for (const [k, p] of r.ports) {
      const q = all.ports.get(k);
      if (!q) all.ports.set(k, { ...p });
      else {
        q.events += p.events;
        q.packets += p.packets;
        q.first = Math.min(q.first, p.first);
        q.last = Math.max(q.last, p.last);
      }
    }
    for (const [peer, n] of r.peers) all.peers.set(peer, (all.peers.get(peer) ?? 0) + n);
  });
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    events: all.events,
    packets: all.packets,
    first: all.events ? formatInstant(all.first, tz) : null,
    last: all.events ? formatInstant(all.last, tz) : null,
    peers: all.peers.size,
    ports: all.ports.size,
    classes: [...all.classes].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c, events]) => ({ class: codes.name('class', c), events })),
    topPorts: [...all.ports.values()]
      .sort((a, b) => b.events - a.events || a.port - b.port || a.transport - b.transport)
      .slice(0, top)
      .map((p) => ({ port: reportPort(p.port), proto: codes.name('transport', p.transport), events: p.events, packets: p.packets, first: formatInstant(p.first, tz), last: formatInstant(p.last, tz) })),
    days,
    topPeers: [...all.peers].sort((a, b) => b[1] - a[1] || text(a[0], b[0])).slice(0, top).map(([address, events]) => ({ address, events })),
  };
}
