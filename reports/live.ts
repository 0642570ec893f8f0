/**
 * The live panel of `watch` and `listen`: the last ten minutes at a glance, read from the store
 * (time-range queries on the `events_ts` index) every couple of seconds.
 */
import type { DB } from '../src/store/db';
import { PORTED } from '../parsers/lib/protocols';
import { PORT_NOT_LOGGED } from '../src/store/rollups/aggregate';
import { formatInstant } from './time';
import { terminalSafe } from '../src/util/terminal-text';

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

const clean = terminalSafe;

/** The panel as text lines for a terminal. */
export function renderPanel(s: LiveSnapshot, header: string): string[] {
  const lines = [clean(header), ''];
  const classes = Object.entries(s.perMinute).map(([k, v]) => `${k} ${v}`).join('   ');
  lines.push(`events/min (last 10 min): ${classes || 'none'}`, '');
  lines.push('top ports (10 min)            top sources (10 min)');
  for (let i = 0; i < 5; i++) {
    const p = s.topPorts[i];
    const src = s.topSources[i];
    const left = p ? `${(p.port === PORT_NOT_LOGGED ? '-' : String(p.port)).padStart(5)}/${p.proto.padEnd(4)} ${String(p.events).padStart(6)} ev ${String(p.sources).padStart(5)} src` : '';
    const right = src ? `${clean(src.src).padEnd(39)} ${String(src.events).padStart(6)} ev ${String(src.ports).padStart(4)} ports` : '';
    lines.push(`${left.padEnd(30)}${right}`);
  }
  lines.push('', 'latest alerts');
  if (s.alerts.length === 0) lines.push('  none');
  for (const a of s.alerts) lines.push(clean(`  ${a.last}  ${a.kind}${a.level ? ` [${a.level}/5]` : ''}  ${a.host}  port ${a.port}  ${a.destinations} distinct`));
  return lines;
}
