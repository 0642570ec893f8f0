import { tzOffset } from '@date-fns/tz';
import type { Clock } from './types';
import { CLOCK_SKEW_MS, civilToUtc, daysInMonth } from './lib/time-checks';

/** The zone of this machine, the default for `--tz`. */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Throws a readable error for a zone name Intl does not know. */
export function checkZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone "${tz}": use an IANA name such as Europe/Berlin, America/New_York or UTC`);
  }
  return tz;
}

/**
 * Where a year-less syslog stamp gets its year from.
 * - `fixedYear`: the first year-less line is in that year; later lines roll into the next year
 *   when the month wraps (a log that runs over New Year).
 * - otherwise `reference()`: the time the log was last written (file mtime, or now for stdin and
 *   live input). A stamp is placed in the latest year that puts it no later than the reference
 *   (allowing CLOCK_SKEW_MS): "Dec 20" in a file written on Dec 3 is last year's, "Dec 31" read
 *   on Jan 2 too, "Jan 1" this year's.
 * `reference()` is also the upper end of the range of sane event times (time-checks.ts).
 */
export interface YearSource {
  fixedYear?: number;
  reference: () => number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
/**
 * In the repeated hour of a fall-back, lines a source wrote out of order by up to this much are
 * still read in the first pass; a jump back by more means the clock was set back.
 */
const REORDER_MS = 5 * 60_000;

/** Offset (ms) of `tz` at instant `utc`. */
function offsetAt(tz: string, utc: number): number {
  return tzOffset(tz, new Date(utc)) * 60_000;
}

/**
 * The offsets a wall-clock hour can have in `tz`: one; two in the repeated hour after a
 * fall-back (the earlier, summer-time instant's first); in the skipped hour of a spring-forward
 * none is valid and the offset from before the change is used, which moves the time forward as
 * wall clocks do.
 */
function hourOffsets(tz: string, localHourStart: number): readonly number[] {
  const offsets = new Set([offsetAt(tz, localHourStart - DAY), offsetAt(tz, localHourStart), offsetAt(tz, localHourStart + DAY)]);
  const valid = [...offsets].filter((o) => offsetAt(tz, localHourStart - o) === o).sort((a, b) => b - a);
  return valid.length > 0 ? valid : [Math.min(...offsets)];
}

/**
 * A clock for one source (a file, a syslog sender): it keeps what it needs from the stamps it
 * has converted — the month of the last year-less stamp, and the latest instant, which places a
 * stamp in the repeated autumn hour: once the source's stamps are past the first pass of that
 * hour, the same wall-clock time is the second pass.
 */
export function createClock(tz: string, years: YearSource): Clock {
  checkZone(tz);
  const isUtc = tz === 'UTC' || tz === 'Etc/UTC';
  // Offsets only change on (at least) hour boundaries of local time in every zone we care
  // about, so one lookup per local hour keeps conversion off the hot path.
  const offsetsByLocalHour = new Map<number, readonly number[]>();
  let fixedYear = years.fixedYear;
  let lastMonth = 0;
  let latest = NaN;
  let refMinute = NaN;
  let refYear = 0;
  let refLimit = 0;

  function offsetsOf(localHourStart: number): readonly number[] {
    let off = offsetsByLocalHour.get(localHourStart);
    if (off === undefined) {
      off = hourOffsets(tz, localHourStart);
      if (offsetsByLocalHour.size > 50_000) offsetsByLocalHour.clear();
      offsetsByLocalHour.set(localHourStart, off);
    }
    return off;
  }

  return {
    tz,
    reference: years.reference,
    localToUtc(year, month, day, hour, minute, second, ms = 0) {
      const naive = civilToUtc(year, month, day, hour, minute, second, ms);
      if (Number.isNaN(naive)) return NaN;
      let ts = naive;
      if (!isUtc) {
        const offsets = offsetsOf(naive - (((naive % HOUR) + HOUR) % HOUR));
        ts = naive - offsets[0];
        if (offsets.length > 1) {
          const second = naive - offsets[1];
          // The source already wrote a later instant of this hour's first pass: second pass.
          if (latest - ts > REORDER_MS && latest <= second + REORDER_MS) ts = second;
        }
      }
      // The latest instant, forgotten when the source jumps back more than a day (a stray line
      // from the future must not decide for the lines after it).
      if (!(ts <= latest) || ts < latest - DAY) latest = ts;
      return ts;
    },
    yearFor(month, day, hour, minute, second) {
      if (fixedYear !== undefined) {
        // Roll forward over New Year (Nov/Dec → Jan/Feb), and back for a straggler from the old
        // year that a relay delivered late. Other jumps are left alone: logs do have gaps.
        if (lastMonth >= 11 && month <= 2) fixedYear += 1;
        else if (lastMonth > 0 && lastMonth <= 2 && month >= 11) fixedYear -= 1;
        lastMonth = month;
        return fixedYear;
      }
      const ref = years.reference();
      const refMin = Math.floor(ref / 60_000);
      if (refMin !== refMinute) {
        const local = ref + offsetAt(tz, ref);
        refMinute = refMin;
        refYear = new Date(local).getUTCFullYear();
        refLimit = local + CLOCK_SKEW_MS;
      }
      // The latest of next year (a device clock a little ahead at New Year), this year and last
      // year in which the date exists and is not past the reference. Wall-clock times compared
      // as wall-clock times: a day of allowance covers the zone's offsets.
      for (let y = refYear + 1; y >= refYear - 1; y--) {
        if (day <= daysInMonth(y, month) && Date.UTC(y, month - 1, day, hour, minute, second) <= refLimit) return y;
      }
      return refYear; // a date no year has (Apr 31): localToUtc reports it
    },
  };
}
