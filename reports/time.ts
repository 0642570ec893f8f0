import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** An instant as local time in `tz` with its offset: `2024-01-08T03:37:09+01:00`. */
export function formatInstant(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), "yyyy-MM-dd'T'HH:mm:ssxxx");
}

/** Today's date in `tz`, `YYYY-MM-DD`. */
export function todayIn(tz: string, now = Date.now()): string {
  return format(new TZDate(now, tz), 'yyyy-MM-dd');
}
