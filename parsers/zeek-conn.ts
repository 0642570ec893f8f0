/**
 * Zeek (Bro) `conn.log`: one record per connection, as TSV (the default ASCII writer) or as JSON
 * (`LogAscii::use_json`, or shipped as NDJSON).
 *
 *   1709648521.123456	CAbc123	203.0.113.7	40522	192.0.2.10	22	tcp	-	-	-	-	S0	F	T	0	S	2	88	0	0	-
 *
 * TSV rows are read in the default field order (ts uid id.orig_h id.orig_p id.resp_h id.resp_p
 * proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes
 * history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents, extra columns after
 * that are ignored): parsers see one line at a time, so a `#fields` line cannot reorder them. The
 * `#separator` / `#fields` / `#types` / `#open` / `#close` … lines are skips (`zeek header`).
 * JSON documents are read by key (flat `id.orig_h` or nested `id: {orig_h}`), `ts` as epoch
 * seconds or an ISO-8601 string.
 *
 * Zeek is a sensor, not a firewall: it sees connections, it does not block them. The action is
 * `unknown` except for `REJ` (the connection attempt was answered with a reset), which is `deny`.
 * `local_orig` / `local_resp` (set from `Site::local_nets`) give the direction: T/F outbound,
 * F/T inbound, T/T internal, F/F external; unset (`-`) gives none. Count = `orig_pkts` (packets
 * the originator sent), at least 1. ICMP "ports" are the type (orig_p) and code (resp_p).
 * TCP flags: those of the originator's first packet as `history` shows it (`S` SYN, `H` SYN-ACK,
 * `A` ACK, `R` RST, `F` FIN); a first data packet (`D`) or no history gives none.
 */
import { epochToMs, parseIsoStamp } from './envelope/stamps';
import { ACK, FIN, flagWords, portOf, RST, SYN, toUint } from './kv-pairs';
import { normalizeIp } from './netfilter';
import type { Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';

const CONN_STATES = new Set(['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH']);
const HEADERS = ['#separator', '#set_separator', '#empty_field', '#unset_field', '#path', '#open', '#fields', '#types', '#close'];
const HISTORY_FLAGS: Record<string, number> = { S: SYN, H: SYN | ACK, A: ACK, R: RST, F: FIN, D: -1 };

/** One connection, whichever way it was written. */
interface Conn {
  ts: number | undefined;
  origH: string;
  origP: string;
  respH: string;
  respP: string;
  proto: string;
  state: string;
  localOrig: string;
  localResp: string;
  history: string;
  origPkts: string;
}

function isTsvRow(m: string): boolean {
  const c = m.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  const t1 = m.indexOf('\t');
  if (t1 < 0 || t1 > 24) return false;
  for (let i = 1; i < t1; i++) {
    const d = m.charCodeAt(i);
    if ((d < 48 || d > 57) && d !== 46) return false;
  }
  // proto is column 7 and conn_state column 12.
  let pos = t1;
  for (let i = 0; i < 5 && pos >= 0; i++) pos = m.indexOf('\t', pos + 1);
  if (pos < 0) return false;
  const t7 = m.indexOf('\t', pos + 1);
  const proto = m.slice(pos + 1, t7);
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp' && proto !== 'unknown_transport') return false;
  let q = t7;
  for (let i = 0; i < 4 && q >= 0; i++) q = m.indexOf('\t', q + 1);
  if (q < 0) return false;
  const end = m.indexOf('\t', q + 1);
  return CONN_STATES.has(m.slice(q + 1, end < 0 ? m.length : end));
}

function isJsonConn(m: string): boolean {
  return m.charCodeAt(0) === 123 /* { */ && m.includes('"conn_state"') && (m.includes('"id.orig_h"') || m.includes('"orig_h"'));
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) === 35 /* # */) return HEADERS.some((h) => m.startsWith(h) && (m.length === h.length || m.charCodeAt(h.length) <= 32));
  return isJsonConn(m) || isTsvRow(m);
}

/** Epoch ms of a TSV `ts` (`1521911721.255387`), exact to the millisecond. */
function tsvTime(s: string): number | undefined {
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  if (!/^\d{1,11}$/.test(whole)) return undefined;
  const frac = dot < 0 ? '' : s.slice(dot + 1, dot + 4).padEnd(3, '0');
  if (!/^\d{3}$/.test(frac) && frac !== '') return undefined;
  return +whole * 1000 + (frac === '' ? 0 : +frac);
}

