/**
 * Palo Alto Networks PAN-OS syslog in the default CSV format (8.x and later; later versions
 * only append columns). `1,2024/03/03 10:15:42,0123456789,TRAFFIC,end,2049,2024/03/03 10:15:41,
 * <src>,<dst>,<natsrc>,<natdst>,<rule>,<srcuser>,<dstuser>,<app>,<vsys>,<from zone>,<to zone>,
 * <inbound if>,<outbound if>,<log action>,<time logged>,<session id>,<repeat count>,<sport>,
 * <dport>,<natsport>,<natdport>,<flags>,<proto>,<action>,…,<device name>,…`
 *
 * Only TRAFFIC records are traffic; the other log types are skipped by what they are (THREAT
 * `security-alert`, CONFIG `admin-message`, GLOBALPROTECT `vpn-message`, SYSTEM and the rest
 * `system-message`). Every TRAFFIC subtype is an event. `start` (logged only when a rule asks
 * for it, and then possibly several times per session) and `end` carry the session ID (col 22)
 * and their phase: the pipeline counts a session once, on the first of its records it sees
 * (src/pipeline/sessions.ts). `deny`, `drop` (and anything else) are single records.
 *
 * | event         | column                          |
 * |---------------|---------------------------------|
 * | srcIp / dstIp | source / destination address    |
 * | ports         | source / destination port       |
 * | transport     | IP protocol (tcp, udp, icmp…)   |
 * | action        | action: allow → allow; deny, drop, drop-icmp, reset-client/-server/-both, block → deny |
 * | rule          | rule name                       |
 * | inIf / outIf  | inbound / outbound interface    |
 * | inZone/outZone| source / destination zone       |
 * | count         | repeat count (sessions folded into one record) |
 * | hostname      | device name (col 52), else the syslog host |
 * NAT columns are ignored: the pre-NAT addresses are the ones that knocked.
 *
 * Direction from zone names when they clearly say a side (`untrust`, `outside`, `internet`,
 * `wan`, `external` = outside; `trust`, `inside`, `lan`, `internal` = inside; `dmz`): the one
 * zone rule, lib/zones.ts. Zones like `Clients` or `L3-Servers` give no evidence.
 *
 * Time: the generated time (col 6) is the firewall's wall clock without a zone. The firewall's
 * offset is learnt from the envelope when the receive time (col 1) and the syslog stamp agree to
 * within the hour-and-quarter grid (RFC 5424 headers carry `+01:00`); otherwise --tz applies.
 * The RFC 6587 octet count some senders prepend (often wrong) is removed by the envelope.
 */
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionWord } from './lib/actions';
import { splitCsv } from './lib/csv';
import { addressReason, readIp } from './lib/ip';
import { toInt } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { panTypeSkip } from './lib/siem';
import { zoneDirection, zoneSide } from './lib/zones';
import { civilToUtc } from './lib/time-checks';

const LOG_TYPES = new Set([
  'TRAFFIC', 'THREAT', 'SYSTEM', 'CONFIG', 'HIP-MATCH', 'CORRELATION', 'USERID', 'GLOBALPROTECT',
  'DECRYPTION', 'AUTHENTICATION', 'IPTAG', 'TUNNEL', 'GTP', 'SCTP', 'AUDIT',
]);
const PORTED = new Set(['tcp', 'udp', 'sctp']);
const STAMP = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/;
const QUARTER_HOUR = 15 * 60_000;

/** `N,YYYY/MM/DD hh:mm:ss,serial,TYPE,` at the start of the message. */
function header(m: string): string | undefined {
  const c1 = m.indexOf(',');
  if (c1 < 1 || c1 > 2 || m.charCodeAt(c1 + 5) !== 47 /* / */ || m.charCodeAt(c1 + 20) !== 44 /* , */) return undefined;
  const c3 = m.indexOf(',', c1 + 21);
  if (c3 < 0) return undefined;
  const c4 = m.indexOf(',', c3 + 1);
  const type = m.slice(c3 + 1, c4 < 0 ? m.length : c4);
  return LOG_TYPES.has(type) ? type : undefined;
}

