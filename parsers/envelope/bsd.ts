/**
 * The two pieces of an RFC 3164 line read on every record — the `Mmm dd hh:mm:ss` stamp and the
 * `tag[pid]:` token — by character codes. The equivalent regular expressions (kept in
 * test/bsd-envelope.test.ts, which checks both agree) allocated a match array and up to seven
 * substrings per line: a quarter of what the parse worker allocated.
 */
import { MONTHS } from './stamps';

export interface BsdStamp {
  month: number;
  day: number;
  /** Written in the stamp (`Apr 15 2013 09:36:50`), or undefined. */
  year: number | undefined;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Index just past the stamp and its separator (`: `, ` `, or a final `:`). */
  end: number;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at i, or -1. */
function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;

/** `May  5 20:46:45` / `Jan 1 02:21:38` / `Apr 15 2013 09:36:50` / `Jan  8 03:37:09.123` at the start of s. */
export function readBsdStamp(s: string): BsdStamp | undefined {
  if (!isUpper(s.charCodeAt(0)) || !isLower(s.charCodeAt(1)) || !isLower(s.charCodeAt(2))) return undefined;
  const month = MONTHS[s.slice(0, 3)];
  if (month === undefined) return undefined;
  let i = 3;
  if (s.charCodeAt(i) !== 32) return undefined;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  let day = digit(s, i);
  if (day < 0) return undefined;
  i++;
  const d2 = digit(s, i);
  if (d2 >= 0) {
    day = day * 10 + d2;
    i++;
  }
  if (s.charCodeAt(i) !== 32) return undefined;
  i++;
  let year: number | undefined;
  const y1 = two(s, i);
  const y2 = two(s, i + 2);
  if (y1 >= 0 && y2 >= 0 && s.charCodeAt(i + 4) === 32) {
    year = y1 * 100 + y2;
    i += 5;
  }
  const hour = two(s, i);
  const minute = two(s, i + 3);
  const second = two(s, i + 6);
  if (hour < 0 || minute < 0 || second < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return undefined;
  i += 8;
  let ms = 0;
  if (s.charCodeAt(i) === 46 /* . */) {
    let j = i + 1;
    let frac = 0;
    let scale = 1;
    while (j - i - 1 < 6 && digit(s, j) >= 0) {
      frac = frac * 10 + digit(s, j);
      scale *= 10;
      j++;
    }
    if (j === i + 1) return undefined;
    ms = Math.floor((frac / scale) * 1000);
    i = j;
  }
  const c = s.charCodeAt(i);
  if (c === 32) i++;
  else if (c === 58 /* : */) {
    if (s.charCodeAt(i + 1) === 32) i += 2;
    else if (i + 1 === s.length) i++;
    else return undefined;
  } else return undefined;
  return { month, day, year, hour, minute, second, ms, end: i };
}

function isTagChar(c: number): boolean {
  // [A-Za-z0-9_.\-/()@]
  return isUpper(c) || isLower(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47 || c === 40 || c === 41 || c === 64;
}

/**
 * A syslog TAG token, `name:` or `name[123]:` (name: 1–64 of [A-Za-z0-9_.-/()@]): the index
 * where the name ends, or -1. The pid, if any, is token.slice(end + 1, -2).
 */
export function tagNameEnd(token: string): number {
  return tagNameEndIn(token, 0, token.length);
}

/** `tagNameEnd` of the token s[from, to), without cutting it out; the index is relative to from. */
export function tagNameEndIn(s: string, from: number, to: number): number {
  const n = to - from;
  if (n < 2 || s.charCodeAt(to - 1) !== 58 /* : */) return -1;
  let end = n - 1;
  if (s.charCodeAt(to - 2) === 93 /* ] */) {
    const at = s.indexOf('[', from);
    const open = at < 0 || at >= to ? -1 : at - from;
    if (open < 0 || open + 1 >= n - 2) return -1;
    for (let i = open + 1; i < n - 2; i++) if (digit(s, from + i) < 0) return -1;
    end = open;
  }
  if (end < 1 || end > 64) return -1;
  for (let i = 0; i < end; i++) if (!isTagChar(s.charCodeAt(from + i))) return -1;
  return end;
}
