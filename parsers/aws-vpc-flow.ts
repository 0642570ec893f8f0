/**
 * AWS VPC Flow Logs: one space-separated record per flow and aggregation window (S3 objects,
 * CloudWatch Logs events, or the same line inside a JSON `message`).
 *
 *   2 123456789010 eni-0a1b2c3d4e5f60789 203.0.113.7 10.0.1.5 40522 22 6 3 180 1709648521 1709648580 REJECT OK
 *
 * Columns come from the header line when there is one (S3 objects start with it:
 * `version account-id interface-id srcaddr …`, in the flow log's own custom order): it is a skip
 * (`log-header`) whose field list is kept in the source's state (`aws-vpc-flow.fields`),
 * and the records after it are read by those names, each value checked against the shape its
 * column needs (`bad-field` with the field's name otherwise); a record whose column count
 * differs from the header is the reject `columns-mismatch`. Without a header (CloudWatch Logs, a file read from
 * the middle), each record is matched against the layouts we know, column by column (an address
 * where an address belongs, `eni-…` for the interface, ACCEPT/REJECT for the action, bytes ≥ 20 ×
 * packets…). Known layouts: the v2 default (14 fields); "all fields" in the documented order for
 * v3 (21), v4 (25), v5 (29), v5 without the sublocation pair (27), v7 (39) and v8 (40); and the two
 * custom orders the AWS documentation uses in its examples (TCP-flag sequence, AWS-service
 * traffic). Any other order without a header is rejected as `unknown-layout`.
 *
 * Detection cannot see the header, so it reads the content: a record that starts with its
 * version, or (columns reordered by a header) plain space-separated values with an action,
 * log status or `eni-…` interface, an epoch time and an address.
 *
 * Mapping: `start` (epoch s) → ts (the window start, not a packet time); `packets` → count;
 * ACCEPT/REJECT → allow/deny (security group / network ACL verdict); protocol number → keyword;
 * `pkt-srcaddr`/`pkt-dstaddr` (the packet's original addresses, behind NAT gateways) win over
 * `srcaddr`/`dstaddr` when present; `tcp-flags` is the OR of the flags seen in the window (only
 * FIN, SYN, RST and SYN-ACK are reported; 0 means none of those, so no flags are set); ICMP flows
 * carry no type/code. `flow-direction` is relative to the network interface, which for an instance
 * is the host itself: ingress = inbound (interface id as ingress interface), egress = outbound.
 * NODATA rows are the skip `no-flow-data`, SKIPDATA rows (AWS lost the window's records)
 * `device-lost-records`.
 */
import type { Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome, SourceState } from './types';
import { readIp } from './lib/ip';
import { portOf, toUint } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { flagWords } from './lib/tcp-flags';

/** Every field name AWS defines, for recognising header lines. */
const V2 = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
const V3 = [...V2, 'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr'];
const V4 = [...V3, 'region', 'az-id', 'sublocation-type', 'sublocation-id'];
const V5_TAIL = ['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path'];
const V5 = [...V4, ...V5_TAIL];
const V5_NO_SUBLOCATION = [...V3, 'region', 'az-id', ...V5_TAIL];
const V7 = [...V5, 'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id'];
const V8 = [...V7, 'reject-reason'];
// The custom formats of the "Flow log record examples" page.
const DOC_TCP_FLAGS = ['version', 'vpc-id', 'subnet-id', 'instance-id', 'interface-id', 'account-id', 'type', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'pkt-srcaddr', 'pkt-dstaddr', 'protocol', 'bytes', 'packets', 'start', 'end', 'action', 'tcp-flags', 'log-status'];
const DOC_SERVICES = ['version', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'start', 'end', 'type', 'packets', 'bytes', 'account-id', 'vpc-id', 'subnet-id', 'instance-id', 'interface-id', 'region', 'az-id', 'sublocation-type', 'sublocation-id', 'action', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'traffic-path', 'flow-direction', 'log-status'];

const LAYOUTS = [V2, V3, V4, V5, V5_NO_SUBLOCATION, V7, V8, DOC_TCP_FLAGS, DOC_SERVICES];
const FIELD_NAMES = new Set(LAYOUTS.flat());
const ADDRESS_FIELDS = ['srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr'];

/** Where the header's field list of this source is kept. */
const FIELDS_KEY = 'aws-vpc-flow.fields';

const DIGITS = /^\d{1,20}$/;
const isUint = (v: string) => DIGITS.test(v);
const dashOr = (test: (v: string) => boolean) => (v: string) => v === '-' || test(v);
const prefixed = (p: string) => dashOr((v) => v.startsWith(p));
const oneOf = (...words: string[]) => (v: string) => words.includes(v);
const anything = () => true;

