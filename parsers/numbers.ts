/**
 * Non-negative decimal integer of at most 10 digits, or -1 for anything else (empty, `-`, a
 * sign, spaces, letters). Ports, counts and ICMP types all go through this on the hot path,
 * so it is a char loop rather than a regex or Number().
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
