/**
 * Stamps devices print inside their own message (the envelope reads the syslog header's):
 * `YYYY-MM-DD HH:MM:SS[.fff] [zone]` (SonicWall `time=`, DShield) and Cisco's
 * `*Mar  1 18:46:11.123 UTC` (ASA and IOS). The zone after them is read by the one rule of
 * time-zones.ts.
 */
import { MONTHS } from '../envelope/stamps';
import type { Clock, Envelope } from '../types';
import { reject, type RejectOutcome } from './reasons';
import { isZoneAbbreviation, zoneOffset } from './time-zones';
import { civilToUtc } from './time-checks';

/**
 * `YYYY-MM-DD[ T]HH:MM:SS[.fff]` at `pos` as [year, month, day, hour, minute, second, ms] and the
 * index just past it; `undefined` if the text there is not that shape. The fields are as written
 * and may name no real time (Feb 30, 24:00): zonedTime (clock.localToUtc, civilToUtc) gives NaN.
 */
export function dateTimeParts(s: string, pos: number): { parts: number[]; end: number } | undefined {
  if (s.length < pos + 19) return undefined;
  const d = (i: number) => {
    const c = s.charCodeAt(pos + i) - 48;
    return c >= 0 && c <= 9 ? c : -100;
  };
  if (s.charCodeAt(pos + 4) !== 45 || s.charCodeAt(pos + 7) !== 45 || s.charCodeAt(pos + 13) !== 58 || s.charCodeAt(pos + 16) !== 58) return undefined;
  const sep = s.charCodeAt(pos + 10);
  if (sep !== 32 && sep !== 84) return undefined;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined; // a non-digit
  let end = pos + 19;
  let ms = 0;
  if (s.charCodeAt(end) === 46 /* . */ || s.charCodeAt(end) === 44 /* , */) {
    let scale = 100;
    end++;
    while (end < s.length) {
      const c = s.charCodeAt(end) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      end++;
    }
    ms = Math.floor(ms);
  }
  return { parts: [year, month, day, hour, minute, second, ms], end };
}

/**
 * Epoch ms of wall-clock parts [y, mo, d, h, mi, s, ms] followed by `zone` (trimmed; '' when the
 * device wrote none: then the log's zone, --tz), or the reject for a zone that cannot be read.
 * NaN when the parts name no real time (the parse stage makes that the reject impossible-date).
 */
export function zonedTime(p: readonly number[], zone: string, clock: Clock): number | RejectOutcome {
  const [y, mo, d, h, mi, s, ms] = p;
  if (zone === '') return clock.localToUtc(y, mo, d, h, mi, s, ms);
  const off = zoneOffset(zone, clock.tz);
  if (off === 'ambiguous') return reject('ambiguous-time-zone', zone);
  if (off === undefined) return reject('unknown-time-zone', zone);
  return civilToUtc(y, mo, d, h, mi, s, ms) - off * 60_000;
}

// `*Mar  1 18:46:11.123`, `Apr 15 2014 09:34:34 EDT`, `.Jun  3 10:00:00 UTC` — Cisco's own stamp.
const CISCO_STAMP = /([*.]?)([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: ([A-Z]{1,5}))?(?=[:\s]|$)/;

export interface CiscoStamp {
  ts: number;
  /** `*` before the stamp: the device clock was never set (IOS prints boot-relative dates). */
  unsynced: boolean;
}

/**
 * A Cisco device stamp anywhere in `text`, with the year when printed (else the clock's guess).
 * The zone name after it is the admin's label (`clock timezone CST -6`): an offset or a known
 * abbreviation is honoured, an ambiguous one read by the --tz region (else rejected), any other
 * word leaves the stamp in --tz. `ts` is NaN when the fields name no real time (`Apr 31`, `24:00:00`).
 */
export function ciscoStamp(text: string, clock: Clock): CiscoStamp | RejectOutcome | undefined {
  const m = CISCO_STAMP.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]];
  const day = +m[3], h = +m[5], mi = +m[6], sec = +m[7];
  if (!month) return undefined;
  const ms = m[8] ? Math.floor(+`0.${m[8]}` * 1000) : 0;
  const year = m[4] ? +m[4] : clock.yearFor(month, day, h, mi, sec);
  const off = m[9] === undefined ? undefined : zoneOffset(m[9], clock.tz);
  if (off === 'ambiguous') return reject('ambiguous-time-zone', m[9]);
  const ts = off === undefined
    ? clock.localToUtc(year, month, day, h, mi, sec, ms)
    : civilToUtc(year, month, day, h, mi, sec, ms) - off * 60_000;
  return { ts, unsynced: m[1] === '*' };
}

/**
 * A bare Cisco line `Apr 15 2013 09:36:50 EDT: %ASA-…`: the envelope read the stamp as RFC 3164
 * in --tz and took the zone for a syslog tag. The stamp again from the raw line, with its zone;
 * undefined when the tag is no zone.
 */
export function ciscoStampBeforeTag(env: Envelope, clock: Clock): CiscoStamp | RejectOutcome | undefined {
  if (env.tag === undefined || env.pid !== undefined || !isZoneAbbreviation(env.tag)) return undefined;
  const at = env.raw.indexOf('%');
  return at > 0 ? ciscoStamp(env.raw.slice(0, at), clock) : undefined;
}
