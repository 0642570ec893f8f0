/**
 * The live panel of `watch` and `listen`: the last ten minutes at a glance, read from the store
 * (time-range queries on the `events_ts` index) every couple of seconds.
 */
import type { DB } from '../src/store/db';
import { PORTED } from '../parsers/lib/protocols';
import { PORT_NOT_LOGGED } from '../src/store/rollups/aggregate';
import { formatInstant } from './time';
import { terminalSafe } from '../src/util/terminal-text';
import { displayWidth, padTo, truncateTo } from '../src/util/terminal-width';
import { render, type Column } from './render';

export interface LiveSnapshot {
  /** Events per minute by class over the last 10 minutes. */
  perMinute: Record<string, number>;
  topPorts: { port: number; proto: string; events: number; sources: number }[];
  topSources: { src: string; events: number; ports: number }[];
  alerts: { kind: string; host: string; port: number; level: number | null; destinations: number; last: string }[];
}

const WINDOW_MS = 10 * 60_000;
/** The rollup port over events_named (transport by name): TCP / UDP without a logged port is -1, shown `-`. */
const PORT = `coalesce(dport, icmp_type, CASE WHEN transport IN (SELECT value FROM json_each(?)) THEN ${PORT_NOT_LOGGED} ELSE 0 END)`;
const PORTED_JSON = JSON.stringify([...PORTED]);

export function liveSnapshot(db: DB, tz: string, now = Date.now()): LiveSnapshot {
  const from = now - WINDOW_MS;
  const perClass = db
    .prepare('SELECT class, sum(count) AS n FROM events_named WHERE ts >= ? GROUP BY class')
    .all(from) as { class: string; n: number }[];
  const perMinute: Record<string, number> = {};
  for (const r of perClass) perMinute[r.class] = Math.round((r.n / 10) * 10) / 10;
  const topPorts = db
    .prepare(
      `SELECT ${PORT} AS port, transport AS proto, sum(count) AS events, count(DISTINCT src) AS sources
       FROM events_named WHERE ts >= ? AND class = 'scan' GROUP BY 1, 2 ORDER BY events DESC LIMIT 5`,
    )
    .all(PORTED_JSON, from) as LiveSnapshot['topPorts'];
  const topSources = db
    .prepare(
      `SELECT src, sum(count) AS events, count(DISTINCT ${PORT}) AS ports
       FROM events_named WHERE ts >= ? AND class = 'scan' GROUP BY src ORDER BY events DESC LIMIT 5`,
    )
    .all(PORTED_JSON, from) as LiveSnapshot['topSources'];
  const alerts = (db.prepare('SELECT kind, host, port, level, destinations, last FROM alerts ORDER BY updated DESC LIMIT 5').all() as (Omit<LiveSnapshot['alerts'][number], 'last'> & { last: number })[]).map(
    (a) => ({ ...a, last: formatInstant(a.last, tz) }),
  );
  return { perMinute, topPorts, topSources, alerts };
}

/** Columns of a terminal whose width is not known (a pipe never gets the panel, but tests do). */
export const PANEL_WIDTH = 80;
const BESIDE_GAP = '    ';

type PortCell = LiveSnapshot['topPorts'][number] & { shown: number | null };
const PORT_COLUMNS: Column<PortCell>[] = [
  { key: 'shown', title: 'port', align: 'right', empty: '-' },
  { key: 'proto', title: 'proto' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'sources', title: 'sources', align: 'right' },
];
const SOURCE_COLUMNS: Column<LiveSnapshot['topSources'][number]>[] = [
  { key: 'src', title: 'source' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'ports', title: 'ports', align: 'right' },
];
type AlertCell = Omit<LiveSnapshot['alerts'][number], 'level'> & { level: string };
const ALERT_COLUMNS: Column<AlertCell>[] = [
  // A time is never cut (right-aligned columns keep their width); every value has the same length.
  { key: 'last', title: 'last', align: 'right' },
  { key: 'kind', title: 'kind' },
  { key: 'level', title: 'level', align: 'right' },
  { key: 'host', title: 'host' },
  { key: 'port', title: 'port', align: 'right' },
  { key: 'destinations', title: 'distinct', align: 'right' },
];

