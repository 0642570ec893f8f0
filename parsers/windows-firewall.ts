/**
 * Windows Defender Firewall `pfirewall.log` (W3C extended log format, `#Version: 1.5`).
 *
 * The `#Fields:` header declares the columns, but parsers see one line at a time, so the layouts
 * Windows has ever written are recognized by their column count instead:
 *   16  date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack
 *       tcpwin icmptype icmpcode info                      (XP / Server 2003: no path)
 *   17  … info path                                        (Vista … Windows 11, the default)
 *   18  … info path pid                                    (Windows 11 22H2+ / Server 2022+)
 * `-` is an empty value. Header lines (`#Version`, `#Software`, `#Time Format`, `#Fields`) are
 * skipped as `w3c header`; `INFO-EVENTS-LOST` (the driver's buffer overflowed; the number of lost
 * events is in the `info` column) is the skip `info-events-lost`.
 *
 * Time: `date time` is the host's local time (`#Time Format: Local`) → clock.localToUtc in --tz.
 * The envelope reads `2021-06-22 12:19:41 DROP …` as an ISO-8601 relay stamp followed by the
 * host `DROP`; this parser therefore re-reads the raw line and ignores that host name.
 *
 * Direction: `path` is relative to this host: SEND → outbound, RECEIVE → inbound (evidence for
 * the classifier); FORWARD (routed through the host) sets none. There are no interface names.
 */
import { normalizeIp, PROTO_NUMBERS } from './netfilter';
import { flagsFromLetters } from './pfsense';
import type { Action, Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';

/** XP also wrote OPEN / OPEN-INBOUND (a connection was allowed) and CLOSE (it ended). */
const ACTIONS = new Map<string, Action>([['ALLOW', 'allow'], ['DROP', 'deny'], ['OPEN', 'allow'], ['OPEN-INBOUND', 'allow']]);
const PATHS = new Map<string, Direction>([['SEND', 'outbound'], ['RECEIVE', 'inbound']]);
const HEADERS = ['#Version:', '#Software:', '#Time Format:', '#Fields: date time action'];

/** `YYYY-MM-DD HH:MM:SS ` followed by a pfirewall action word. */
function isRecord(s: string): boolean {
  if (s.length < 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 32) return false;
  const sp = s.indexOf(' ', 20);
  if (sp < 0) return false;
  const action = s.slice(20, sp);
  return ACTIONS.has(action) || action === 'INFO-EVENTS-LOST' || action === 'CLOSE';
}

/** The W3C record of this envelope: the message (relayed line) or the raw line the envelope split. */
function record(env: Envelope): string | undefined {
  if (isRecord(env.message)) return env.message;
  if (env.kind !== 'iso8601') return undefined;
  const raw = env.raw.charCodeAt(0) === 0xfeff ? env.raw.slice(1) : env.raw;
  return isRecord(raw) ? raw : undefined;
}

function isHeader(m: string): boolean {
  const s = m.charCodeAt(0) === 0xfeff ? m.slice(1) : m;
  if (s.charCodeAt(0) !== 35 /* # */) return false;
  if (s.startsWith('#Software:')) return s.includes('Windows Firewall') || s.includes('Windows Defender Firewall');
  return HEADERS.some((h) => s.startsWith(h)) && (!s.startsWith('#Version:') || s.trimEnd() === '#Version: 1.5');
}

function sniff(env: Envelope): boolean {
  const c = env.message.charCodeAt(0);
  if (c === 35 || c === 0xfeff) return isHeader(env.message);
  return record(env) !== undefined;
}

function reject(reason: string): ParseOutcome {
  return { kind: 'reject', reason };
}

/** Non-negative decimal of at most 10 digits, or -1 (also for `-`). */
function toUint(s: string): number {
  if (s.length === 0 || s.length > 10) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
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
  if (n < 0 || n > 255) return undefined;
  return PROTO_NUMBERS[n] ?? String(n);
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  if (env.message.charCodeAt(0) === 35 || env.message.charCodeAt(0) === 0xfeff) return { kind: 'skip', reason: 'w3c header' };
  const rec = record(env);
  if (rec === undefined) return reject('not a pfirewall record');
  let f = rec.trimEnd().split(' ');
  // Windows separates with one space; a hand-edited or re-flowed file may not.
  if (f.includes('')) f = f.filter((x) => x !== '');
  if (f[2] === 'INFO-EVENTS-LOST') return { kind: 'skip', reason: 'info-events-lost' };
  if (f[2] === 'CLOSE') return { kind: 'skip', reason: 'connection close' };
  if (f.length < 16) return reject('truncated');
  if (f.length > 18) return reject('unknown column layout');

  const d = f[0];
  const t = f[1];
  const year = +d.slice(0, 4), month = +d.slice(5, 7), day = +d.slice(8, 10);
  const hour = +t.slice(0, 2), minute = +t.slice(3, 5), second = +t.slice(6, 8);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60) || t.length < 8) {
    return reject('bad timestamp');
  }
  const ts = clock.localToUtc(year, month, day, hour, minute, second);

  const srcIp = normalizeIp(f[4]);
  const dstIp = normalizeIp(f[5]);
  if (srcIp === undefined || dstIp === undefined) return reject('bad address');
  const transport = transportOf(f[3], srcIp.indexOf(':') >= 0);
  if (transport === undefined) return reject('bad protocol');

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  if (transport === 'tcp' || transport === 'udp') {
    srcPort = toUint(f[6]);
    dstPort = toUint(f[7]);
    if (srcPort < 0 || dstPort < 0 || srcPort > 65535 || dstPort > 65535) return reject('bad port');
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const ty = toUint(f[13]);
    const co = toUint(f[14]);
    if (ty > 255 || co > 255) return reject('bad ICMP type');
    icmpType = ty >= 0 ? ty : undefined;
    icmpCode = co >= 0 ? co : undefined;
  }
  const size = toUint(f[8]);

  const event: FirewallEvent = {
    ts,
    format: 'windows-firewall',
    action: ACTIONS.get(f[2]) ?? 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' && f[9] !== '-' ? flagsFromLetters(f[9]) : undefined,
    icmpType,
    icmpCode,
    // `size` is the packet size in bytes; Windows writes 0 for packets it did not measure.
    length: size > 0 ? size : undefined,
    direction: f.length >= 17 ? PATHS.get(f[16]) : undefined,
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