/** What a value must look like in each column. */
const CHECKS: Record<string, (v: string) => boolean> = {
  version: (v) => v.length === 1 && v >= '2' && v <= '9',
  'account-id': dashOr((v) => v === 'unknown' || (v.length <= 12 && isUint(v))),
  'interface-id': prefixed('eni-'),
  srcaddr: dashOr((v) => readIp(v) !== undefined),
  dstaddr: dashOr((v) => readIp(v) !== undefined),
  'pkt-srcaddr': dashOr((v) => readIp(v) !== undefined),
  'pkt-dstaddr': dashOr((v) => readIp(v) !== undefined),
  srcport: dashOr(isUint),
  dstport: dashOr(isUint),
  protocol: dashOr(isUint),
  packets: dashOr(isUint),
  bytes: dashOr(isUint),
  start: isUint,
  end: isUint,
  action: oneOf('ACCEPT', 'REJECT', '-'),
  'log-status': oneOf('OK', 'NODATA', 'SKIPDATA'),
  'vpc-id': prefixed('vpc-'),
  'subnet-id': prefixed('subnet-'),
  'instance-id': prefixed('i-'),
  'tcp-flags': dashOr(isUint),
  type: oneOf('IPv4', 'IPv6', 'EFA', '-'),
  region: dashOr((v) => /^[a-z]{2}(?:-[a-z]+)+-\d$/.test(v)),
  'az-id': dashOr((v) => /^[a-z]{2,}\d*-az\d+$/.test(v)),
  'sublocation-type': oneOf('wavelength', 'outpost', 'localzone', '-'),
  'sublocation-id': anything,
  'pkt-src-aws-service': dashOr((v) => /^[A-Z0-9_]+$/.test(v)),
  'pkt-dst-aws-service': dashOr((v) => /^[A-Z0-9_]+$/.test(v)),
  'flow-direction': oneOf('ingress', 'egress', '-'),
  'traffic-path': dashOr(isUint),
  'reject-reason': anything,
};

/** Column index of each field per layout, built once. */
const INDEXED = LAYOUTS.map((names) => ({
  names,
  at: Object.fromEntries(names.map((n, i) => [n, i])) as Record<string, number>,
}));

function layoutOf(f: string[]): (typeof INDEXED)[number] | undefined {
  const fits = INDEXED.filter((l) => {
    if (l.names.length !== f.length) return false;
    for (let i = 0; i < f.length; i++) if (!(CHECKS[l.names[i]] ?? anything)(f[i])) return false;
    return true;
  });
  if (fits.length <= 1) return fits[0];
  // Two layouts of the same width both fit: packets and bytes are both counts, but a packet is at
  // least 20 bytes, which tells a swapped pair apart.
  return fits.find((l) => {
    const p = toUint(f[l.at.packets]);
    const b = toUint(f[l.at.bytes]);
    return !(p > 0 && b >= 0 && b < p * 20);
  });
}

/**
 * The field names of a header line, or `undefined`. Names may be written `${srcaddr}` (as in the
 * format definition); names AWS adds later are accepted (their columns are ignored) as long as
 * four known ones, one of them an address, are there.
 */
function headerFields(m: string): string[] | undefined {
  const names = m.trim().split(/\s+/).map((n) => n.replace(/^\$\{|\}$/g, ''));
  if (names.length < 4) return undefined;
  let known = 0;
  for (const n of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(n)) return undefined;
    if (FIELD_NAMES.has(n)) known++;
  }
  return known >= 4 && ADDRESS_FIELDS.some((a) => names.includes(a)) ? names : undefined;
}

/** Cheap test before `headerFields`: a header starts with a lower-case name or `${` and names an address. */
function mayBeHeader(m: string): boolean {
  const c = m.charCodeAt(0);
  return ((c >= 97 && c <= 122) /* a-z */ || c === 36) /* $ */ && m.includes('addr');
}

