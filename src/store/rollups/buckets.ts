import { TZDate, tzOffset } from '@date-fns/tz';
import { CLOCK_SKEW_MS } from '../../../parsers/lib/time-checks';

const HOUR = 3_600_000;

/**
 * UTC epoch ms → local hour number in `tz` (floor((utc + offset) / 1 h)). Integer arithmetic on
 * the hot path; the zone offset is looked up once per UTC hour.
 */
export function hourBucketer(tz: string): (ts: number) => number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return (ts) => Math.floor(ts / HOUR);
  const cache = new Map<number, number>();
  return (ts) => {
    const utcHour = Math.floor(ts / HOUR);
    let off = cache.get(utcHour);
    if (off === undefined) {
      off = tzOffset(tz, new Date(utcHour * HOUR)) * 60_000;
      if (cache.size > 100_000) cache.clear();
      cache.set(utcHour, off);
    }
    return Math.floor((ts + off) / HOUR);
  };
}

// Labels never throw: a bucket from a stamp no calendar can show, or not in four digits (stored
// by a version that did not check time stamps), is shown as its number rather than failing
// every report.

/** `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0–9999, else undefined. */
function isoText(ms: number): string | undefined {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  const s = d.toISOString();
  return s.length === 24 ? s : undefined;
}

/** Local hour number → `YYYY-MM-DDTHH:00` (the wall-clock hour it stands for). */
export function hourLabel(hour: number): string {
  return isoText(hour * HOUR)?.slice(0, 13).concat(':00') ?? `invalid hour (${hour})`;
}

/** Local day number → `YYYY-MM-DD`. */
export function dayLabel(day: number): string {
  return isoText(day * 24 * HOUR)?.slice(0, 10) ?? `invalid day (${day})`;
}

/**
 * The last local day any stored event can fall in: now plus the clock skew ingest allows
 * (parsers/lib/time-checks.ts) plus the widest zone offset. "The latest day with data" never
 * goes past it, whatever an older version stored.
 */
export function lastPossibleDay(now = Date.now()): number {
  return Math.floor((now + CLOCK_SKEW_MS + 14 * HOUR) / (24 * HOUR));
}

/** `YYYY-MM-DD` → local day number; throws a readable error. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date.trim());
  if (!m) throw new Error(`"${date}" is not a date: use YYYY-MM-DD`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const d = new Date(t);
  if (Number.isNaN(t) || d.getUTCMonth() + 1 !== +m[2] || d.getUTCDate() !== +m[3]) throw new Error(`"${date}" is not a calendar date`);
  return Math.floor(t / (24 * HOUR));
}

/** UTC instant where local day `day` begins in `tz`. */
export function dayStartUtc(day: number, tz: string): number {
  const d = new Date(day * 24 * HOUR);
  return new TZDate(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), tz).getTime();
}
