/**
 * Numbers as logs write them. Ports, counts and ICMP types all go through these on the hot path,
 * so they are character loops rather than a regex or Number().
 */

/**
 * Non-negative decimal integer of at most 10 digits, or -1 for anything else (empty, `-`, a
 * sign, spaces, letters).
 */
export function toUint(s: string | undefined): number {
  if (s === undefined || s.length === 0 || s.length > 10) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Decimal 0..max, or undefined. */
export function toInt(s: string | undefined, max = 65535): number | undefined {
  const n = toUint(s);
  return n < 0 || n > max ? undefined : n;
}

/** A port: `undefined` for empty or `-`, -1 for anything that is not 0–65535. */
export function portOf(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s === '-') return undefined;
  const p = toUint(s);
  return p > 65535 ? -1 : p;
}
