/**
 * Netgear consumer routers (Nighthawk, Orbi, older R/WNR/DGN models): the log page, its e-mail
 * export and its syslog output. One event per line, a bracketed type first and the router's local
 * time last:
 *
 *   [DoS Attack: SYN/ACK Scan] from source: 203.0.113.5, port 443, Tuesday, June 27, 2017 19:56:44
 *   [LAN access from remote] from 198.51.100.7:53211 to 192.168.1.2:22, Monday, July 03, 2017 08:01:02
 *   [DHCP IP: 192.168.1.5] to MAC address 00:00:5e:00:53:01, Friday, May 07,2021 00:21:49
 *
 * Newer firmware drops the space after the day's comma (`May 07,2021`) and may abbreviate the
 * month; exports pad fields with extra spaces; syslog output puts a header in front (the envelope
 * takes it off). The stamp at the end is local time (`--tz`); without it the envelope's is used.
 *
 * DoS lines are inbound packets the router dropped: action deny, direction inbound, rule = the
 * bracket text. The router logs only the remote side: `from source: IP, port N` is the remote
 * address and its SOURCE port (SYN/ACK and ACK "scans" come from port 80/443: late replies to LAN
 * clients, a known false positive). The destination (the router's WAN address) and its port are
 * not logged: `dstIp` is empty and `dstPort` unset. Transport and flags come from the attack name
 * only where the name says them (SYN/ACK Scan → tcp `ACK SYN`, UDP Port Scan → udp, ICMP Scan →
 * icmp, Ascend Kill → udp); `TCP/UDP Chargen` / `TCP/UDP Echo` and unknown names → `unknown`.
 * Chargen and Echo name the service probed, so they give the destination port (19, 7) that the
 * line does not print; other attacks leave it unset (the reports say "not logged").
 * `ARP Attack` is not IP traffic: skipped as a security alert. `[LAN access from remote]` is a port-forwarded
 * connection the router let in: action allow, inbound, both ends known, transport unknown.
 */
import { MONTHS } from './envelope/stamps';
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { addressReason, readIp } from './lib/ip';
import { portOf } from './lib/numbers';
import { reject, skip, type SkipCode } from './lib/reasons';
import { ACK, FIN, flagWords, PSH, RST, SYN, URG } from './lib/tcp-flags';

interface Attack {
  transport: string;
  /** Flag mask the scan is named after; -1 when the name gives none. */
  flags: number;
  /** The destination port the name implies (a service: chargen 19, echo 7). */
  dstPort?: number;
}

const tcp = (flags = -1): Attack => ({ transport: 'tcp', flags });
const other = (transport: string): Attack => ({ transport, flags: -1 });

const ATTACKS: Record<string, Attack> = {
  'syn/ack scan': tcp(SYN | ACK),
  'ack scan': tcp(ACK),
  'rst scan': tcp(RST),
  'fin scan': tcp(FIN),
  'syn/fin scan': tcp(SYN | FIN),
  'null scan': tcp(0),
  'xmas scan': tcp(URG | PSH | FIN),
  'xmas tree': tcp(URG | PSH | FIN),
  'syn flood': tcp(SYN),
  'syn scan': tcp(SYN),
  'tcp port scan': tcp(),
  'winnuke attack': tcp(),
  'tcp/udp chargen': { transport: 'unknown', flags: -1, dstPort: 19 },
  'tcp/udp echo': { transport: 'unknown', flags: -1, dstPort: 7 },
  'udp port scan': other('udp'),
  'udp flood': other('udp'),
  'udp scan': other('udp'),
  'ascend kill': other('udp'),
  'fraggle attack': other('udp'),
  'icmp scan': other('icmp'),
  'icmp flood': other('icmp'),
  'ping of death': other('icmp'),
  'ping sweep': other('icmp'),
  'smurf attack': other('icmp'),
};

function attackOf(name: string): Attack {
  const l = name.toLowerCase();
  const a = ATTACKS[l];
  if (a) return a;
  const udp = l.includes('udp');
  const tcpWord = l.includes('tcp');
  if (udp && !tcpWord) return other('udp');
  if (tcpWord && !udp) return tcp();
  if (l.includes('icmp') || l.includes('ping')) return other('icmp');
  return other('unknown');
}

/** Non-traffic line types → skip reason, by the start of the bracket text (lower case). */
const SKIPS: [string, SkipCode][] = [
  ['dhcp ip', 'dhcp-message'],
  ['admin login', 'admin-message'],
  ['remote login', 'admin-message'],
  ['site blocked', 'content-filter'],
  ['service blocked', 'content-filter'],
  ['site allowed', 'content-filter'],
  // Access Control: a device was allowed on or blocked from the LAN (by MAC), not a packet.
  ['access control', 'admin-message'],
];

