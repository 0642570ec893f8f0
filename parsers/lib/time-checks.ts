/**
 * What makes a time stamp usable, in one place: the reasons a record is rejected for its time,
 * the civil-time conversion every stamp reader uses (it refuses fields that do not exist instead
 * of rolling them over as `Date.UTC` does: Feb 30 is not Mar 1), and the sane range an event's
 * time must fall in. A stamp with impossible fields converts to NaN; the parse stage turns an
 * event with a NaN time into the reject IMPOSSIBLE_DATE (parsers/index.ts), and the record stage
 * checks the range against the clock's reference (src/pipeline/read-record.ts).
 * The two codes are in the reason catalog (reasons.ts); the constants name them for these checks.
 */

import type { RejectCode } from './reasons';

/** Reject code (reasons.ts): the stamp names a date or time that does not exist (Feb 29 2023, Apr 31, 24:00). */
export const IMPOSSIBLE_DATE = 'impossible-date' satisfies RejectCode;
/** Reject code (reasons.ts): the stamp is before EARLIEST_TS or more than CLOCK_SKEW_MS past the reference time. */
export const TIME_OUT_OF_RANGE = 'time-out-of-range' satisfies RejectCode;

/** 1990-01-01T00:00:00Z: nothing this program reads was logged before. */
export const EARLIEST_TS = Date.UTC(1990, 0, 1);
/**
 * How far a stamp may lie past the time the log was last written (file mtime, now for live
 * input): device clocks and zones drift, but not by more than a day.
 */
export const CLOCK_SKEW_MS = 86_400_000;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS[month - 1];
}

/**
 * Do these fields name a real date and time? Seconds may be 60 (a leap second, RFC 3339); the
 * conversion carries it into the next minute.
 */
export function isCivil(y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): boolean {
  return (
    Number.isInteger(y) && y >= 0 && y <= 9999 &&
    Number.isInteger(mo) && mo >= 1 && mo <= 12 &&
    Number.isInteger(d) && d >= 1 && d <= daysInMonth(y, mo) &&
    Number.isInteger(h) && h >= 0 && h <= 23 &&
    Number.isInteger(mi) && mi >= 0 && mi <= 59 &&
    Number.isInteger(s) && s >= 0 && s <= 60 &&
    ms >= 0 && ms < 1000
  );
}

/**
 * Epoch ms of a civil time read as UTC (subtract a stamp's own offset afterwards); NaN when the
 * fields do not exist. Years below 100 are taken as written (`Date.UTC` would add 1900).
 */
export function civilToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  if (!isCivil(y, mo, d, h, mi, s, ms)) return NaN;
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.setUTCHours(h, mi, s, ms);
}

/**
 * Is an event time unusable? Not a finite number, before EARLIEST_TS, or more than
 * CLOCK_SKEW_MS past `reference` (when the log was last written).
 */
export function outOfRange(ts: number, reference: number): boolean {
  return !(ts >= EARLIEST_TS && ts <= reference + CLOCK_SKEW_MS);
}
