/**
 * Juniper SRX security flow logs (`RT_FLOW`), in the three shapes they travel in:
 *   - structured RFC 5424: MSGID `RT_FLOW_SESSION_CLOSE`, fields in the `[junos@2636.1.1.1.2.x
 *     source-address="…" …]` SD element (`env.msgId`, `env.structuredData`);
 *   - classic text: `RT_FLOW: RT_FLOW_SESSION_DENY: session denied 192.0.2.1/1234->198.51.100.2/23
 *     junos-telnet 6(0) default-deny(global) untrust trust …` (positional);
 *   - double-wrapped: an RFC 3164 relay line whose message is a whole RFC 5424 record without
 *     `<PRI>1` (`Sep 23 13:54:55 192.0.2.1 junos-flow: 2017-09-23T13:54:54.803Z fw RT_FLOW - …`);
 *     the inner record is peeled again and its stamp and host win.
 *
 * SESSION_DENY → deny event; SESSION_CREATE and SESSION_CLOSE → allow events with the session's
 * phase (start, end) and id (`session-id-32`, classic: the number after the zones): a policy may
 * log at session init, at close, or both (`then permit … log session-init session-close`), and
 * the pipeline counts a session once, on the first of its records it sees
 * (src/pipeline/sessions.ts). Deny policies log DENY, never CREATE. `_LS` (logical system)
 * variants are the same. RT_SCREEN_TCP/UDP/ICMP/IP (screen drops) → deny
 * events. APPTRACK_* (application updates of a session) → skip `session-update`; other RT_FLOW
 * messages (FLOW_MCAST_RPF_FAIL, …) and any other Junos message → `system-message`.
 *
 * | event         | structured field                            |
 * |---------------|---------------------------------------------|
 * | srcIp / dstIp | source-address / destination-address        |
 * | ports         | source-port / destination-port (TCP/UDP/SCTP)|
 * | transport     | protocol-id                                 |
 * | icmpType      | icmp-type (DENY, ICMP only)                 |
 * | rule          | policy-name                                 |
 * | inZone/outZone| source-zone-name / destination-zone-name    |
 * | inIf / outIf  | packet-incoming-interface / destination-interface-name |
 * NAT fields (nat-source-address, …) are not used: the pre-NAT tuple is what knocked.
 *
 * Direction from zone names (lib/zones.ts `zoneSide`): `untrust*` / `*untrust` / `internet` / `wan` /
 * `outside` = outside; `trust*` / `inside` / `lan` / `junos-host` (the SRX itself) = inside;
 * `dmz*` = dmz. Values may carry Unicode curly quotes and trailing spaces (`"No "`): trimmed.
 */
import { peelEnvelope } from './envelope/peel';
import type { Action, Clock, Envelope, FirewallEvent, LogParser, ParseOutcome, SessionPhase } from './types';
import { addressReason, readIp } from './lib/ip';
import { splitKv } from './lib/kv';
import { toInt } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { zoneDirection, zoneSide } from './lib/zones';

