import { tzOffset } from '@date-fns/tz';
import type { Clock } from './types';

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
 *   live input). A month later than the reference month belongs to the previous year.
 */
export interface YearSource {
  fixedYear?: number;
  reference: () => number;
}

const HOUR = 3_600_000;

/** Offset (ms) of `tz` at instant `utc`. */
function offsetAt(tz: string, utc: number): number {
  return tzOffset(tz, new Date(utc)) * 60_000;
}

export function createClock(tz: string, years: YearSource): Clock {
  checkZone(tz);
  const isUtc = tz === 'UTC' || tz === 'Etc/UTC';
  // Offsets only change on (at least) hour boundaries of local time in every zone we care
  // about, so one lookup per local hour keeps conversion off the hot path.
  const offsetByLocalHour = new Map<number, number>();
  let fixedYear = years.fixedYear;
  let lastMonth = 0;
  let refMinute = NaN;
  let refYear = 0;
  let refMonth = 0;

  function localHourOffset(localHourStart: number): number {
    let off = offsetByLocalHour.get(localHourStart);
    if (off === undefined) {
      // The offsets in force around this wall-clock hour; a candidate instant is valid when the
      // zone really has that offset then. Two valid (the repeated hour after a fall-back): take
      // the earlier, summer-time one. None (the skipped hour of a spring-forward): take the
      // offset from before the change, which moves the time forward as wall clocks do.
      const offsets = new Set([offsetAt(tz, localHourStart - 86_400_000), offsetAt(tz, localHourStart), offsetAt(tz, localHourStart + 86_400_000)]);
      const valid = [...offsets].filter((o) => offsetAt(tz, localHourStart - o) === o);
      off = valid.length > 0 ? Math.max(...valid) : Math.min(...offsets);
      if (offsetByLocalHour.size > 50_000) offsetByLocalHour.clear();
      offsetByLocalHour.set(localHourStart, off);
    }
    return off;
  }

  return {
    tz,
    localToUtc(year, month, day, hour, minute, second, ms = 0) {
      const naive = Date.UTC(year, month - 1, day, hour, minute, second, ms);
      if (isUtc) return naive;
      const hourStart = naive - (((naive % HOUR) + HOUR) % HOUR);
      return naive - localHourOffset(hourStart);
    },
    yearFor(month) {
      if (fixedYear !== undefined) {
        // Roll forward over New Year (Nov/Dec → Jan/Feb), and back for a straggler from the old
        // year that a relay delivered late. Other jumps are left alone: logs do have gaps.
        if (lastMonth >= 11 && month <= 2) fixedYear += 1;
        else if (lastMonth > 0 && lastMonth <= 2 && month >= 11) fixedYear -= 1;
        lastMonth = month;
        return fixedYear;
      }
      const ref = years.reference();
      const minute = Math.floor(ref / 60_000);
      if (minute !== refMinute) {
        const local = new Date(ref + offsetAt(tz, ref));
        refMinute = minute;
        refYear = local.getUTCFullYear();
        refMonth = local.getUTCMonth() + 1;
      }
      return month > refMonth ? refYear - 1 : refYear;
    },
  };
}
