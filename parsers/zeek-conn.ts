/**
 * Zeek (Bro) `conn.log`: one record per connection, as TSV (the default ASCII writer) or as JSON
 * (`LogAscii::use_json`, or shipped as NDJSON).
 *
 *   1709648521.123456	CAbc123	203.0.113.7	40522	192.0.2.10	22	tcp	-	-	-	-	S0	F	T	0	S	2	88	0	0	-
 *
 * TSV rows are read by the header: `#separator` (written escaped, `#separator \x09`), `#fields`,
 * `#unset_field` and `#empty_field` are kept in the source's state (`zeek-conn.separator`,
 * `zeek-conn.fields`, `zeek-conn.unset_field`, `zeek-conn.empty_field`), and the rows after them
 * are split on that separator and read by field name, in any order, with any subset of columns.
 * A row whose column count differs from `#fields` is the reject `columns-mismatch`.
 * Without a header (a log piped from the middle of a file) rows are read in the default field
 * order (ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes
 * resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes
 * resp_pkts resp_ip_bytes tunnel_parents, extra columns after that are ignored). All `#…` header
 * lines (`#separator` / `#fields` / `#types` / `#open` / `#close` …) are skips (`log-header`).
 * JSON documents are read by key (flat `id.orig_h` or nested `id: {orig_h}`), `ts` as epoch
 * seconds or an ISO-8601 string; the header does not apply to them.
 *
 * Detection cannot see the header, so it reads the content: a default-order row (numeric ts,
 * proto in column 7, conn_state in column 12), or, for reordered columns, a row with a
 * conn_state, a proto, two addresses and an epoch time among its columns (tab-separated, or
 * separated by whatever character follows a leading ts).
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
import type { Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome, SourceState } from './types';
import { addressReason, readIp } from './lib/ip';
import { portOf, toUint } from './lib/numbers';
import { reject, skip, type RejectCode } from './lib/reasons';
import { ACK, FIN, flagWords, RST, SYN } from './lib/tcp-flags';

const CONN_STATES = new Set(['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH']);
const HEADERS = ['#separator', '#set_separator', '#empty_field', '#unset_field', '#path', '#open', '#fields', '#types', '#close'];
const HISTORY_FLAGS: Record<string, number> = { S: SYN, H: SYN | ACK, A: ACK, R: RST, F: FIN, D: -1 };
const PROTOS = new Set(['tcp', 'udp', 'icmp', 'unknown_transport']);

/** Where the header of this source is kept. */
const KEY = {
  separator: 'zeek-conn.separator',
  fields: 'zeek-conn.fields',
  unset: 'zeek-conn.unset_field',
  empty: 'zeek-conn.empty_field',
} as const;
/** conn.log's default field order, used when no `#fields` line was seen. */
const DEFAULT_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents'];

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

/** A row in the default field order, tab-separated: the common case, checked by position. */
function isDefaultRow(m: string): boolean {
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
  if (!PROTOS.has(proto)) return false;
  let q = t7;
  for (let i = 0; i < 4 && q >= 0; i++) q = m.indexOf('\t', q + 1);
  if (q < 0) return false;
  const end = m.indexOf('\t', q + 1);
  return CONN_STATES.has(m.slice(q + 1, end < 0 ? m.length : end));
}

const EPOCH = /^\d{9,11}(?:\.\d{1,9})?$/;
const LEADING_TS = /^\d{9,11}(?:\.\d{1,9})?([^\w.\s])/;

/**
 * A row whose columns a `#fields` header may have reordered or reduced: among its columns a
 * conn_state, a proto, two addresses and an epoch time. The separator is the tab, or the
 * character that follows a leading ts (`#separator \x2c`).
 */
function isReorderedRow(m: string): boolean {
  let sep = '\t';
  if (m.indexOf('\t') < 0) {
    const lead = LEADING_TS.exec(m);
    if (!lead) return false;
    sep = lead[1];
  }
  if (!(m.includes('tcp') || m.includes('udp') || m.includes('icmp') || m.includes('unknown_transport'))) return false;
  const cols = m.split(sep);
  if (cols.length < 5) return false;
  let state = false, proto = false, time = false, ips = 0;
  for (const v of cols) {
    if (CONN_STATES.has(v)) state = true;
    else if (PROTOS.has(v)) proto = true;
    else if (EPOCH.test(v)) time = true;
    else if ((v.includes('.') || v.includes(':')) && readIp(v) !== undefined) ips++;
  }
  return state && proto && time && ips >= 2;
}