/** A table's lines fitted to `width` (render.ts: text cells cut with …, numbers never). */
function tableLines<R extends object>(title: string, rows: R[], columns: Column<R>[], width: number | undefined): string[] {
  const body = rows.length ? render(rows, columns, 'table', 'none', { width }).trimEnd().split('\n') : ['  none'];
  return [title, ...body];
}

/** Words (already terminal-safe) joined with two spaces, wrapped at `width`; a word wider than the line is cut. */
function wrapParts(parts: string[], width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const raw of parts.filter((p) => p.length > 0)) {
    const p = truncateTo(raw, width);
    if (line && displayWidth(line) + 2 + displayWidth(p) > width) {
      out.push(line);
      line = p;
    } else line = line ? `${line}  ${p}` : p;
  }
  if (line || !out.length) out.push(line);
  return out;
}

/** Text parts (from anywhere: made terminal-safe here) as panel lines of at most `width` columns. */
export function panelText(parts: string[], width = PANEL_WIDTH): string[] {
  return wrapParts(parts.map(terminalSafe), Math.max(20, Math.floor(width)));
}

/**
 * The panel as text lines for a terminal of `width` columns: no line is wider (nothing wraps or
 * runs together), log text is terminal-safe. The header is a list of parts (counts, status,
 * problems) wrapped onto as many lines as they need rather than cut. Top ports and top sources
 * sit side by side when both fit, else one above the other.
 */
export function renderPanel(s: LiveSnapshot, header: string | string[], width = PANEL_WIDTH): string[] {
  const w = Math.max(20, Math.floor(width));
  const lines = [...panelText(Array.isArray(header) ? header : [header], w), ''];
  const classes = Object.entries(s.perMinute).map(([k, v]) => terminalSafe(`${k} ${v}`));
  lines.push(...wrapParts(['events/min (last 10 min):', ...(classes.length ? classes : ['none'])], w), '');
  const ports = s.topPorts.map((p) => ({ ...p, shown: p.port === PORT_NOT_LOGGED ? null : p.port }));
  const left = tableLines('top ports (10 min)', ports, PORT_COLUMNS, undefined);
  const leftWidth = Math.max(...left.map(displayWidth));
  // Beside the ports when an address (up to an IPv6 address's 39 columns) fits whole there.
  const digits = (title: string, ns: number[]) => Math.max(title.length, ...ns.map((n) => String(n).length));
  const addressWidth = Math.min(39, Math.max(6, ...s.topSources.map((x) => displayWidth(terminalSafe(x.src)))));
  const rightNeed = addressWidth + 4 + digits('events', s.topSources.map((x) => x.events)) + digits('ports', s.topSources.map((x) => x.ports));
  const room = w - leftWidth - BESIDE_GAP.length;
  if (rightNeed <= room) {
    const right = tableLines('top sources (10 min)', s.topSources, SOURCE_COLUMNS, room);
    for (let i = 0; i < Math.max(left.length, right.length); i++) lines.push(`${padTo(left[i] ?? '', leftWidth)}${BESIDE_GAP}${right[i] ?? ''}`.trimEnd());
  } else {
    lines.push(...tableLines('top ports (10 min)', ports, PORT_COLUMNS, w), '', ...tableLines('top sources (10 min)', s.topSources, SOURCE_COLUMNS, w));
  }
  const alerts = s.alerts.map((a) => ({ ...a, last: a.last.slice(0, 19).replace('T', ' '), level: a.level ? `${a.level}/5` : '' }));
  lines.push('', ...tableLines('latest alerts', alerts, ALERT_COLUMNS, w));
  // The tables are as narrow as their numbers allow; on a terminal narrower than that, cut.
  return lines.map((l) => truncateTo(l, w));
}
