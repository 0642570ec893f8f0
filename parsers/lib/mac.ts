/** MAC addresses in the form ECS wants (RFC 7042: upper case, hyphen-separated). */

/** `00:00:5e:00:53:01` → `00-00-5E-00-53-01`; undefined when it is not six hex bytes. */
export function colonMac(v: string | undefined): string | undefined {
  if (v === undefined || v.length !== 17 || !hexBytes(v, 6)) return undefined;
  return v.replaceAll(':', '-').toUpperCase();
}

/** `count` colon-separated hex bytes at the start of v (more may follow after a colon). */
export function hexBytes(v: string, count: number): boolean {
  const n = count * 3 - 1;
  if (v.length < n || (v.length > n && v.charCodeAt(n) !== 58 /* : */)) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 58) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** Cisco's dotted form (`0011.2233.4455` → `00-11-22-33-44-55`). */
export function ciscoMac(v: string): string | undefined {
  if (!/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(v)) return undefined;
  const h = v.replaceAll('.', '').toUpperCase();
  return `${h.slice(0, 2)}-${h.slice(2, 4)}-${h.slice(4, 6)}-${h.slice(6, 8)}-${h.slice(8, 10)}-${h.slice(10, 12)}`;
}