function isTsvRow(m: string): boolean {
  return isDefaultRow(m) || isReorderedRow(m);
}

function isJsonConn(m: string): boolean {
  return m.charCodeAt(0) === 123 /* { */ && m.includes('"conn_state"') && (m.includes('"id.orig_h"') || m.includes('"orig_h"'));
}

/** The header keyword of a `#…` line (`#fields`), or `undefined`. */
function headerWord(m: string): string | undefined {
  // The keyword ends at the separator, whatever it is: not at a letter, digit or underscore.
  return HEADERS.find((h) => m.startsWith(h) && (m.length === h.length || !/\w/.test(m[h.length])));
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) === 35 /* # */) return headerWord(m) !== undefined;
  return isJsonConn(m) || isTsvRow(m);
}

/** `\x09` → tab: Zeek writes the separator escaped. */
function unescapeHex(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function stateString(state: SourceState | undefined, key: string): string | undefined {
  const v = state?.get(key);
  return typeof v === 'string' ? v : undefined;
}

function stateFields(state: SourceState | undefined): readonly string[] | undefined {
  const v = state?.get(KEY.fields);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Keeps what a header line declares; every header line is a skip. */
function readHeader(m: string, state: SourceState | undefined): ParseOutcome {
  const word = headerWord(m);
  if (state && word !== undefined) {
    if (word === '#separator') {
      // `#separator \x09`: the one header line that is always space-separated.
      const sep = unescapeHex(m.slice(word.length + 1));
      if (sep.length > 0) state.set(KEY.separator, sep);
    } else {
      const sep = stateString(state, KEY.separator) ?? '\t';
      if (m.startsWith(sep, word.length)) {
        const values = m.slice(word.length + sep.length).split(sep);
        if (word === '#fields') state.set(KEY.fields, values);
        else if (word === '#unset_field') state.set(KEY.unset, values[0]);
        else if (word === '#empty_field') state.set(KEY.empty, values[0]);
      }
    }
  }
  return skip('log-header');
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

/** A TSV row read by the declared (or default) fields; a reason when it cannot be split. */
function fromTsv(m: string, state: SourceState | undefined): Conn | RejectCode {
  const declared = stateFields(state);
  const f = m.split(stateString(state, KEY.separator) ?? '\t');
  if (declared && f.length !== declared.length) return 'columns-mismatch';
  if (!declared && f.length < 12) return 'truncated';
  const names = declared ?? DEFAULT_FIELDS;
  const unset = stateString(state, KEY.unset) ?? '-';
  const empty = stateString(state, KEY.empty) ?? '(empty)';
  /** A column's value; `-` for unset, empty or absent. */
  const col = (name: string): string => {
    const i = names.indexOf(name);
    const v = i < 0 ? undefined : f[i];
    return v === undefined || v === unset || v === empty || v === '' ? '-' : v;
  };
  const ts = col('ts');
  return {
    ts: ts === '-' ? undefined : tsvTime(ts),
    origH: col('id.orig_h'), origP: col('id.orig_p'), respH: col('id.resp_h'), respP: col('id.resp_p'), proto: col('proto'),
    state: col('conn_state'), localOrig: col('local_orig'), localResp: col('local_resp'), history: col('history'), origPkts: col('orig_pkts'),
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

function parse(env: Envelope, clock: Clock, state?: SourceState): ParseOutcome {
  const m = env.message;
  if (m.charCodeAt(0) === 35) return readHeader(m, state);
  const json = m.charCodeAt(0) === 123;
  const c = json ? fromJson(m, clock) : fromTsv(m, state);
  if (typeof c === 'string') return reject(c);
  if (!c) return reject('bad-json');
  if (c.origH === '-' || c.respH === '-') return reject('no-addresses');
  const srcIp = readIp(c.origH);
  if (srcIp === undefined) return reject(addressReason(c.origH));
  const dstIp = readIp(c.respH);
  if (dstIp === undefined) return reject(addressReason(c.respH));
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
      return reject('bad-protocol');
  }
  const p1 = portOf(c.origP);
  const p2 = portOf(c.respP);
  if (p1 === -1 || p2 === -1) return reject('bad-port');
  const icmp = transport !== 'tcp' && transport !== 'udp';
  if (icmp && ((p1 ?? 0) > 255 || (p2 ?? 0) > 255)) return reject('bad-icmp-type');
  if (c.ts === undefined) return reject('no-timestamp');
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