function fromTsv(m: string): Conn | undefined {
  const f = m.split('\t');
  if (f.length < 12) return undefined;
  return {
    ts: tsvTime(f[0]),
    origH: f[2], origP: f[3], respH: f[4], respP: f[5], proto: f[6], state: f[11],
    localOrig: f[12] ?? '-', localResp: f[13] ?? '-', history: f[15] ?? '-', origPkts: f[16] ?? '-',
  };
}

type Json = Record<string, unknown>;

function get(o: Json, path: string): unknown {
  if (path in o) return o[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const inner = o[path.slice(0, dot)];
  return typeof inner === 'object' && inner !== null ? (inner as Json)[path.slice(dot + 1)] : undefined;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  return '-';
}

function fromJson(m: string, clock: Clock): Conn | undefined {
  let o: unknown;
  try {
    o = JSON.parse(m);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const d = o as Json;
  const t = d.ts;
  let ts: number | undefined;
  // Float seconds: round at the microsecond first so 0.857 does not become 856.999….
  if (typeof t === 'number') ts = t > 1e11 ? epochToMs(t) : Math.floor(Math.round(t * 1e6) / 1000);
  else if (typeof t === 'string') ts = /^\d+(?:\.\d+)?$/.test(t) ? tsvTime(t) : parseIsoStamp(t, 0, clock)?.ts;
  return {
    ts,
    origH: text(get(d, 'id.orig_h')), origP: text(get(d, 'id.orig_p')),
    respH: text(get(d, 'id.resp_h')), respP: text(get(d, 'id.resp_p')),
    proto: text(d.proto), state: text(d.conn_state), localOrig: text(d.local_orig), localResp: text(d.local_resp),
    history: text(d.history), origPkts: text(d.orig_pkts),
  };
}

const DIRECTIONS: Record<string, Direction> = { TF: 'outbound', FT: 'inbound', TT: 'internal', FF: 'external' };

/** Flags of the originator's first packet in `history` (upper case = originator). */
function firstFlags(history: string): string | undefined {
  for (let i = 0; i < history.length; i++) {
    const bits = HISTORY_FLAGS[history[i]];
    if (bits === undefined) continue;
    return bits < 0 ? undefined : flagWords(bits);
  }
  return undefined;
}

function reject(reason: string): ParseOutcome {
  return { kind: 'reject', reason };
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const m = env.message;
  if (m.charCodeAt(0) === 35) return { kind: 'skip', reason: 'zeek header' };
  const json = m.charCodeAt(0) === 123;
  const c = json ? fromJson(m, clock) : fromTsv(m);
  if (!c) return reject(json ? 'bad JSON' : 'truncated');
  const srcIp = normalizeIp(c.origH);
  const dstIp = normalizeIp(c.respH);
  if (srcIp === undefined || dstIp === undefined) return reject(c.origH === '-' || c.respH === '-' ? 'no src/dst' : 'bad address');
  let transport: string;
  switch (c.proto) {
    case 'tcp':
    case 'udp':
      transport = c.proto;
      break;
    case 'icmp':
      transport = srcIp.includes(':') ? 'ipv6-icmp' : 'icmp';
      break;
    default:
      return reject('unknown transport');
  }
  const p1 = portOf(c.origP);
  const p2 = portOf(c.respP);
  if (p1 === -1 || p2 === -1) return reject('bad port');
  const icmp = transport !== 'tcp' && transport !== 'udp';
  if (icmp && ((p1 ?? 0) > 255 || (p2 ?? 0) > 255)) return reject('bad ICMP type');
  if (c.ts === undefined || Number.isNaN(c.ts)) return reject('no timestamp');
  const pkts = toUint(c.origPkts);

  const event: FirewallEvent = {
    ts: c.ts,
    format: 'zeek-conn',
    action: c.state === 'REJ' ? 'deny' : 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort: icmp ? undefined : p1,
    dstPort: icmp ? undefined : p2,
    tcpFlags: transport === 'tcp' ? firstFlags(c.history) : undefined,
    icmpType: icmp ? p1 : undefined,
    icmpCode: icmp ? p2 : undefined,
    hostname: env.hostname,
    direction: DIRECTIONS[c.localOrig + c.localResp],
    count: pkts > 1 ? pkts : undefined,
  };
  return { kind: 'event', event };
}

export const zeekConn: LogParser = {
  id: 'zeek-conn',
  title: 'Zeek conn.log (TSV or JSON)',
  example:
    '1709648521.123456\tCAbc123xyz\t203.0.113.7\t40522\t192.0.2.10\t22\ttcp\t-\t-\t-\t-\tS0\tF\tT\t0\tS\t2\t88\t0\t0\t-',
  sniff,
  parse,
};
