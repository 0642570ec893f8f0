/**
 * Check Point Log Exporter, `syslog` format (R77.30 / R80+ / R81): RFC 5424 with or without the
 * `<PRI>`, the record in one bracket of `key:"value";` pairs. The envelope puts that bracket in
 * `env.structuredData`; when a relay re-wrapped the line (RFC 3164 in front, JSON) it is still in
 * `env.message`. Both are read.
 *
 *   <134>1 2024-03-05T14:22:01Z mgmt1 CheckPoint 4321 - [action:"Drop"; ifdir:"inbound";
 *     ifname:"eth1"; origin:"192.0.2.1"; time:"1709648521"; dst:"192.0.2.10"; proto:"6";
 *     s_port:"51515"; service:"23"; src:"203.0.113.9"; rule_name:"Cleanup rule"]
 *
 * Keys can repeat (one per policy layer): the first one wins. Some keys are written with a double
 * colon (`ike::"…"`); the colon is dropped. `\"`, `\]` and `\\` inside a value are unescaped.
 *
 * Direction: `ifdir` is relative to the interface (`ifname`), not to the network: the exporter's
 * own samples log a LAN host's DNS query to 8.8.8.8 as `ifdir:"inbound"` with
 * `conn_direction:"Outgoing"`. So `ifdir` only places `ifname` as ingress (`inbound`) or egress
 * (`outbound`) interface; the direction comes from `conn_direction` (Incoming / Outgoing /
 * Internal / External) or, without it, from the zones by the one zone rule (lib/zones.ts):
 * `inzone`/`outzone` External → Internal, Local, DMZ or an unnamed zone = inbound, the reverse =
 * outbound, two inside zones = internal, External → External says nothing.
 *
 * Skips: records without `action` (System Monitor, Contracts / database updates), IKE and key
 * exchange records (`vpn_feature_name:"IKE"`, `Key Install`), threat prevention products
 * (SmartDefense, IPS, Anti-Bot…) and `Log Update` accounting records (no connection tuple).
 * An "optimized drop" record that lists several dropped packets in `packets:"<…> <…>"` has no
 * single tuple and is rejected.
 */