const PORTED = new Set(['tcp', 'udp', 'sctp']);
const SESSION = /RT_FLOW_SESSION_(CREATE|CLOSE|DENY)(?:_LS)?:\s/;
const TUPLE = /(\S+)\/(\d+)->(\S+)\/(\d+)/;
const INNER_5424 = /^(?:<\d{1,3}>)?(?:1 )?\d{4}-\d\d-\d\dT\S+ \S+ \S+ \S+ \S+ \[junos@/;

function sniff(env: Envelope): boolean {
  if (env.structuredData !== undefined && env.structuredData.startsWith('[junos@')) return true;
  const t = env.tag;
  // A bare `RT_FLOW_SESSION_DENY: session denied …` line: the envelope takes the mnemonic as tag.
  if (t !== undefined && (t.startsWith('RT_FLOW_') || t.startsWith('APPTRACK_') || t.startsWith('RT_SCREEN_'))) return true;
  const m = env.message;
  if (m.charCodeAt(0) === 123 /* { */) return false;
  return m.includes('RT_FLOW') || m.includes('APPTRACK_SESSION') || m.includes('[junos@') || m.startsWith('RT_SCREEN_');
}

/** Fields of the event that every shape fills the same way. */
interface Draft {
  action: Action;
  proto: string | undefined;
  src: string | undefined;
  sport: string | undefined;
  dst: string | undefined;
  dport: string | undefined;
  icmpType?: string;
  rule?: string;
  inZone?: string;
  outZone?: string;
  inIf?: string;
  outIf?: string;
  /** Screens (IP spoofing, …) log protocols with ports but no ports. */
  portsOptional?: boolean;
  phase?: SessionPhase;
  sessionId?: string;
}

function clean(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === 'N/A' || t === 'None' ? undefined : t;
}

function finish(d: Draft, ts: number | undefined, hostname: string | undefined): ParseOutcome {
  if (d.src === undefined || d.dst === undefined) return reject('no-addresses');
  const srcIp = readIp(d.src);
  if (srcIp === undefined) return reject(addressReason(d.src));
  const dstIp = readIp(d.dst);
  if (dstIp === undefined) return reject(addressReason(d.dst));
  if (d.proto === undefined) return reject('no-protocol');
  let transport = protoKeyword(d.proto);
  if (transport === undefined) return reject('bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
  let srcPort: number | undefined;
  let dstPort: number | undefined;
  if (PORTED.has(transport)) {
    srcPort = toInt(d.sport);
    dstPort = toInt(d.dport);
    if ((d.sport !== undefined && srcPort === undefined) || (d.dport !== undefined && dstPort === undefined)) return reject('bad-port');
    if ((srcPort === undefined || dstPort === undefined) && !d.portsOptional) return reject('no-ports');
  }
  const icmp = transport === 'icmp' || transport === 'ipv6-icmp';
  if (ts === undefined) return reject('no-timestamp');
  const inZone = clean(d.inZone);
  const outZone = clean(d.outZone);
  const event: FirewallEvent = {
    ts,
    format: 'juniper-srx',
    action: d.action,
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    icmpType: icmp ? toInt(d.icmpType, 255) : undefined,
    inIf: clean(d.inIf),
    outIf: clean(d.outIf),
    rule: clean(d.rule),
    hostname,
    direction: zoneDirection(zoneSide(inZone), zoneSide(outZone)),
    inZone,
    outZone,
  };
  if (d.phase !== undefined) {
    event.sessionPhase = d.phase;
    const id = clean(d.sessionId);
    if (id !== undefined && id !== '0') event.sessionId = id;
  }
  return { kind: 'event', event };
}

const SCREEN_PROTO: Record<string, string> = { RT_SCREEN_TCP: 'tcp', RT_SCREEN_UDP: 'udp', RT_SCREEN_ICMP: 'icmp' };

/** Structured record: MSGID + `[junos@… k="v" …]`. */
function structured(msgId: string, sd: string, ts: number | undefined, host: string | undefined): ParseOutcome {
  const base = msgId.endsWith('_LS') ? msgId.slice(0, -3) : msgId;
  if (base.startsWith('APPTRACK_')) return skip('session-update');
  const phase = base === 'RT_FLOW_SESSION_CREATE' ? 'start' : base === 'RT_FLOW_SESSION_CLOSE' ? 'end' : undefined;
  const isScreen = base.startsWith('RT_SCREEN_') && base !== 'RT_SCREEN_SESSION_LIMIT';
  if (phase === undefined && base !== 'RT_FLOW_SESSION_DENY' && !isScreen) return skip('system-message');
  const sp = sd.indexOf(' ');
  const kv = splitKv(sd.slice(sp + 1, sd.endsWith(']') ? -1 : sd.length));
  const g = (k: string) => kv.get(k)?.trim();
  let action: Action = phase !== undefined ? 'allow' : 'deny';
  if (isScreen && g('action') !== undefined && g('action') !== 'drop') action = 'unknown';
  return finish(
    {
      action,
      proto: isScreen ? SCREEN_PROTO[base] ?? g('protocol-id') : g('protocol-id'),
      src: g('source-address'),
      sport: g('source-port'),
      dst: g('destination-address'),
      dport: g('destination-port'),
      icmpType: g('icmp-type'),
      rule: isScreen ? g('attack-name') : g('policy-name'),
      inZone: g('source-zone-name'),
      outZone: g('destination-zone-name'),
      inIf: g('packet-incoming-interface') ?? g('interface-name'),
      outIf: g('destination-interface-name'),
      portsOptional: isScreen,
      phase,
      sessionId: g('session-id-32') ?? g('session-id'),
    },
    ts,
    host,
  );
}

/**
 * Classic text: `session created|closed <reason>:|denied` then `src/sport->dst/dport service`.
 * Later Junos versions add NAT rule types and connection tags, so fields after the tuples are
 * found by shape: CREATE/CLOSE have `… <proto> <policy> <from> <to> <session-id> …` (the first
 * small number with a number four places on), DENY has `<proto>(<icmp-type>) <policy> <from> <to>`.
 */
function classic(m: string, kind: string, at: number, ts: number | undefined, host: string | undefined): ParseOutcome {
  const rest = m.slice(at);
  const t = TUPLE.exec(rest);
  if (!t) return reject('truncated');
  const toks = rest.slice(t.index + t[0].length).trim().split(/\s+/);
  const d: Draft = { action: kind === 'DENY' ? 'deny' : 'allow', proto: undefined, src: t[1], sport: t[2], dst: t[3], dport: t[4] };
  let p = -1;
  if (kind === 'DENY') {
    p = toks.findIndex((x) => /^\d{1,3}\(\d+\)$/.test(x));
    if (p >= 0) {
      const open = toks[p].indexOf('(');
      d.proto = toks[p].slice(0, open);
      d.icmpType = toks[p].slice(open + 1, -1);
    }
  } else {
    p = toks.findIndex((x, i) => i > 0 && /^\d{1,3}$/.test(x) && /^\d+$/.test(toks[i + 4] ?? ''));
    if (p >= 0) d.proto = toks[p];
  }
  if (p < 0 || toks.length < p + 4) return reject('truncated');
  d.rule = toks[p + 1];
  d.inZone = toks[p + 2];
  d.outZone = toks[p + 3];
  if (kind !== 'DENY') {
    d.phase = kind === 'CREATE' ? 'start' : 'end';
    d.sessionId = toks[p + 4];
  }
  // `user(roles)` (N/A(N/A)) comes right before the ingress interface.
  const u = toks.findIndex((x, i) => i > p + 3 && /^[^()]*\([^()]*\)$/.test(x) && !/^\d+\(\d+\)$/.test(x));
  if (u >= 0 && toks[u + 1] !== undefined) d.inIf = toks[u + 1];
  return finish(d, ts, host);
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    let { message: m, msgId, structuredData: sd, ts, hostname } = env;
    if (env.tag !== undefined && env.pid === undefined && /^(?:RT_FLOW_|APPTRACK_|RT_SCREEN_)/.test(env.tag)) m = `${env.tag}: ${m}`;
    // Double-wrapped: peel the inner RFC 5424 record; its own stamp and host are the device's.
    if (sd === undefined && INNER_5424.test(m)) {
      const inner = peelEnvelope(/^<|^1 /.test(m) ? m : `1 ${m}`, clock);
      if (inner.kind === 'rfc5424') {
        ({ message: m, msgId, structuredData: sd } = inner);
        ts = inner.ts ?? ts;
        hostname = inner.hostname ?? hostname;
      }
    }
    if (sd !== undefined && sd.startsWith('[junos@') && msgId !== undefined) return structured(msgId, sd, ts, hostname);
    const s = SESSION.exec(m);
    if (s) return classic(m, s[1], s.index + s[0].length, ts, hostname);
    if (m.includes('APPTRACK_')) return skip('session-update');
    // A screen message that is not a drop record (its summary counters, `RT_SCREEN_SESSION_LIMIT`).
    if (m.includes('RT_SCREEN_')) return skip('security-alert');
    return skip('system-message');
  } catch {
    return reject('parser-error');
  }
}

export const juniperSrx: LogParser = {
  id: 'juniper-srx',
  title: 'Juniper SRX RT_FLOW session logs (structured RFC 5424 and classic text)',
  example:
    '<14>1 2024-03-03T10:15:42.123Z srx-edge RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 ' +
    'source-address="203.0.113.7" source-port="51234" destination-address="192.0.2.10" destination-port="22" ' +
    'service-name="junos-ssh" protocol-id="6" icmp-type="0" policy-name="default-deny" source-zone-name="untrust" ' +
    'destination-zone-name="trust" packet-incoming-interface="ge-0/0/0.0" reason="policy deny"]',
  sniff,
  parse,
};
