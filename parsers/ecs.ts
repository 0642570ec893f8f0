import type { FirewallEvent, SessionPhase } from './types';
import { protoNumber } from './lib/protocols';

/**
 * The Elastic Common Schema view of events and alerts: what `portledger parse` and the `--json`
 * streams of `watch` and `listen` print. `toEcs` maps the fields a parser read (the golden
 * fixtures hold it); `ecsDocument` is the whole document: that, plus the categorization fields
 * (ecs.version, event.kind/category/type/outcome), the protocol number and IP version, the
 * device that wrote the log (observer.type/vendor/product) and, when asked, the original line.
 * Pure: nothing here reads a file or the store.
 */

/**
 * The ECS release these documents follow. Every field used here is unchanged since ECS 8.0 and
 * in ECS 9, so Elastic Stack 8 and 9 templates both map them.
 */
export const ECS_VERSION = '8.17.0';

/** ECS `event.type` of a session record, beside `connection`. */
const SESSION_TYPE: Record<SessionPhase, string> = { start: 'start', end: 'end', update: 'change' };

/** Classification added downstream; absent when only the parser ran. */
export interface Classification {
  direction: string;
  class: string;
  reason: string;
}

/** A nested object with Elastic Common Schema names; portledger-only fields under `portledger`. */
export type EcsDocument = Record<string, unknown>;