const WEEKDAYS = /(?:^|[\s,])[A-Z][a-z]+day,\s*([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d\d):(\d\d)\s*$/;

/** The stamp at the end: [index where it starts, epoch ms], or undefined. */
function trailingTime(m: string, clock: Clock): [number, number] | undefined {
  // Cheap gate before the regex: the line must end in HH:MM:SS and name a weekday.
  const day = m.lastIndexOf('day,');
  if (day < 0) return undefined;
  const r = WEEKDAYS.exec(m.slice(Math.max(0, day - 12)));
  if (!r) return undefined;
  const month = MONTHS[r[1].slice(0, 3)];
  const d = +r[2];
  const h = +r[4];
  const mi = +r[5];
  const s = +r[6];
  if (!month) return undefined;
  // Fields that name no real time (Feb 30, 24:00) convert to NaN: the reject impossible-date.
  return [Math.max(0, day - 12) + r.index, clock.localToUtc(+r[3], month, d, h, mi, s)];
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) !== 91 /* [ */) return false;
  const close = m.indexOf(']');
  if (close < 2) return false;
  if (m.startsWith('[DoS Attack:') || m.startsWith('[DoS attack:') || m.startsWith('[LAN access from remote]')) return true;
  // Other Netgear lines are recognised by the stamp at the end.
  const n = m.trimEnd();
  const c = n.charCodeAt(n.length - 3);
  return c === 58 /* : */ && n.lastIndexOf('day,') > close && /\d{4} \d{1,2}:\d\d:\d\d$/.test(n);
}

/** `203.0.113.5` or `203.0.113.5:443` → [address text, port text]. IPv6 carries no port here. */
function hostPort(v: string): [string, string | undefined] {
  const colon = v.indexOf(':');
  if (colon > 0 && v.indexOf(':', colon + 1) < 0) return [v.slice(0, colon), v.slice(colon + 1)];
  return [v, undefined];
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const m = env.message.trimEnd();
  const close = m.indexOf(']');
  if (close < 0) return reject('truncated');
  const type = m.slice(1, close).trim();
  const lower = type.toLowerCase();
  const stamp = trailingTime(m, clock);
  const body = m.slice(close + 1, stamp ? stamp[0] : m.length);

  let isAttack = false;
  if (lower.startsWith('dos attack:')) isAttack = true;
  else if (lower !== 'lan access from remote') {
    for (const [prefix, reason] of SKIPS) if (lower.startsWith(prefix)) return skip(reason);
    return skip('system-message');
  }
  const attackName = isAttack ? type.slice(type.indexOf(':') + 1).trim() : '';
  // An ARP attack names a MAC, not an IP packet.
  if (isAttack && attackName.toLowerCase() === 'arp attack') return skip('security-alert');

  const ts = stamp ? stamp[1] : env.ts;

  let srcText: string;
  let srcPortText: string | undefined;
  let dstText = '';
  let dstPortText: string | undefined;
  if (isAttack) {
    // ` from source: 203.0.113.5, port 443,` (ICMP scans have no port)
    const f = body.indexOf('from source:');
    if (f < 0) return reject('no-addresses');
    const parts = body.slice(f + 12).split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (parts.length === 0) return reject('no-addresses');
    [srcText, srcPortText] = hostPort(parts[0]);
    const p = parts.find((x) => x.startsWith('port'));
    if (p !== undefined) srcPortText = p.slice(4).trim();
  } else {
    // ` from 198.51.100.7:53211 to 192.168.1.2:22,`
    const r = /from\s+(\S+?)\s+to\s+([^\s,]+)/.exec(body);
    if (!r) return reject('no-addresses');
    [srcText, srcPortText] = hostPort(r[1]);
    [dstText, dstPortText] = hostPort(r[2]);
  }
  const srcIp = readIp(srcText);
  if (srcIp === undefined) return reject(addressReason(srcText));
  const dstIp = dstText === '' ? '' : readIp(dstText);
  if (dstIp === undefined) return reject(addressReason(dstText));
  const srcPort = portOf(srcPortText);
  const dstPort = portOf(dstPortText);
  if (srcPort === -1 || dstPort === -1) return reject('bad-port');
  if (ts === undefined) return reject('no-timestamp');

  const attack = isAttack ? attackOf(attackName) : other('unknown');
  const icmp = attack.transport === 'icmp';
  const event: FirewallEvent = {
    ts,
    format: 'netgear',
    action: isAttack ? 'deny' : 'allow',
    transport: attack.transport,
    srcIp,
    dstIp,
    srcPort: icmp ? undefined : srcPort,
    dstPort: dstPort ?? attack.dstPort,
    tcpFlags: attack.flags >= 0 ? flagWords(attack.flags) : undefined,
    rule: type,
    hostname: env.hostname,
    direction: 'inbound',
  };
  return { kind: 'event', event };
}

export const netgear: LogParser = {
  id: 'netgear',
  title: 'Netgear router log ([DoS Attack: …] from source: …, Weekday, Month DD, YYYY HH:MM:SS)',
  example: '[DoS Attack: SYN/ACK Scan] from source: 203.0.113.5, port 443, Tuesday, June 27, 2017 19:56:44',
  sniff,
  parse,
};
