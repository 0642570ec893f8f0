import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/**
 * An instant as local time in `tz` with its offset: `2024-01-08T03:37:09+01:00`. A value no
 * calendar can show (a stamp stored by an old version that did not check) is shown as its number
 * rather than failing the report.
 */
export function formatInstant(ms: number, tz: string): string {
  const d = new TZDate(ms, tz);
  return Number.isNaN(d.getTime()) ? `invalid time (${ms} ms)` : format(d, "yyyy-MM-dd'T'HH:mm:ssxxx");
}

/** Today's date in `tz`, `YYYY-MM-DD`. */
export function todayIn(tz: string, now = Date.now()): string {
  return format(new TZDate(now, tz), 'yyyy-MM-dd');
}