function sniff(env: Envelope): boolean {
  const c = env.message.charCodeAt(0);
  return c >= 48 && c <= 57 && header(env.message) !== undefined;
}

/** Wall-clock stamp as if it were UTC (ms), or undefined. */
function naive(v: string | undefined): number | undefined {
  const m = v === undefined ? null : STAMP.exec(v);
  if (!m) return undefined;
  // NaN when the fields name no real time (Feb 30, 24:00): the reject impossible-date.
  return civilToUtc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
}

function timeOf(f: string[], env: Envelope, clock: Clock): number | undefined {
  const recv = naive(f[1]);
  const gen = naive(f[6]) ?? recv;
  if (gen === undefined) return env.ts;
  if (recv !== undefined && env.ts !== undefined) {
    const off = Math.round((recv - env.ts) / QUARTER_HOUR) * QUARTER_HOUR;
    if (Math.abs(off) <= 14 * 3_600_000 && Math.abs(recv - env.ts - off) < 5 * 60_000) return gen - off;
  }
  const d = new Date(gen);
  return clock.localToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const m = env.message;
    const type = header(m);
    if (type === undefined) return reject('unrecognized-message');
    if (type !== 'TRAFFIC') return skip(panTypeSkip(type));
    const f = splitCsv(m);
    if (f === undefined) return reject('bad-csv');
    if (f.length < 31) return reject('truncated');

    const srcIp = readIp(f[7]);
    if (srcIp === undefined) return reject(addressReason(f[7]));
    const dstIp = readIp(f[8]);
    if (dstIp === undefined) return reject(addressReason(f[8]));
    let transport = protoKeyword(f[29]);
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = toInt(f[24]);
      dstPort = toInt(f[25]);
      if (srcPort === undefined || dstPort === undefined) return reject('bad-port');
    }
    const ts = timeOf(f, env, clock);
    if (ts === undefined) return reject('no-timestamp');

    const inZone = nonEmpty(f[16]);
    const outZone = nonEmpty(f[17]);
    const count = toInt(f[23], 1e9);
    const event: FirewallEvent = {
      ts,
      format: 'paloalto',
      action: actionWord(f[30]),
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      inIf: nonEmpty(f[18]),
      outIf: nonEmpty(f[19]),
      rule: nonEmpty(f[11]),
      hostname: nonEmpty(f[52]) ?? env.hostname,
      direction: zoneDirection(zoneSide(inZone), zoneSide(outZone)),
      inZone,
      outZone,
    };
    if (count !== undefined && count > 1) event.count = count;
    const sub = f[4];
    if (sub === 'start' || sub === 'end') {
      event.sessionPhase = sub;
      const id = f[22];
      if (id !== '' && id !== '0') event.sessionId = id;
    }
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

export const paloalto: LogParser = {
  id: 'paloalto',
  title: 'Palo Alto Networks PAN-OS TRAFFIC log (CSV, 8.x and later)',
  example:
    'Mar  3 10:15:42 pa-fw 1,2024/03/03 10:15:42,012801000001,TRAFFIC,deny,2561,2024/03/03 10:15:41,' +
    '203.0.113.7,192.0.2.10,0.0.0.0,0.0.0.0,deny-inbound,,,not-applicable,vsys1,untrust,trust,ethernet1/1,,' +
    'default,2024/03/03 10:15:41,0,1,51234,22,0,0,0x0,tcp,deny,60,60,0,1,2024/03/03 10:15:41,0,any,0,' +
    '7000000001,0x0,United States,192.0.2.0-192.0.2.255,0,1,0,policy-deny,0,0,0,0,,pa-fw,from-policy,,,0,,0,,N/A,0,0,0,0',
  sniff,
  parse,
};
