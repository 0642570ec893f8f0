/**
 * What every alert output says of an alert, whatever its kind: who (source), what (kind, the
 * probe kinds with their nmap options), how much (targets and ports, counted and sampled; danger
 * level), when (first, last, the window that saw it), its triage state and the evidence lines.
 * `portledger alerts` (table, CSV, Markdown, JSON), the JSON Lines sink, the webhook and the
 * `--json` stream of watch and listen all build on it, so they cannot drift apart.
 */
import { scanTypeNmap, scanTypeText } from './scan-types';

/** An alert as stored or as the detectors raise it (times as given: epoch ms or text). */
export interface AlertLike {
  kind: string;
  host: string;
  port: number;
  proto: string;
  level?: number | null;
  destinations: number;
  windowS: number;
  state?: string | null;
  evidence: unknown;
}

export interface AlertFacts {
  /** The scanning source; the inside host of a worm burst. */
  source: string;
  /** Danger level 1–5 (psad's 5/15/150/1,500/10,000 packets); null for an alert stored without one. */
  level: number | null;
  /** `SYN (-sS)`, `FIN (-sF) + UDP (-sU)`; '' for a worm burst (outbound connections, not probes). */
  scan_type: string;
  /** The nmap options alone: `-sS`, `-sF, -sU`. */
  nmap: string;
  /** Probe kind ids (contract/scan-types.ts). */
  scan_types: string[];
  targets: number;
  sample_targets: string[];
  ports: number;
  sample_ports: number[];
  /** `fast` (the short window) or `long` (a slow scan, seen only over the long window). */
  window: 'fast' | 'long';
  window_s: number;
  /** Triage: `closed` once acknowledged (dashboard), else `open`. */
  state: 'open' | 'closed';
  first_line: string;
  last_line: string;
  /** When the alert was raised (ISO 8601 UTC): the event that met the threshold; null if not recorded. */
  raised: string | null;
}

type Evidence = {
  firstLine?: unknown; lastLine?: unknown; window?: unknown; raisedAt?: unknown; scanTypes?: unknown; targets?: unknown;
  samplePorts?: unknown; sampleTargets?: unknown; sampleDestinations?: unknown;
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

export function alertFacts(a: AlertLike): AlertFacts {
  const e = (a.evidence && typeof a.evidence === 'object' ? a.evidence : {}) as Evidence;
  const vertical = a.kind === 'vertical-scan';
  const sampleTargets = strings(e.sampleTargets ?? e.sampleDestinations);
  const samplePorts = vertical ? numbers(e.samplePorts) : [a.port];
  const scanTypes = strings(e.scanTypes);
  return {
    source: a.host,
    level: a.level ?? null,
    scan_type: scanTypeText(scanTypes),
    nmap: scanTypeNmap(scanTypes),
    scan_types: scanTypes,
    // A vertical scan counts ports (`destinations`) and its targets beside; the others count targets on one port.
    targets: vertical ? (typeof e.targets === 'number' ? e.targets : Math.max(1, sampleTargets.length)) : a.destinations,
    sample_targets: sampleTargets,
    ports: vertical ? a.destinations : 1,
    sample_ports: samplePorts,
    window: e.window === 'long' ? 'long' : 'fast',
    window_s: a.windowS,
    state: a.state === 'closed' ? 'closed' : 'open',
    first_line: typeof e.firstLine === 'string' ? e.firstLine : '',
    last_line: typeof e.lastLine === 'string' ? e.lastLine : '',
    raised: typeof e.raisedAt === 'number' && Number.isFinite(e.raisedAt) ? new Date(e.raisedAt).toISOString() : null,
  };
}

const few = <T>(xs: T[], n: number) => xs.slice(0, n).join(' ') + (xs.length > n ? ' …' : '');

/** The alert in a few words a table cell holds: what was reached, how, over which window. */
export function evidenceSummary(kind: string, f: AlertFacts): string {
  const slow = f.window === 'long' ? ` (slow: ${Math.round(f.window_s / 3600)} h window)` : '';
  const how = f.scan_type ? `; ${f.scan_type}` : '';
  switch (kind) {
    case 'worm':
      return `${f.targets} hosts on ${f.sample_ports[0]}: ${few(f.sample_targets, 5)}`;
    case 'vertical-scan':
      return `${f.ports} ports of ${f.targets} host${f.targets === 1 ? '' : 's'}: ${few(f.sample_ports, 10)} on ${few(f.sample_targets, 3)}${how}${slow}`;
    case 'horizontal-scan':
      return `${f.targets} hosts on port ${f.sample_ports[0]}: ${few(f.sample_targets, 5)}${how}${slow}`;
    default:
      return f.first_line;
  }
}
