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
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { dateTimeParts, zonedTime } from './lib/device-time';
import { addressReason, readIp } from './lib/ip';
import { portOf, toUint } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, type RejectOutcome } from './lib/reasons';
import { flagMaskOfLetters, flagWords, SNORT_LETTERS } from './lib/tcp-flags';

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

function timeOf(s: string, clock: Clock): number | RejectOutcome | undefined {
  const d = dateTimeParts(s, 0);
  return d && zonedTime(d.parts, s.slice(d.end).trim(), clock);
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const line = lineOf(env);
  if (line === undefined) return reject('truncated');
  const f = line.split('\t').map((x) => x.trim());
  if (f.length < 9) return reject('truncated');
  if (f.length > 9) return reject('unknown-layout');
  const ts = timeOf(f[0], clock);
  if (ts === undefined) return reject('bad-timestamp');
  if (typeof ts === 'object') return ts;
  const srcIp = readIp(f[3]);
  if (srcIp === undefined) return reject(addressReason(f[3]));
  const dstIp = readIp(f[5]);
  if (dstIp === undefined) return reject(addressReason(f[5]));
  let transport = protoKeyword(f[7]);
  if (transport === undefined) return reject(f[7] === '' ? 'no-protocol' : 'bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
  const p1 = portOf(f[4]);
  const p2 = portOf(f[6]);
  if (p1 === -1 || p2 === -1) return reject('bad-port');
  const icmp = transport === 'icmp' || transport === 'ipv6-icmp';
  // Other protocols have no ports; converters write 0 there.
  const ported = transport === 'tcp' || transport === 'udp' || transport === 'sctp' || transport === 'udplite' || transport === 'dccp';
  if (icmp && ((p1 ?? 0) > 255 || (p2 ?? 0) > 255)) return reject('bad-icmp-type');

  let tcpFlags: string | undefined;
  if (transport === 'tcp' && f[8] !== '' && f[8] !== '-') {
    // `******S*`-style padding is no flag.
    const mask = flagMaskOfLetters(f[8].toUpperCase().replace(/[ *.]/g, ''), SNORT_LETTERS);
    if (mask < 0) return reject('bad-tcp-flags');
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