function put(obj: Record<string, unknown>, path: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const keys = path.split('.');
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** The device behind each format (observer.*): the product that wrote the log. */
export interface Observer {
  /** ECS examples: firewall, ids, sensor, forwarder. */
  type: string;
  vendor?: string;
  product?: string;
}

/**
 * Per format id (`portledger formats`). A format not listed is still a firewall; one that
 * several products share (pfSense and OPNsense write the same filterlog) names no vendor.
 */
export const OBSERVERS: Readonly<Record<string, Observer>> = {
  netfilter: { type: 'firewall', vendor: 'Linux', product: 'Netfilter' },
  'nft-trace': { type: 'firewall', vendor: 'Linux', product: 'nftables' },
  pfsense: { type: 'firewall', product: 'pf filterlog (pfSense / OPNsense)' },
  'openbsd-pf': { type: 'firewall', vendor: 'OpenBSD', product: 'pf' },
  'windows-firewall': { type: 'firewall', vendor: 'Microsoft', product: 'Windows Defender Firewall' },
  mikrotik: { type: 'firewall', vendor: 'MikroTik', product: 'RouterOS' },
  'cisco-asa': { type: 'firewall', vendor: 'Cisco', product: 'ASA' },
  'cisco-ios': { type: 'firewall', vendor: 'Cisco', product: 'IOS' },
  fortigate: { type: 'firewall', vendor: 'Fortinet', product: 'FortiGate' },
  paloalto: { type: 'firewall', vendor: 'Palo Alto Networks', product: 'PAN-OS' },
  'juniper-srx': { type: 'firewall', vendor: 'Juniper', product: 'SRX' },
  sonicwall: { type: 'firewall', vendor: 'SonicWall', product: 'SonicOS' },
  checkpoint: { type: 'firewall', vendor: 'Check Point', product: 'Firewall' },
  netgear: { type: 'firewall', vendor: 'Netgear', product: 'Router' },
  zyxel: { type: 'firewall', vendor: 'Zyxel', product: 'ZyWALL' },
  'aws-vpc-flow': { type: 'firewall', vendor: 'AWS', product: 'VPC Flow Logs' },
  'gcp-vpc-flow': { type: 'firewall', vendor: 'Google Cloud', product: 'VPC Flow Logs / Firewall Rules Logging' },
  'sophos-firewall': { type: 'firewall', vendor: 'Sophos', product: 'Sophos Firewall' },
  // CEF and LEEF lines name their device in the header (FirewallEvent.device).
  cef: { type: 'firewall', product: 'CEF (Common Event Format) source' },
  leef: { type: 'firewall', product: 'LEEF (Log Event Extended Format) source' },
  'zeek-conn': { type: 'sensor', vendor: 'Zeek', product: 'Zeek' },
  dshield: { type: 'firewall', product: 'DShield submission' },
};

export function observerOf(format: string): Observer {
  return OBSERVERS[format] ?? { type: 'firewall' };
}

/**
 * event.type, the one place it is decided: a network connection attempt, and what the firewall
 * did with it (ECS: `denied` / `allowed`). Records that open or close a session add `start` /
 * `end` here.
 */
export function eventType(e: Pick<FirewallEvent, 'action' | 'sessionPhase'>): string[] {
  const types = ['connection'];
  if (e.sessionPhase !== undefined) types.push(SESSION_TYPE[e.sessionPhase]);
  if (e.action === 'deny') types.push('denied');
  else if (e.action === 'allow') types.push('allowed');
  return types;
}

/**
 * event.outcome from the firewall's point of view (ECS's own firewall example): a packet it
 * dropped or let through as its rules say is a `success`; without its decision, `unknown`.
 */
export function eventOutcome(e: Pick<FirewallEvent, 'action'>): string {
  return e.action === 'deny' || e.action === 'allow' ? 'success' : 'unknown';
}

/** `ipv4` or `ipv6` from an address as events carry it (canonical text). */
export function ipVersion(ip: string): string | undefined {
  if (ip.includes(':')) return 'ipv6';
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? 'ipv4' : undefined;
}

interface Build {
  /** The categorization and observer fields too (`ecsDocument`), or only what the parser read. */
  complete: boolean;
  original?: string;
}

function build(e: FirewallEvent, c: Classification | undefined, b: Build): EcsDocument {
  const d: EcsDocument = {};
  put(d, '@timestamp', new Date(e.ts).toISOString());
  if (b.complete) {
    put(d, 'ecs.version', ECS_VERSION);
    put(d, 'event.kind', 'event');
    put(d, 'event.category', ['network']);
    put(d, 'event.type', eventType(e));
    put(d, 'event.outcome', eventOutcome(e));
  }
  put(d, 'event.action', e.action);
  put(d, 'event.original', b.original);
  if (!b.complete && e.sessionPhase !== undefined) put(d, 'event.type', ['connection', SESSION_TYPE[e.sessionPhase]]);
  put(d, 'source.ip', e.srcIp);
  put(d, 'source.port', e.srcPort);
  put(d, 'source.mac', e.srcMac);
  put(d, 'destination.ip', e.dstIp);
  put(d, 'destination.port', e.dstPort);
  put(d, 'destination.mac', e.dstMac);
  put(d, 'network.transport', e.transport);
  if (b.complete) {
    put(d, 'network.iana_number', protoNumber(e.transport)?.toString());
    put(d, 'network.type', ipVersion(e.srcIp) ?? ipVersion(e.dstIp));
  }
  put(d, 'network.direction', c ? c.direction : e.direction);
  if (e.count !== undefined && e.count !== 1) put(d, 'network.packets', e.count);
  if (b.complete) {
    const o = observerOf(e.format);
    put(d, 'observer.type', o.type);
    put(d, 'observer.vendor', e.device?.vendor || o.vendor);
    put(d, 'observer.product', e.device?.product || o.product);
  }
  put(d, 'observer.hostname', e.hostname);
  put(d, 'observer.ingress.interface.name', e.inIf);
  put(d, 'observer.ingress.zone', e.inZone);
  put(d, 'observer.egress.interface.name', e.outIf);
  put(d, 'observer.egress.zone', e.outZone);
  put(d, 'rule.name', e.rule);
  put(d, 'portledger.format', e.format);
  put(d, 'portledger.tcp_flags', e.tcpFlags);
  put(d, 'portledger.icmp.type', e.icmpType);
  put(d, 'portledger.icmp.code', e.icmpCode);
  put(d, 'portledger.ip.length', e.length);
  put(d, 'portledger.ip.ttl', e.ttl);
  put(d, 'portledger.mark', e.mark);
  put(d, 'portledger.bridge.in', e.physIn);
  put(d, 'portledger.bridge.out', e.physOut);
  put(d, 'portledger.session.id', e.sessionId);
  if (c) {
    put(d, 'portledger.class', c.class);
    put(d, 'portledger.reason', c.reason);
  }
  return d;
}

/**
 * The fields a parser read, with ECS names: the golden fixtures' shape. Keys are emitted in a
 * fixed order so NDJSON diffs stay readable.
 */
export function toEcs(e: FirewallEvent, c?: Classification): EcsDocument {
  return build(e, c, { complete: false });
}

/** The whole ECS document of an event; `original`: the log line as read (event.original, opt-in). */
export function ecsDocument(e: FirewallEvent, c?: Classification, opts: { original?: string } = {}): EcsDocument {
  return build(e, c, { complete: true, original: opts.original });
}

/** An alert as the detectors publish it (src/act/alert-outputs.ts AlertDocument), as far as ECS needs it. */
export interface AlertInput {
  id?: number;
  status?: string;
  kind: string;
  host: string;
  port: number;
  proto: string;
  /** psad danger level 1–5 (scans); null for worm alerts. */
  level: number | null;
  /** ISO-8601 UTC: first and last event of the episode. */
  first: string;
  last: string;
  /** The probe kinds with their nmap options (`SYN (-sS)`), '' for a worm burst. */
  scan_type?: string;
  /** Distinct targets, and up to 20 of them. */
  targets?: number;
  sample_targets?: string[];
  /** Triage: open or closed. */
  state?: string;
}

/**
 * An alert as an ECS document: event.kind `alert` in the intrusion_detection and network
 * categories, the episode as event.start / event.end, its psad danger level as event.severity,
 * the host it is about as source.ip (the scanner, or the inside host of a worm burst), the kind
 * as rule.name; the whole alert under portledger.alert. The observer is portledger itself.
 */
export function alertEcsDocument(a: AlertInput): EcsDocument {
  const d: EcsDocument = {};
  put(d, '@timestamp', a.last);
  put(d, 'ecs.version', ECS_VERSION);
  put(d, 'event.kind', 'alert');
  put(d, 'event.category', ['intrusion_detection', 'network']);
  put(d, 'event.type', ['info']);
  put(d, 'event.action', a.kind);
  put(d, 'event.start', a.first);
  put(d, 'event.end', a.last);
  put(d, 'event.severity', a.level ?? undefined);
  put(d, 'event.reason', a.scan_type || undefined);
  put(d, 'source.ip', a.host);
  // One target: it is the destination (a sweep's or a burst's many are in portledger.alert).
  if (a.targets === 1 && a.sample_targets?.length === 1) put(d, 'destination.ip', a.sample_targets[0]);
  // A vertical scan spans many ports: port 0 says so, it is not a destination port.
  if (!(a.kind === 'vertical-scan' && a.port === 0)) put(d, 'destination.port', a.port);
  put(d, 'network.transport', a.proto);
  put(d, 'network.iana_number', protoNumber(a.proto)?.toString());
  put(d, 'network.type', ipVersion(a.host));
  put(d, 'observer.type', 'ids');
  put(d, 'observer.product', 'portledger');
  put(d, 'rule.name', a.kind);
  put(d, 'rule.ruleset', 'portledger');
  put(d, 'portledger.alert', a);
  return d;
}
