/**
 * The kinds of probe a scan is made of, as a scan alert names them (`evidence.scanTypes`) and
 * every output shows them: the packet's kind with the nmap option that sends it. The detector
 * decides the kind of each probe (src/detectors/rules/scan-type.ts); outputs only read the ids.
 *
 * psad names the same kinds from the TCP flags (its `%nmap_flags_to_opts`: SYN → "-sT or -sS",
 * FIN → -sF, NULL → -sN, URG PSH FIN → -sX) and calls a source reaching several IP protocols an
 * "Nmap -sO IP protocol scan".
 */

export interface ScanType {
  /** Stable id kept in the evidence (`syn`, `fin`, …). */
  id: string;
  /** What a person reads. */
  label: string;
  /** The nmap option that sends such probes ('' when none does alone). */
  nmap: string;
}

/** In the order outputs list them; a probe kind's bit is `1 << index`. */
export const SCAN_TYPES: readonly ScanType[] = Object.freeze([
  { id: 'ip-proto', label: 'IP protocol', nmap: '-sO' },
  { id: 'syn', label: 'SYN', nmap: '-sS' },
  { id: 'connect', label: 'connect', nmap: '-sT' },
  { id: 'syn-or-connect', label: 'SYN', nmap: '-sS or -sT' },
  { id: 'fin', label: 'FIN', nmap: '-sF' },
  { id: 'null', label: 'NULL', nmap: '-sN' },
  { id: 'xmas', label: 'XMAS', nmap: '-sX' },
  { id: 'tcp-other', label: 'TCP odd flags', nmap: '--scanflags' },
  { id: 'tcp', label: 'TCP (flags not logged)', nmap: '' },
  { id: 'udp', label: 'UDP', nmap: '-sU' },
  { id: 'ping', label: 'ping', nmap: '-sn -PE' },
]);

const BY_ID = new Map(SCAN_TYPES.map((t, i) => [t.id, i]));

/** The bit of a probe kind id (0 for an unknown id). */
export function scanTypeBit(id: string): number {
  const i = BY_ID.get(id);
  return i === undefined ? 0 : 1 << i;
}

/** The ids of a mask of probe kinds, in `SCAN_TYPES` order. */
export function scanTypeIds(mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < SCAN_TYPES.length; i++) if (mask & (1 << i)) out.push(SCAN_TYPES[i].id);
  return out;
}

/** The mask of a list of ids (an alert's evidence read back). */
export function scanTypeMask(ids: unknown): number {
  let m = 0;
  if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') m |= scanTypeBit(id);
  return m;
}

/**
 * `SYN (-sS)`, `FIN (-sF) + UDP (-sU)`: the probe kinds of an alert as one phrase; '' when it has
 * none (a worm burst: outbound connections, not probes).
 */
export function scanTypeText(ids: unknown): string {
  if (!Array.isArray(ids)) return '';
  return ids
    .map((id) => SCAN_TYPES[BY_ID.get(String(id)) ?? -1])
    .filter((t): t is ScanType => t !== undefined)
    .map((t) => (t.nmap ? `${t.label} (${t.nmap})` : t.label))
    .join(' + ');
}

/** The nmap options of an alert's probe kinds: `-sS`, `-sF -sU`; '' when none. */
export function scanTypeNmap(ids: unknown): string {
  if (!Array.isArray(ids)) return '';
  const opts = ids.map((id) => SCAN_TYPES[BY_ID.get(String(id)) ?? -1]?.nmap).filter((o): o is string => !!o);
  return [...new Set(opts)].join(', ');
}
