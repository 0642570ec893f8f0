/**
 * Windows Defender Firewall `pfirewall.log` (W3C extended log format, `#Version: 1.5`).
 *
 * The `#Fields:` header decides the columns: it is a skip (`log-header`), and its field list is
 * kept in the source's state (`windows-firewall.fields`); the data lines after it are read by
 * those names, in any order, with optional columns (`info`, `path`, `pid`, …) present or not. A
 * data line whose column count differs from the declared fields is the reject
 * `columns-mismatch`. A log without a `#Fields:` line (piped from the middle of a
 * file) falls back to the layouts Windows has written, recognized by their column count:
 *   16  date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack
 *       tcpwin icmptype icmpcode info                      (XP / Server 2003: no path)
 *   17  … info path                                        (Vista … Windows 11, the default)
 *   18  … info path pid                                    (Windows 11 22H2+ / Server 2022+)
 * `-` is an empty value. Header lines (`#Version`, `#Software`, `#Time Format`, `#Fields`) are
 * skipped as `log-header`; `INFO-EVENTS-LOST` (the driver's buffer overflowed; the number of lost
 * events is in the `info` column) is the skip `device-lost-records`.
 *
 * Detection cannot see the header, so it reads the content: the usual `date time action …` start,
 * or (columns reordered by a header) a line holding a date, a time, an action word and two
 * addresses among plain space-separated values.
 *
 * Time: `date time` is the host's local time (`#Time Format: Local`) → clock.localToUtc in --tz.
 * The envelope reads `2021-06-22 12:19:41 DROP …` as an ISO-8601 relay stamp followed by the
 * host `DROP`; this parser therefore re-reads the raw line and ignores that host name.
 *
 * Direction: `path` is relative to this host: SEND → outbound, RECEIVE → inbound (evidence for
 * the classifier); FORWARD (routed through the host) sets none. There are no interface names.
 */
import type { Action, Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome, SourceState } from './types';
import { addressReason, readIp } from './lib/ip';
import { toUint } from './lib/numbers';
import { protoOfNumber } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { flagsFromLetters } from './lib/tcp-flags';

/** XP also wrote OPEN / OPEN-INBOUND (a connection was allowed) and CLOSE (it ended). */
const ACTIONS = new Map<string, Action>([['ALLOW', 'allow'], ['DROP', 'deny'], ['OPEN', 'allow'], ['OPEN-INBOUND', 'allow']]);
const PATHS = new Map<string, Direction>([['SEND', 'outbound'], ['RECEIVE', 'inbound']]);
const HEADERS = ['#Version:', '#Software:', '#Time Format:'];

