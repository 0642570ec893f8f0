/**
 * DShield / SANS ISC submission format: the tab-separated lines the DShield client framework
 * (and psad, and many home-grown converters) write before mailing a firewall log to dshield.org.
 * Nine fields:
 *
 *   date-time-zone <TAB> userid <TAB> count <TAB> source IP <TAB> source port <TAB> target IP
 *     <TAB> target port <TAB> protocol <TAB> TCP flags
 *   2024-03-05 14:22:01 -05:00	0	1	203.0.113.7	40522	192.0.2.10	23	TCP	S
 *
 * - date: `YYYY-MM-DD HH:MM:SS` then the zone as `±HH:MM` (also read: `±HHMM`, `Z`, `UTC`, a
 *   common abbreviation); without one it is local time (`--tz`).
 * - userid: the submitter's DShield account, ignored. count: lines this one stands for → count.
 * - protocol: a name (`TCP`, `udp`) or an IANA number.
 * - ICMP: the port fields carry type and code. The framework's field comment and its own iptables
 *   parser disagree on the order; we follow the code (and psad): source port = type, target
 *   port = code.
 * - flags: letters `S F A P R U` plus `1` `2` for the two bits above URG (CWR, ECE in today's
 *   names, as Snort prints them); `C`/`E` are read too. Order does not matter.
 *
 * DShield collects blocked packets, so the action is `deny`. The format has no direction.
 *
 * Envelope quirk: the stamp looks like a zone-less ISO time followed by a space, so the envelope
 * takes it as a relay prefix and the rest of the line as a hostname; this parser reads `env.raw`
 * (or `env.message` when a JSON wrapper delivered the line).
 */
import { ACK, CWR, dateTimeParts, ECE, FIN, flagWords, portOf, PSH, RST, SYN, toUint, transportOf, URG, zoneOffsetMinutes } from './kv-pairs';
import { normalizeIp } from './netfilter';
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';

const FLAG_LETTERS: Record<string, number> = { S: SYN, F: FIN, A: ACK, P: PSH, R: RST, U: URG, '1': CWR, '2': ECE, C: CWR, E: ECE };

/** The DShield line inside the record, or undefined. */
function lineOf(env: Envelope): string | undefined {
  if (looksLike(env.message)) return env.message;
  if (env.raw !== env.message && looksLike(env.raw)) return env.raw;
  return undefined;
}

/**
 * `YYYY-MM-DD HH:MM:SS…<TAB>` and at least five tabs. A line with the wrong number of fields is
 * still claimed, so that it is rejected as damaged rather than skipped as something else.
 */
function looksLike(s: string): boolean {
  const tab = s.indexOf('\t');
  if (tab < 19 || tab > 40 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58) return false;
  let tabs = 0;
  for (let i = tab; i >= 0 && tabs < 5; i = s.indexOf('\t', i + 1)) tabs++;
  return tabs >= 5;
}

function sniff(env: Envelope): boolean {
  return lineOf(env) !== undefined;
}

function reject(reason: string): ParseOutcome {
  return { kind: 'reject', reason };
}

function timeOf(s: string, clock: Clock): number | undefined {
  const d = dateTimeParts(s, 0);
  if (!d) return undefined;
  const [y, mo, day, h, mi, sec, ms] = d.parts;
  const zone = s.slice(d.end).trim();
  if (zone === '') return clock.localToUtc(y, mo, day, h, mi, sec, ms);
  const off = zoneOffsetMinutes(zone);
  if (off === undefined) return NaN;
  return Date.UTC(y, mo - 1, day, h, mi, sec, ms) - off * 60_000;
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const line = lineOf(env);
  if (line === undefined) return reject('truncated');
  const f = line.split('\t').map((x) => x.trim());
  if (f.length < 9) return reject('truncated');
  if (f.length > 9) return reject('too many fields');
  const ts = timeOf(f[0], clock);
  if (ts === undefined) return reject('bad date');
  if (Number.isNaN(ts)) return reject('unknown time zone');
  const srcIp = normalizeIp(f[3]);
  const dstIp = normalizeIp(f[5]);
  if (srcIp === undefined || dstIp === undefined) return reject('bad address');
  let transport = transportOf(f[7]);
  if (transport === undefined) return reject(f[7] === '' ? 'no protocol' : 'bad protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
  const p1 = portOf(f[4]);
  const p2 = portOf(f[6]);
  if (p1 === -1 || p2 === -1) return reject('bad port');
  const icmp = transport === 'icmp' || transport === 'ipv6-icmp';
  // Other protocols have no ports; converters write 0 there.
  const ported = transport === 'tcp' || transport === 'udp' || transport === 'sctp' || transport === 'udplite' || transport === 'dccp';
  if (icmp && ((p1 ?? 0) > 255 || (p2 ?? 0) > 255)) return reject('bad ICMP type');

  let tcpFlags: string | undefined;
  if (transport === 'tcp' && f[8] !== '' && f[8] !== '-') {
    let mask = 0;
    for (const ch of f[8].toUpperCase()) {
      const bit = FLAG_LETTERS[ch];
      if (bit === undefined) {
        if (ch === ' ' || ch === '*' || ch === '.') continue; // `******S*`-style padding
        return reject('bad TCP flags');
      }
      mask |= bit;
    }
    tcpFlags = flagWords(mask);
  }
  const count = toUint(f[2]);

  const event: FirewallEvent = {
    ts,
    format: 'dshield',
    action: 'deny',
    transport,
    srcIp,
    dstIp,
    srcPort: ported ? p1 : undefined,
    dstPort: ported ? p2 : undefined,
    tcpFlags,
    icmpType: icmp ? p1 : undefined,
    icmpCode: icmp ? p2 : undefined,
    hostname: env.raw === line ? undefined : env.hostname,
    count: count > 1 ? count : undefined,
  };
  return { kind: 'event', event };
}

export const dshield: LogParser = {
  id: 'dshield',
  title: 'DShield tab-separated submission format',
  example: '2024-03-05 14:22:01 -05:00\t0\t1\t203.0.113.7\t40522\t192.0.2.10\t23\tTCP\tS',
  sniff,
  parse,
};
