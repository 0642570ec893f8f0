import type { Clock } from '../types';
import { civilToUtc } from '../lib/time-checks';

export const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

// 2025-11-06T11:32:42.868451+00:00 · 2019-05-15T16:25:50Z · 2017-09-23 13:54:54 (no zone)
const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|z|[+-]\d\d(?::?\d\d)?)?/;

export interface Stamp {
  ts: number;
  /** Index just past the stamp. */
  end: number;
}

/**
 * An ISO-8601 / RFC 3339 stamp at `pos`. A stamp without a zone is wall-clock time in the
 * log's zone (`--tz`), as written by devices that do not know better. `ts` is NaN when the
 * fields name no real time (`2023-02-29`, `T24:00:00`, an offset of `+25:00`): such a stamp is
 * still a stamp, and its record the reject impossible-date.
 */
export function parseIsoStamp(s: string, pos: number, clock: Clock): Stamp | undefined {
  const m = ISO.exec(pos === 0 ? s : s.slice(pos));
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(+`0.${m[7]}` * 1000) : 0;
  const y = +m[1], mo = +m[2], d = +m[3], h = +m[4], mi = +m[5], sec = +m[6];
  let ts: number;
  const zone = m[8];
  if (!zone) ts = clock.localToUtc(y, mo, d, h, mi, sec, ms);
  else {
    ts = civilToUtc(y, mo, d, h, mi, sec, ms);
    if (zone !== 'Z' && zone !== 'z') {
      const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
      const digits = zone.replace(':', '');
      const offH = +digits.slice(1, 3);
      const offM = digits.length > 3 ? +digits.slice(3, 5) : 0;
      ts = offH > 23 || offM > 59 ? NaN : ts - sign * (offH * 60 + offM) * 60_000;
    }
  }
  return { ts, end: pos + m[0].length };
}

/** Epoch ms from an epoch number in s, ms, µs or ns (decided by magnitude). */
export function epochToMs(v: number): number {
  if (v > 1e17) return Math.floor(v / 1e6); // ns
  if (v > 1e14) return Math.floor(v / 1e3); // µs
  if (v > 1e11) return Math.floor(v); // ms
  return Math.floor(v * 1000); // s
}
