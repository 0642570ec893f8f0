import type { Clock, Envelope } from '../types';
import { epochToMs, parseIsoStamp } from './stamps';

type Json = Record<string, unknown>;

function get(o: Json, path: string): unknown {
  if (path in o) return o[path]; // flattened dotted keys (`id.orig_h`, `log.syslog…`)
  let cur: unknown = o;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[k];
  }
  return cur;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function timeOf(o: Json, clock: Clock): number | undefined {
  // journald export: microseconds as a decimal string.
  const rt = str(o.__REALTIME_TIMESTAMP) ?? str(o._SOURCE_REALTIME_TIMESTAMP);
  if (rt && /^\d+$/.test(rt)) return Math.floor(+rt / 1000);
  const stamp = get(o, '@timestamp') ?? get(o, 'timestamp');
  if (typeof stamp === 'number') return epochToMs(stamp);
  if (typeof stamp === 'string') {
    // ISO-8601 read field by field (Date.parse rolls Feb 30 over into March); other forms as JS reads them.
    const iso = parseIsoStamp(stamp, 0, clock);
    if (iso) return iso.ts;
    const t = Date.parse(stamp);
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

/**
 * A JSON record: journald (`journalctl -o json`) or a Filebeat / Logstash event that carries the
 * original line in `message`. JSON that is data in its own right (Zeek, flow logs) keeps the
 * whole document as the message for its format parser.
 */
export function peelJson(raw: string, s: string, clock: Clock): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(s);
  } catch {
    return { raw, message: s, kind: 'none' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { raw, message: s, kind: 'none' };
  let o = doc as Json;
  // A test or export wrapper around a single event: `{"events": [{…}]}`.
  if (Array.isArray(o.events) && o.events.length === 1 && typeof o.events[0] === 'object' && o.events[0] !== null) o = o.events[0] as Json;
  const message = str(o.MESSAGE) ?? str(get(o, 'message')) ?? str(get(o, 'event.original'));
  if (message === undefined) return { raw, message: s, kind: 'json' };
  const env: Envelope = { raw, message, kind: 'json' };
  const ts = timeOf(o, clock);
  if (ts !== undefined) env.ts = ts;
  const host = str(o._HOSTNAME) ?? str(get(o, 'host.hostname')) ?? str(get(o, 'host.name')) ?? str(o.hostname);
  if (host) env.hostname = host;
  const tag = str(o.SYSLOG_IDENTIFIER) ?? str(get(o, 'syslog.identifier')) ?? str(get(o, 'journald.process.name'));
  if (tag) env.tag = tag;
  return env;
}
