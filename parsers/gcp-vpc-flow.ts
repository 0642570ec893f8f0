/**
 * Google Cloud VPC Flow Logs and Firewall Rules Logging, as Cloud Logging exports them: one
 * LogEntry JSON document per line (Cloud Storage and Pub/Sub sinks write them so;
 * `gcloud logging read --format=json` prints an array: `jq -c '.[]'` turns it into lines).
 * Both carry the flow in `jsonPayload.connection` (`src_ip`, `src_port`, `dest_ip`, `dest_port`,
 * `protocol` as an IANA number):
 *
 *   {"jsonPayload":{"connection":{"src_ip":"203.0.113.7","src_port":51234,"dest_ip":"10.128.0.2","dest_port":22,"protocol":6},
 *    "disposition":"DENIED","rule_details":{"reference":"network:default/firewall:deny-ssh","action":"DENY","direction":"INGRESS"},
 *    "instance":{"vm_name":"web-1"}},"logName":"projects/p/logs/compute.googleapis.com%2Ffirewall","timestamp":"2024-03-05T10:00:00Z"}
 *
 * Firewall Rules Logging (`logName` …`%2Ffirewall`, or a payload with `disposition` /
 * `rule_details`) records one connection a logged rule allowed or denied: action from
 * `disposition` (ALLOWED / DENIED), direction from `rule_details.direction` (INGRESS inbound, EGRESS
 * outbound: the VM's own statement), rule = the firewall name in `rule_details.reference`, time =
 * `timestamp`. VPC Flow Logs (`…%2Fvpc_flows`) record sampled flows a VM sent or received — traffic
 * that got through, so action allow; count = `packets_sent` of the aggregation interval; time =
 * `start_time`; no direction (both ends may be the user's VMs: the classifier decides from the
 * home networks). Hostname: the VM's `vm_name` (`instance`, or the reporting side's instance).
 * Ports for TCP, UDP, SCTP; ICMP flows carry no type. A document without a connection is the skip
 * `system-message`; an unreadable one `bad-json`.
 */
import { parseIsoStamp } from './envelope/stamps';
import type { Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { addressReason, readIp } from './lib/ip';
import { toInt } from './lib/numbers';
import { PORTED, protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';

type Json = Record<string, unknown>;

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) !== 123 /* { */ || m.indexOf('"connection"') < 0) return false;
  return m.indexOf('vpc_flows') > 0 || m.indexOf('googleapis.com%2Ffirewall') > 0 || m.indexOf('googleapis.com/firewall') > 0 ||
    m.indexOf('"rule_details"') > 0 || m.indexOf('"disposition"') > 0;
}

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** A number JSON writes as a number or, for int64, as a string; undefined when absent, -1 when bad. */
function num(v: unknown, max: number): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = toInt(typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '', max);
  return n === undefined ? -1 : n;
}

function vmName(v: unknown): string | undefined {
  return text(obj(v)?.vm_name);
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(env.message);
  } catch {
    return reject('bad-json');
  }
  try {
    const o = obj(doc);
    if (o === undefined) return reject('bad-json');
    const p = obj(o.jsonPayload) ?? o;
    const c = obj(p.connection);
    if (c === undefined) return skip('system-message');
    const logName = text(o.logName) ?? '';
    const rule = obj(p.rule_details);
    const firewall = p.disposition !== undefined || rule !== undefined || /%2Ffirewall|\/firewall$/.test(logName);

    const src = text(c.src_ip);
    const dst = text(c.dest_ip);
    if (src === undefined || dst === undefined) return reject('no-addresses');
    const srcIp = readIp(src);
    if (srcIp === undefined) return reject(addressReason(src));
    const dstIp = readIp(dst);
    if (dstIp === undefined) return reject(addressReason(dst));
    const protoNumber = num(c.protocol, 255);
    if (protoNumber === undefined) return reject('no-protocol');
    let transport = protoNumber < 0 ? protoKeyword(text(c.protocol) ?? '') : protoKeyword(String(protoNumber));
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = num(c.src_port, 65535);
      dstPort = num(c.dest_port, 65535);
      if (srcPort === -1 || dstPort === -1) return reject('bad-port');
    }
    const stamp = text(firewall ? o.timestamp : (p.start_time ?? o.timestamp)) ?? text(o.receiveTimestamp);
    const ts = stamp === undefined ? env.ts : parseIsoStamp(stamp, 0, clock)?.ts;
    if (ts === undefined) return reject(stamp === undefined ? 'no-timestamp' : 'bad-timestamp');

    let direction: Direction | undefined;
    let action: FirewallEvent['action'] = 'allow';
    let ruleName: string | undefined;
    let host: string | undefined;
    let count: number | undefined;
    if (firewall) {
      const d = text(p.disposition) ?? text(rule?.action);
      action = d === 'DENIED' || d === 'DENY' ? 'deny' : d === 'ALLOWED' || d === 'ALLOW' ? 'allow' : 'unknown';
      const dir = text(rule?.direction);
      direction = dir === 'INGRESS' ? 'inbound' : dir === 'EGRESS' ? 'outbound' : undefined;
      const ref = text(rule?.reference);
      ruleName = ref === undefined ? undefined : ref.slice(ref.lastIndexOf('firewall:') >= 0 ? ref.lastIndexOf('firewall:') + 9 : 0);
      host = vmName(p.instance);
    } else {
      host = vmName(text(p.reporter) === 'DEST' ? p.dest_instance : p.src_instance);
      const packets = num(p.packets_sent, 1e12);
      if (packets !== undefined && packets > 1) count = packets;
    }
    const event: FirewallEvent = {
      ts,
      format: 'gcp-vpc-flow',
      action,
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      rule: ruleName === '' ? undefined : ruleName,
      hostname: host ?? env.hostname,
      direction,
    };
    if (count !== undefined) event.count = count;
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

export const gcpVpcFlow: LogParser = {
  id: 'gcp-vpc-flow',
  title: 'Google Cloud VPC Flow Logs and Firewall Rules Logging (Cloud Logging JSON)',
  example:
    '{"insertId":"1a2b3c","jsonPayload":{"connection":{"src_ip":"203.0.113.7","src_port":51234,"dest_ip":"10.128.0.2","dest_port":22,"protocol":6},' +
    '"disposition":"DENIED","rule_details":{"reference":"network:default/firewall:deny-ssh","priority":1000,"action":"DENY","direction":"INGRESS"},' +
    '"instance":{"project_id":"example-project","vm_name":"web-1","region":"us-central1","zone":"us-central1-a"}},' +
    '"logName":"projects/example-project/logs/compute.googleapis.com%2Ffirewall","timestamp":"2024-03-03T10:15:42.123456Z"}',
  sniff,
  parse,
};