const EPOCH = /^\d{9,11}$/;
/** Characters no flow log value holds (ARNs hold `:` and `/`, but not at the end of a word). */
const FOREIGN = /:$|[="'\[\](){},;<>]/;

/**
 * A record whose columns a header may have reordered or reduced: plain space-separated values
 * with an action, a log status or an `eni-…` interface, an epoch time (start / end), and an
 * address (none in a NODATA / SKIPDATA row).
 */
function isReorderedRecord(m: string): boolean {
  if (!(m.includes('ACCEPT') || m.includes('REJECT') || m.includes('NODATA') || m.includes('SKIPDATA') || m.includes('eni-'))) return false;
  const t = m.split(' ');
  if (t.length < 5) return false;
  let marker = false, noData = false, time = false, ips = 0;
  for (const w of t) {
    if (w === 'ACCEPT' || w === 'REJECT' || w.startsWith('eni-')) marker = true;
    else if (w === 'NODATA' || w === 'SKIPDATA') marker = noData = true;
    else if (EPOCH.test(w)) time = true;
    else if ((w.includes('.') || w.includes(':')) && readIp(w) !== undefined) ips++;
    else if (FOREIGN.test(w)) return false;
  }
  return marker && time && (ips >= 1 || noData);
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  const c = m.charCodeAt(0);
  if (c >= 50 && c <= 57 && m.charCodeAt(1) === 32) {
    if (m.includes(' eni-') || m.includes(' ACCEPT') || m.includes(' REJECT') || m.endsWith('NODATA') || m.endsWith('SKIPDATA')) return true;
  }
  if (mayBeHeader(m) && headerFields(m) !== undefined) return true;
  // Not `version` first: a custom order may open with `eni-…`, an address, `-`…
  return isReorderedRecord(m);
}

function fieldsOf(state: SourceState | undefined): readonly string[] | undefined {
  const v = state?.get(FIELDS_KEY);
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

const DIRECTIONS: Record<string, Direction> = { ingress: 'inbound', egress: 'outbound' };

function parse(env: Envelope, _clock: Clock, state?: SourceState): ParseOutcome {
  const m = env.message.trim();
  const header = mayBeHeader(m) ? headerFields(m) : undefined;
  if (header) {
    state?.set(FIELDS_KEY, header);
    return skip('log-header');
  }
  if (m.startsWith('version ')) return reject('unknown-layout');
  const f = m.split(/\s+/);
  const declared = fieldsOf(state);
  let get: (name: string) => string | undefined;
  if (declared) {
    if (f.length !== declared.length) return reject('columns-mismatch');
    for (let i = 0; i < f.length; i++) if (!(CHECKS[declared[i]] ?? anything)(f[i])) return reject('bad-field', declared[i]);
    get = (name) => {
      const i = declared.indexOf(name);
      return i < 0 ? undefined : f[i];
    };
  } else {
    const l = layoutOf(f);
    if (!l) return reject('unknown-layout');
    get = (name) => {
      const i = l.at[name];
      return i === undefined ? undefined : f[i];
    };
  }
  const status = get('log-status');
  if (status === 'NODATA') return skip('no-flow-data');
  // SKIPDATA: AWS could not record the window's flows (capacity, an internal error).
  if (status === 'SKIPDATA') return skip('device-lost-records');

  const pick = (pkt: string | undefined, plain: string | undefined) => (pkt !== undefined && pkt !== '-' ? pkt : plain);
  const srcText = pick(get('pkt-srcaddr'), get('srcaddr'));
  const dstText = pick(get('pkt-dstaddr'), get('dstaddr'));
  if (!srcText || !dstText || srcText === '-' || dstText === '-') return reject('no-addresses');
  const srcIp = readIp(srcText)!;
  const dstIp = readIp(dstText)!;

  const protoText = get('protocol');
  if (protoText === undefined || protoText === '-') return reject('no-protocol');
  let transport = protoKeyword(protoText);
  if (transport === undefined) return reject('bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
  const ported = transport === 'tcp' || transport === 'udp' || transport === 'sctp';
  const srcPort = ported ? portOf(get('srcport')) : undefined;
  const dstPort = ported ? portOf(get('dstport')) : undefined;
  if (srcPort === -1 || dstPort === -1) return reject('bad-port');

  const start = toUint(get('start') ?? '');
  const endText = get('end');
  const end = endText === undefined ? -1 : toUint(endText);
  if (start <= 0) return reject('no-timestamp');
  // A window lasts at most ten minutes; a start far from its end is a damaged record.
  if (end >= 0 && (start > end || end - start > 3600)) return reject('bad-timestamp');

  const packets = toUint(get('packets') ?? '');
  const flagsText = get('tcp-flags');
  const flags = flagsText === undefined ? 0 : toUint(flagsText);
  const action = get('action');
  const direction = DIRECTIONS[get('flow-direction') ?? ''];
  const eni = get('interface-id');
  const iface = eni !== undefined && eni !== '-' ? eni : undefined;
  const instance = get('instance-id');

  const event: FirewallEvent = {
    ts: start * 1000,
    format: 'aws-vpc-flow',
    action: action === 'ACCEPT' ? 'allow' : action === 'REJECT' ? 'deny' : 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' && flags > 0 && flags < 256 ? flagWords(flags) : undefined,
    inIf: direction === 'inbound' ? iface : undefined,
    outIf: direction === 'outbound' ? iface : undefined,
    hostname: instance !== undefined && instance !== '-' ? instance : undefined,
    direction,
    count: packets > 0 ? packets : undefined,
  };
  return { kind: 'event', event };
}

export const awsVpcFlow: LogParser = {
  id: 'aws-vpc-flow',
  title: 'AWS VPC Flow Logs (v2 default and v3–v8 all-field records)',
  example: '2 123456789010 eni-0a1b2c3d4e5f60789 203.0.113.7 10.0.1.5 40522 22 6 3 180 1709648521 1709648580 REJECT OK',
  sniff,
  parse,
};