/** Where the declared `#Fields:` list of this source is kept. */
const FIELDS_KEY = 'windows-firewall.fields';
/** The layouts Windows writes, used when no `#Fields:` line was seen; index = column count − 16. */
const XP_FIELDS = ['date', 'time', 'action', 'protocol', 'src-ip', 'dst-ip', 'src-port', 'dst-port', 'size', 'tcpflags', 'tcpsyn', 'tcpack', 'tcpwin', 'icmptype', 'icmpcode', 'info'];
const LAYOUTS: readonly (readonly string[])[] = [XP_FIELDS, [...XP_FIELDS, 'path'], [...XP_FIELDS, 'path', 'pid']];
/** A `#Fields:` line must name these to be a pfirewall header (IIS and others use other names). */
const REQUIRED = ['date', 'time', 'action', 'protocol', 'src-ip', 'dst-ip'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;
/** Characters no pfirewall value holds, but syslog tags (`kernel:`), key=value and CSV formats do. */
const FOREIGN = /:$|[="'\[\](){},;<>]/;

function isAction(w: string): boolean {
  return ACTIONS.has(w) || w === 'INFO-EVENTS-LOST' || w === 'CLOSE';
}

/** `YYYY-MM-DD HH:MM:SS ` followed by a pfirewall action word: the layout Windows writes. */
function isUsualRecord(s: string): boolean {
  if (s.length < 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 32) return false;
  const sp = s.indexOf(' ', 20);
  if (sp < 0) return false;
  return isAction(s.slice(20, sp));
}

/**
 * Columns in another order (a `#Fields:` header decided them): plain space-separated values
 * holding a date, a time, an action word and two addresses (none for INFO-EVENTS-LOST).
 */
function isReorderedRecord(s: string): boolean {
  if (!(s.includes('DROP') || s.includes('ALLOW') || s.includes('OPEN') || s.includes('CLOSE') || s.includes('INFO-EVENTS-LOST'))) return false;
  const t = s.split(' ');
  if (t.length < 6) return false;
  let date = false, time = false, action = '', ips = 0;
  for (const w of t) {
    if (w === '' || w === '-') continue;
    if (DATE.test(w)) date = true;
    else if (TIME.test(w)) time = true;
    else if (isAction(w)) action = w;
    else if ((w.includes('.') || w.includes(':')) && readIp(w) !== undefined) ips++;
    else if (FOREIGN.test(w)) return false;
  }
  return date && time && action !== '' && (ips >= 2 || action === 'INFO-EVENTS-LOST');
}

function isRecord(s: string): boolean {
  return isUsualRecord(s) || isReorderedRecord(s);
}

/** The W3C record of this envelope: the message (relayed line) or the raw line the envelope split. */
function record(env: Envelope): string | undefined {
  if (isRecord(env.message)) return env.message;
  if (env.kind !== 'iso8601') return undefined;
  const raw = env.raw.charCodeAt(0) === 0xfeff ? env.raw.slice(1) : env.raw;
  return isRecord(raw) ? raw : undefined;
}

/** The names of a `#Fields:` line (lower case), or `undefined` when it is not a pfirewall one. */
function declaredFields(s: string): string[] | undefined {
  if (!s.startsWith('#Fields:')) return undefined;
  const names = s.slice(8).trim().toLowerCase().split(/\s+/);
  return REQUIRED.every((n) => names.includes(n)) ? names : undefined;
}

function withoutBom(m: string): string {
  return m.charCodeAt(0) === 0xfeff ? m.slice(1) : m;
}

function isHeader(m: string): boolean {
  const s = withoutBom(m);
  if (s.charCodeAt(0) !== 35 /* # */) return false;
  if (s.startsWith('#Software:')) return s.includes('Windows Firewall') || s.includes('Windows Defender Firewall');
  if (s.startsWith('#Fields:')) return declaredFields(s) !== undefined;
  return HEADERS.some((h) => s.startsWith(h)) && (!s.startsWith('#Version:') || s.trimEnd() === '#Version: 1.5');
}

/** The field list a `#Fields:` line stored for this source, if any. */
function fieldsOf(state: SourceState | undefined): readonly string[] | undefined {
  const v = state?.get(FIELDS_KEY);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function sniff(env: Envelope): boolean {
  const c = env.message.charCodeAt(0);
  if (c === 35 || c === 0xfeff) return isHeader(env.message);
  return record(env) !== undefined;
}

function transportOf(proto: string, v6: boolean): string | undefined {
  switch (proto) {
    case 'TCP': return 'tcp';
    case 'UDP': return 'udp';
    // Windows writes ICMP for ICMPv6 too; the address family tells them apart.
    case 'ICMP': return v6 ? 'ipv6-icmp' : 'icmp';
    case 'ICMPv6': case 'ICMPV6': return 'ipv6-icmp';
  }
  const n = toUint(proto);
  return n < 0 || n > 255 ? undefined : protoOfNumber(n);
}

function parse(env: Envelope, clock: Clock, state?: SourceState): ParseOutcome {
  if (env.message.charCodeAt(0) === 35 || env.message.charCodeAt(0) === 0xfeff) {
    const fields = declaredFields(withoutBom(env.message));
    if (fields && state) state.set(FIELDS_KEY, fields);
    return skip('log-header');
  }
  const rec = record(env);
  if (rec === undefined) return reject('unrecognized-message');
  let f = rec.trimEnd().split(' ');
  // Windows separates with one space; a hand-edited or re-flowed file may not.
  if (f.includes('')) f = f.filter((x) => x !== '');
  const declared = fieldsOf(state);
  const actionWord = f[declared ? declared.indexOf('action') : 2];
  if (actionWord === 'INFO-EVENTS-LOST') return skip('device-lost-records');
  if (actionWord === 'CLOSE') return skip('session-end');
  let names: readonly string[];
  if (declared) {
    if (f.length !== declared.length) return reject('columns-mismatch');
    names = declared;
  } else {
    if (f.length < 16) return reject('truncated');
    if (f.length > 18) return reject('unknown-layout');
    names = LAYOUTS[f.length - 16];
  }
  /** The value of a named column; `-` when the layout has no such column. */
  const col = (name: string): string => {
    const i = names.indexOf(name);
    return i < 0 ? '-' : f[i];
  };

  const d = col('date');
  const t = col('time');
  if (!DATE.test(d) || !TIME.test(t)) return reject('bad-timestamp');
  const year = +d.slice(0, 4), month = +d.slice(5, 7), day = +d.slice(8, 10);
  const hour = +t.slice(0, 2), minute = +t.slice(3, 5), second = +t.slice(6, 8);
  // NaN when the fields name no real time (Feb 30, 24:00): the reject impossible-date.
  const ts = clock.localToUtc(year, month, day, hour, minute, second);

  const srcIp = readIp(col('src-ip'));
  if (srcIp === undefined) return reject(addressReason(col('src-ip')));
  const dstIp = readIp(col('dst-ip'));
  if (dstIp === undefined) return reject(addressReason(col('dst-ip')));
  const transport = transportOf(col('protocol'), srcIp.indexOf(':') >= 0);
  if (transport === undefined) return reject('bad-protocol');

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  if (transport === 'tcp' || transport === 'udp') {
    // A layout without port columns gives no ports; a port column must hold a port.
    srcPort = names.includes('src-port') ? toUint(col('src-port')) : undefined;
    dstPort = names.includes('dst-port') ? toUint(col('dst-port')) : undefined;
    if ((srcPort ?? 0) < 0 || (dstPort ?? 0) < 0 || (srcPort ?? 0) > 65535 || (dstPort ?? 0) > 65535) return reject('bad-port');
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const ty = toUint(col('icmptype'));
    const co = toUint(col('icmpcode'));
    if (ty > 255 || co > 255) return reject('bad-icmp-type');
    icmpType = ty >= 0 ? ty : undefined;
    icmpCode = co >= 0 ? co : undefined;
  }
  const size = toUint(col('size'));
  const flags = col('tcpflags');

  const event: FirewallEvent = {
    ts,
    format: 'windows-firewall',
    action: ACTIONS.get(col('action')) ?? 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' && flags !== '-' ? flagsFromLetters(flags) : undefined,
    icmpType,
    icmpCode,
    // `size` is the packet size in bytes; Windows writes 0 for packets it did not measure.
    length: size > 0 ? size : undefined,
    direction: PATHS.get(col('path')),
    // A relay's host name is real; the envelope's guess from a bare line is the action word.
    hostname: rec === env.message ? env.hostname : undefined,
  };
  return { kind: 'event', event };
}

export const windowsFirewall: LogParser = {
  id: 'windows-firewall',
  title: 'Windows Defender Firewall (pfirewall.log, W3C)',
  example: '2024-03-03 10:15:42 DROP TCP 203.0.113.7 192.0.2.10 51234 3389 52 S 1414213562 0 64240 - - - RECEIVE',
  sniff,
  parse,
};
