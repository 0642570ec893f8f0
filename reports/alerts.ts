/**
 * Alerts as a table, CSV or Markdown row: one line each, whatever the kind, with the evidence
 * that kind has (a worm burst's destinations; a scan's ports and targets). JSON keeps the whole
 * evidence object.
 */
import type { Column, Tone } from './render';
import type { AlertRow } from './queries';

export interface FlatAlert {
  id: number;
  kind: string;
  host: string;
  level: number | null;
  port: number;
  proto: string;
  destinations: number;
  peak: number;
  events: number;
  first: string;
  last: string;
  evidence: string;
}

type Evidence = { sampleDestinations?: string[]; samplePorts?: number[]; sampleTargets?: string[]; window?: string; [k: string]: unknown };

const few = <T>(xs: T[] | undefined, n: number) => (xs ?? []).slice(0, n).join(' ') + ((xs?.length ?? 0) > n ? ' …' : '');

/** What an alert's evidence says, in a few words, by kind. */
export function evidenceText(kind: string, e: Evidence): string {
  const slow = e.window === 'long' ? ' (slow, 24 h window)' : '';
  switch (kind) {
    case 'worm':
      return `to ${few(e.sampleDestinations, 5)}`;
    case 'vertical-scan':
      return `ports ${few(e.samplePorts, 10)} of ${few(e.sampleTargets, 3)}${slow}`;
    case 'horizontal-scan':
      return `${few(e.sampleTargets, 5)}${slow}`;
    default: {
      const { firstLine: _f, lastLine: _l, ...rest } = e;
      return JSON.stringify(rest);
    }
  }
}

export function flatAlert(r: AlertRow): FlatAlert {
  return {
    id: r.id, kind: r.kind, host: r.host, level: r.level ?? null, port: r.port, proto: r.proto, destinations: r.destinations, peak: r.peak,
    events: r.events, first: r.first, last: r.last, evidence: evidenceText(r.kind, (r.evidence ?? {}) as Evidence),
  };
}

/**
 * How an alert stands out on a colour terminal: psad's danger levels 4–5 (1,500 and 10,000
 * packets) and a worm burst (an inside host gone bad) in red, 3 in yellow, 1–2 in cyan.
 */
export function alertTone(a: Pick<FlatAlert, 'kind' | 'level'>): Tone {
  if (a.kind === 'worm' || (a.level ?? 0) >= 4) return 'danger';
  return (a.level ?? 0) >= 3 ? 'warning' : 'notice';
}

export const FLAT_ALERT_COLUMNS: Column<FlatAlert>[] = [
  { key: 'kind', title: 'kind', tone: (_v, a) => alertTone(a) },
  { key: 'host', title: 'host' },
  { key: 'level', title: 'level', align: 'right', tone: (_v, a) => (a.level === null ? undefined : alertTone(a)) },
  { key: 'port', title: 'port', align: 'right' },
  { key: 'proto', title: 'proto' },
  { key: 'destinations', title: 'distinct', align: 'right' },
  { key: 'peak', title: 'peak/window', align: 'right' },
  { key: 'events', title: 'packets', align: 'right' },
  { key: 'first', title: 'first' },
  { key: 'last', title: 'last' },
  { key: 'evidence', title: 'evidence' },
];