import { epochToMs } from './envelope/stamps';
import type { Action, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { icmpFields } from './lib/icmp';
import { addressReason, readIp } from './lib/ip';
import { portOf, toUint } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { flagMaskOfWords, flagWords } from './lib/tcp-flags';
import { zoneDirection, type ZoneSide } from './lib/zones';

interface Pairs {
  kv: Record<string, string>;
  /** The record stopped inside a value (cut-off line). */
  truncated: boolean;
}

/** The keys the parser reads; the other thirty-odd of a record are scanned over, not kept. */
const WANTED = new Set([
  'action', 'product', 'vpn_feature_name', 'ike', 'packets', 'src', 'dst', 'proto', 's_port', 'service', 'icmp_type',
  'icmp_code', 'time', 'ifdir', 'ifname', 'inzone', 'outzone', 'conn_direction', 'tcp_flags', 'rule_name', 'origin',
]);

/** `key:"value"; key::"value" …` up to the closing `]` (or the end of a cut-off record). */
function splitPairs(s: string, from: number): Pairs {
  const kv: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = s.length;
  let pos = from;
  while (pos < n) {
    let c = s.charCodeAt(pos);
    // Separators between pairs; a `]` outside a value closes the record.
    while (c === 32 || c === 59 /* ; */ || c === 91 /* [ */ || c === 9) c = s.charCodeAt(++pos);
    if (pos >= n || c === 93 /* ] */) return { kv, truncated: false };
    const colon = s.indexOf(':', pos);
    if (colon < 0) return { kv, truncated: true };
    const key = s.slice(pos, colon);
    let v = colon + 1;
    if (s.charCodeAt(v) === 58) v++; // `key::"…"`
    if (s.charCodeAt(v) !== 34 /* " */) {
      // Not a pair: skip to the next separator.
      const semi = s.indexOf(';', v);
      if (semi < 0) return { kv, truncated: true };
      pos = semi + 1;
      continue;
    }
    let end = v + 1;
    let escaped = false;
    while (end < n) {
      const ch = s.charCodeAt(end);
      if (ch === 92 /* \ */) {
        escaped = true;
        end += 2;
        continue;
      }
      if (ch === 34) break;
      end++;
    }
    if (end >= n) return { kv, truncated: true };
    if (WANTED.has(key) && !(key in kv)) {
      const raw = s.slice(v + 1, end);
      kv[key] = escaped ? raw.replace(/\\(.)/g, '$1') : raw;
    }
    pos = end + 1;
  }
  return { kv, truncated: false };
}

/** The text holding the pairs and where they start, or undefined. */
function pairsText(env: Envelope): [string, number] | undefined {
  const sd = env.structuredData;
  if (sd !== undefined && isCheckPoint(sd)) return [sd, 0];
  const m = env.message;
  if (!isCheckPoint(m)) return undefined;
  const b = m.indexOf('[');
  const q = m.indexOf(':"');
  return [m, b >= 0 && b < q ? b : 0];
}

function isCheckPoint(s: string): boolean {
  const q = s.indexOf(':"');
  return q > 0 && (s.indexOf('loguid:"') >= 0 || s.indexOf('origin:"') >= 0 || s.indexOf('product:"') >= 0);
}

function sniff(env: Envelope): boolean {
  return pairsText(env) !== undefined;
}

const ACTIONS: Record<string, Action> = {
  accept: 'allow', allow: 'allow', encrypt: 'allow', decrypt: 'allow', bypass: 'allow', inline: 'allow',
  drop: 'deny', reject: 'deny', block: 'deny', prevent: 'deny', deny: 'deny',
};

const THREAT_PRODUCTS = /smartdefense|\bips\b|anti-?bot|anti-?virus|threat emulation|threat extraction|anti-?spam|zero phishing/i;

const CONN_DIRECTIONS: Record<string, Direction> = {
  incoming: 'inbound', outgoing: 'outbound', internal: 'internal', external: 'external',
};

/** Check Point's zone names (`inzone` / `outzone`). */
function sideOf(zone: string | undefined): ZoneSide | undefined {
  const z = zone?.toLowerCase();
  if (z === 'external' || z === 'internet' || z === 'untrusted') return 'outside';
  if (z === 'dmz') return 'dmz';
  if (z === 'internal' || z === 'local' || z === 'trusted') return 'inside';
  return undefined;
}

function parse(env: Envelope): ParseOutcome {
  const where = pairsText(env);
  if (!where) return reject('unrecognized-message');
  const { kv, truncated } = splitPairs(where[0], where[1]);
  const product = kv.product ?? '';
  const actionWord = kv.action;

  // `Log Update` records repeat a connection already logged, with its byte counters.
  if (product === 'Log Update') return skip('session-update');
  if (kv.vpn_feature_name === 'IKE' || kv.ike !== undefined || actionWord === 'Key Install') return skip('vpn-message');
  if (THREAT_PRODUCTS.test(product)) return skip('security-alert');
  if (actionWord === undefined) {
    if (truncated) return reject('truncated');
    return skip('system-message');
  }
  if (kv.src === undefined && kv.packets !== undefined && kv.packets.includes('<')) return reject('aggregated-record');
  if (kv.src === undefined || kv.dst === undefined) return reject(truncated ? 'truncated' : 'no-addresses');
  const srcIp = readIp(kv.src);
  if (srcIp === undefined) return reject(addressReason(kv.src));
  const dstIp = readIp(kv.dst);
  if (dstIp === undefined) return reject(addressReason(kv.dst));
  if (kv.proto === undefined) return reject(truncated ? 'truncated' : 'no-protocol');
  let transport = protoKeyword(kv.proto);
  if (transport === undefined) return reject('bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const icmp = icmpFields(kv.icmp_type, kv.icmp_code);
    if (icmp === 'bad') return reject('bad-icmp-type');
    ({ icmpType, icmpCode } = icmp);
  } else {
    srcPort = portOf(kv.s_port);
    // `service` is the destination port; a name there (old exporters) gives no number.
    const svc = kv.service;
    dstPort = svc !== undefined && toUint(svc) >= 0 ? portOf(svc) : undefined;
    if (srcPort === -1 || dstPort === -1) return reject('bad-port');
  }

  let ts: number | undefined;
  if (kv.time !== undefined) {
    const t = toUint(kv.time);
    if (t <= 0) return reject('bad-timestamp');
    ts = epochToMs(t);
  } else ts = env.ts;
  if (ts === undefined) return reject('no-timestamp');

  let inIf: string | undefined;
  let outIf: string | undefined;
  const ifname = kv.ifname || undefined;
  if (kv.ifdir === 'inbound') inIf = ifname;
  else if (kv.ifdir === 'outbound') outIf = ifname;
  const inZone = kv.inzone || undefined;
  const outZone = kv.outzone || undefined;
  const direction = CONN_DIRECTIONS[(kv.conn_direction ?? '').toLowerCase()] ?? zoneDirection(sideOf(inZone), sideOf(outZone));

  let tcpFlags: string | undefined;
  if (transport === 'tcp' && kv.tcp_flags !== undefined) {
    const mask = flagMaskOfWords(kv.tcp_flags);
    if (mask > 0) tcpFlags = flagWords(mask);
  }

  const event: FirewallEvent = {
    ts,
    format: 'checkpoint',
    action: ACTIONS[actionWord.toLowerCase()] ?? 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags,
    icmpType,
    icmpCode,
    inIf,
    outIf,
    rule: kv.rule_name || undefined,
    hostname: kv.origin || env.hostname,
    direction,
    inZone,
    outZone,
  };
  return { kind: 'event', event };
}

export const checkpoint: LogParser = {
  id: 'checkpoint',
  title: 'Check Point Log Exporter syslog (key:"value"; pairs)',
  example:
    '<134>1 2024-03-05T14:22:01Z mgmt1 CheckPoint 4321 - [action:"Drop"; flags:"411908"; ifdir:"inbound"; ' +
    'ifname:"eth1"; loguid:"{0x65e72a19,0x0,0x100007f,0x1}"; origin:"192.0.2.1"; time:"1709648521"; version:"5"; ' +
    'dst:"192.0.2.10"; inzone:"External"; outzone:"Internal"; product:"VPN-1 & FireWall-1"; proto:"6"; ' +
    's_port:"51515"; service:"23"; src:"203.0.113.9"; rule_name:"Cleanup rule"]',
  sniff,
  parse,
};
