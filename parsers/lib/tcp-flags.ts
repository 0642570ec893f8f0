/**
 * The one TCP-flag table. Events carry flags as upper-case words in the header's own order
 * (`CWR ECE URG ACK PSH RST SYN FIN`, space separated: `ACK SYN`); devices write them as words,
 * letters or a bitmask, each read here.
 */

/** Bit of each flag in the TCP header (bit 7 CWR … bit 0 FIN). */
export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const PSH = 8;
export const ACK = 16;
export const URG = 32;
export const ECE = 64;
export const CWR = 128;

/** Flag words in the contract's order. */
export const FLAG_ORDER: readonly string[] = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];
/** The flag string of every bitmask, so building one costs nothing per line. */
const FLAG_STRINGS = Array.from({ length: 256 }, (_, mask) => FLAG_ORDER.filter((_w, i) => mask & (128 >> i)).join(' '));

/** Canonical flag words of a header bitmask (`18` → `ACK SYN`); `''` for 0. */
export function flagWords(mask: number): string {
  return FLAG_STRINGS[mask & 255];
}

/** Bit of a flag word (`SYN`, `syn`, `PUSH`, `ECN`…), 0 for a word that is no flag. */
const BY_WORD: Record<string, number> = { FIN, SYN, RST, PSH, PUSH: PSH, ACK, URG, ECE, ECN: ECE, CWR };

/** Bit of the three-letter upper-case flag word at s[pos…] (netfilter prints them so), else 0. */
export function flagBitAt(s: string, pos: number): number {
  for (let i = 0; i < FLAG_ORDER.length; i++) if (s.startsWith(FLAG_ORDER[i], pos)) return 128 >> i;
  return 0;
}

/**
 * Bitmask of flag words separated by anything but letters (`FIN-ACK`, `SYN ACK`, `(syn|ack)`,
 * `SYN,ACK`), case ignored. `unknown: 'fail'` gives -1 on a word that is no flag; `'ignore'`
 * passes over it (Cisco and MikroTik print other words beside the flags).
 */
export function flagMaskOfWords(s: string, unknown: 'fail' | 'ignore' = 'fail'): number {
  let mask = 0;
  for (const w of s.toUpperCase().split(/[^A-Z]+/)) {
    if (w === '') continue;
    const bit = BY_WORD[w];
    if (bit === undefined) {
      if (unknown === 'fail') return -1;
      continue;
    }
    mask |= bit;
  }
  return mask;
}

/**
 * tcpdump-style letters as pf's tcpdump, pfSense filterlog and Windows write them: `W` is
 * tcpdump's CWR, `C` filterlog's; `.` is tcpdump's bare ACK.
 */
export const TCPDUMP_LETTERS: Readonly<Record<string, number>> = { C: CWR, W: CWR, E: ECE, U: URG, A: ACK, '.': ACK, P: PSH, R: RST, S: SYN, F: FIN };
/** Snort / DShield letters: `1` and `2` are the two bits above URG (CWR, ECE in today's names). */
export const SNORT_LETTERS: Readonly<Record<string, number>> = { S: SYN, F: FIN, A: ACK, P: PSH, R: RST, U: URG, '1': CWR, '2': ECE, C: CWR, E: ECE };

/** Bitmask of flag letters in `table`; -1 when a letter is not a flag. */
export function flagMaskOfLetters(s: string, table: Readonly<Record<string, number>> = TCPDUMP_LETTERS): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) {
    const b = table[s[i]];
    if (b === undefined) return -1;
    mask |= b;
  }
  return mask;
}

/** `SA` / `FPA` / `S.` → `ACK SYN` …; undefined when empty or when a letter is not a flag. */
export function flagsFromLetters(s: string): string | undefined {
  const mask = flagMaskOfLetters(s);
  return mask <= 0 ? undefined : FLAG_STRINGS[mask];
}
