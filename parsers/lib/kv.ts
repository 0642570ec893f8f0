/**
 * The one key=value splitter, for the formats that write `key=value key="quoted value" …`
 * (FortiGate, SonicWall, ZyXEL, Juniper's RFC 5424 structured data).
 *
 * Values run to the next space, or are quoted: `"…"` (a backslash escapes `"`, `\` and `]`, the
 * RFC 5424 PARAM-VALUE escapes; any other backslash is kept, so `C:\temp` stays as written) or
 * `“…”` (Juniper's documentation samples). Tokens without `=` (free text between pairs, relay
 * prefixes) are passed over. The first occurrence of a key wins; keys are kept as written
 * (SonicWall mixes `Category=` with `c=`).
 */

export interface KvOptions {
  /**
   * Glue a token without `=` to the bare value before it, with one space. FortiOS 3/4 writes
   * `time=10: 13:03`, and that is the only way to get the time back; other formats do not,
   * since there the token is free text.
   */
  glueBareTails?: boolean;
}

/** The pairs of `s` from index `from`, first occurrences only. */
export function splitKv(s: string, from = 0, opts: KvOptions = {}): Map<string, string> {
  const out = new Map<string, string>();
  const n = s.length;
  const glue = opts.glueBareTails === true;
  let pos = from;
  let lastKey: string | undefined;
  let lastBare = false;
  while (pos < n) {
    while (pos < n && s.charCodeAt(pos) === 32) pos++;
    if (pos >= n) break;
    let end = s.indexOf(' ', pos);
    if (end < 0) end = n;
    const eq = s.indexOf('=', pos);
    if (eq < 0 || eq > end || eq === pos) {
      if (glue && lastKey !== undefined && lastBare) out.set(lastKey, `${out.get(lastKey)} ${s.slice(pos, end)}`);
      pos = end + 1;
      continue;
    }
    const key = s.slice(pos, eq);
    const q = s.charCodeAt(eq + 1);
    let value: string;
    if (q === 34 /* " */) {
      let i = eq + 2;
      let escaped = false;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === 92 /* \ */) {
          escaped = true;
          i++;
        } else if (c === 34) break;
      }
      value = s.slice(eq + 2, Math.min(i, n));
      if (escaped) value = value.replace(/\\(["\\\]])/g, '$1');
      pos = i + 1;
      lastBare = false;
    } else if (q === 0x201c || q === 0x201d) {
      let i = eq + 2;
      while (i < n && s.charCodeAt(i) !== 0x201d && s.charCodeAt(i) !== 0x201c) i++;
      value = s.slice(eq + 2, i);
      pos = i + 1;
      lastBare = false;
    } else {
      value = s.slice(eq + 1, end);
      pos = end + 1;
      lastBare = true;
    }
    if (!out.has(key)) {
      out.set(key, value);
      lastKey = key;
    } else {
      lastKey = undefined;
    }
  }
  return out;
}
