/**
 * IBM QRadar Log Event Extended Format (LEEF), 1.0 and 2.0, behind any syslog header:
 *
 *   LEEF:1.0|Vendor|Product|Version|EventID|src=203.0.113.7<TAB>dst=192.0.2.10<TAB>…
 *   LEEF:2.0|Vendor|Product|Version|EventID|^|src=203.0.113.7^dst=192.0.2.10^…
 *
 * Delimiter rules: LEEF 1.0 separates attributes with a tab; LEEF 2.0 names its delimiter in the
 * sixth header field, as the character itself (`^`) or its hex code (`x5E`, `0x5E`), and an empty
 * or missing field means tab. PAN-OS writes LEEF 1.0 with `|` between attributes; a 1.0 record
 * without a tab but with `|key=` is read that way. A delimiter inside a value is escaped with a
 * backslash; a value runs from the first `=` of its attribute.
 *
 * Which records are traffic is the vendor's vocabulary (lib/siem.ts, as for CEF): PAN-OS by log
 * type (`cat` / `Type`), FortiGate by category, Check Point by blade, Trend Micro Deep Security by
 * event id; any other vendor's record is traffic when it names an action (`action`, `act`, or an
 * event id that is a verdict such as `Accept` or `Drop`), else the skip `not-firewall`.
 *
 * | event          | attribute                                                          |
 * |----------------|--------------------------------------------------------------------|
 * | srcIp / dstIp  | srcPreNAT / dstPreNAT when present (the tuple that knocked), else src / dst |
 * | ports          | srcPreNATPort / dstPreNATPort, else srcPort / dstPort              |
 * | transport      | proto (name or number)                                            |
 * | action         | action, act, else the event id when it is a verdict               |
 * | inIf / outIf   | IngressInterface / EgressInterface (PAN-OS), srcintf / dstintf      |
 * | inZone/outZone | SourceZone / DestinationZone (PAN-OS), srcintfrole / dstintfrole (FortiGate) |
 * | rule           | RuleName, policyname, policy, rule                                 |
 * | count          | RepeatCount, cnt                                                   |
 * | srcMac/dstMac  | srcMAC / dstMAC                                                    |
 * | ts             | devTime (epoch, ISO 8601, `MMM dd yyyy HH:mm:ss [zone]`), else the syslog stamp |
 * | hostname       | DeviceName, devname, else the syslog host                          |
 * Sessions: PAN-OS `Subtype=start|end` with `SessionID`, FortiGate `action=start` and its end
 * records with `sessionid`, as in the native formats (src/pipeline/sessions.ts).
 */
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionWord } from './lib/actions';
import { addressReason, readIp } from './lib/ip';
import { colonMac } from './lib/mac';
import { portOf, toInt } from './lib/numbers';
import { PORTED, protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { checkPointBlade, fortinetCategory, fortinetSide, headerStart, panTypeSkip, siemTime, sniffHeader, trendMicroEvent } from './lib/siem';
import { zoneDirection, zoneSide } from './lib/zones';

/** LEEF 1.0 and 2.0. */
const LEEF_VERSIONS = '12';
const leefStart = (m: string): number => headerStart(m, 'LEEF:', LEEF_VERSIONS);
const sniff = (env: Envelope): boolean => sniffHeader(env.message, 'LEEF:', LEEF_VERSIONS);

interface Header {
  version: string;
  vendor: string;
  product: string;
  eventId: string;
  /** Where the attributes start, and what separates them. */
  attrs: number;
  delimiter: string;
}

/** A LEEF 2.0 delimiter field: `^`, `x5E`, `0x5E`; '' for tab; undefined when the field is not one. */
function delimiterOf(field: string): string | undefined {
  if (field === '') return '\t';
  if (field.length === 1 && field !== '=') return field;
  const hex = /^(?:0x|x)([0-9a-fA-F]{2,4})$/.exec(field);
  return hex ? String.fromCharCode(parseInt(hex[1], 16)) : undefined;
}

function header(m: string, at: number): Header | undefined {
  const pipes: number[] = [];
  for (let i = m.indexOf('|', at); i >= 0 && pipes.length < 6; i = m.indexOf('|', i + 1)) pipes.push(i);
  if (pipes.length < 5) return undefined;
  const field = (k: number) => m.slice(pipes[k - 1] + 1, pipes[k]);
  const h: Header = { version: m.slice(at + 5, pipes[0]), vendor: field(1), product: field(2), eventId: field(4), attrs: pipes[4] + 1, delimiter: '\t' };
  if (h.version.startsWith('2') && pipes.length === 6) {
    const d = delimiterOf(field(5));
    if (d !== undefined) {
      h.delimiter = d;
      h.attrs = pipes[5] + 1;
    }
  } else if (h.version.startsWith('1') && m.indexOf('\t', h.attrs) < 0 && /\|[A-Za-z][\w.]*=/.test(m.slice(h.attrs))) {
    h.delimiter = '|';
  }
  return h;
}

/** The attributes, first occurrence winning; `\<delimiter>` inside a value is the delimiter. */
function attributes(s: string, delimiter: string): Map<string, string> {
  const out = new Map<string, string>();
  let part = '';
  const flush = () => {
    const eq = part.indexOf('=');
    if (eq > 0) {
      const k = part.slice(0, eq).trim();
      if (!out.has(k)) out.set(k, part.slice(eq + 1).trim());
    }
    part = '';
  };
  let from = 0;
  for (let i = s.indexOf(delimiter); i >= 0; i = s.indexOf(delimiter, i + 1)) {
    if (s.charCodeAt(i - 1) === 92 /* \ */) {
      part += s.slice(from, i - 1) + delimiter;
      from = i + 1;
      continue;
    }
    part += s.slice(from, i);
    flush();
    from = i + 1;
  }
  part += s.slice(from);
  flush();
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === 'N/A' ? undefined : v;
}

function first(a: Map<string, string>, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = nonEmpty(a.get(k));
    if (v !== undefined) return v;
  }
  return undefined;
}

function recordKind(h: Header, a: Map<string, string>): true | SkipCode {
  const v = h.vendor.toLowerCase();
  if (v === 'fortinet') return fortinetCategory(a.get('cat') ?? '');
  if (v === 'palo alto networks') {
    const type = (a.get('cat') ?? a.get('Type') ?? '').toUpperCase();
    return type === 'TRAFFIC' ? true : panTypeSkip(type);
  }
  if (v === 'check point') return checkPointBlade(h.product);
  if (v === 'trend micro') return h.product.toLowerCase().includes('deep security') ? trendMicroEvent(h.eventId) : 'security-alert';
  return first(a, ['action', 'act', 'Action']) !== undefined || actionWord(h.eventId) !== 'unknown' ? true : 'not-firewall';
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const m = env.message;
    const at = leefStart(m);
    if (at < 0) return reject('unrecognized-message');
    const h = header(m, at);
    if (h === undefined) return reject('truncated');
    const a = attributes(m.slice(h.attrs), h.delimiter);
    const kind = recordKind(h, a);
    if (kind !== true) return skip(kind, kind === 'not-firewall' ? h.vendor : undefined);

    const src = first(a, ['srcPreNAT', 'src']);
    const dst = first(a, ['dstPreNAT', 'dst']);
    if (src === undefined || dst === undefined) return reject('no-addresses');
    const srcIp = readIp(src);
    if (srcIp === undefined) return reject(addressReason(src));
    const dstIp = readIp(dst);
    if (dstIp === undefined) return reject(addressReason(dst));
    const proto = first(a, ['proto', 'protocol']);
    if (proto === undefined) return reject('no-protocol');
    let transport = protoKeyword(proto);
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = portOf(first(a, [a.has('srcPreNAT') ? 'srcPreNATPort' : '', 'srcPort']));
      dstPort = portOf(first(a, [a.has('dstPreNAT') ? 'dstPreNATPort' : '', 'dstPort']));
      if (srcPort === -1 || dstPort === -1) return reject('bad-port');
    }
    const devTime = nonEmpty(a.get('devTime'));
    const t = devTime === undefined ? env.ts : siemTime(devTime, clock);
    if (t === undefined) return reject(devTime === undefined ? 'no-timestamp' : 'bad-timestamp');
    if (typeof t === 'object') return t;

    const vendor = h.vendor.toLowerCase();
    const act = first(a, ['action', 'act', 'Action']);
    const inIf = first(a, ['IngressInterface', 'srcintf', 'inInterface']);
    const outIf = first(a, ['EgressInterface', 'dstintf', 'outInterface']);
    const inZone = first(a, ['SourceZone', 'srcintfrole', 'srcZone']);
    const outZone = first(a, ['DestinationZone', 'dstintfrole', 'dstZone']);
    const event: FirewallEvent = {
      ts: t,
      format: 'leef',
      action: actionWord(act ?? h.eventId),
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      srcMac: colonMac(a.get('srcMAC')),
      dstMac: colonMac(a.get('dstMAC')),
      inIf,
      outIf,
      rule: first(a, ['RuleName', 'policyname', 'policy', 'rule', 'policyid']),
      hostname: first(a, ['DeviceName', 'devname']) ?? env.hostname,
      device: { vendor: h.vendor, product: h.product },
      direction: vendor === 'fortinet' ? zoneDirection(fortinetSide(inZone, inIf), fortinetSide(outZone, outIf)) : zoneDirection(zoneSide(inZone), zoneSide(outZone)),
      inZone,
      outZone,
    };
    const count = toInt(first(a, ['RepeatCount', 'cnt']), 1e9);
    if (count !== undefined && count > 1) event.count = count;
    const sub = a.get('Subtype');
    if (vendor === 'palo alto networks' && (sub === 'start' || sub === 'end')) {
      event.sessionPhase = sub;
      event.sessionId = first(a, ['SessionID']);
    } else if (vendor === 'fortinet' && event.action !== 'deny') {
      event.sessionPhase = act === 'start' ? 'start' : 'end';
      event.sessionId = first(a, ['sessionid']);
    }
    if (event.sessionId === undefined || event.sessionId === '0') delete event.sessionId;
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

export const leef: LogParser = {
  id: 'leef',
  title: 'IBM QRadar Log Event Extended Format (LEEF 1.0 and 2.0)',
  example:
    'Mar  3 10:15:42 fw01 LEEF:2.0|Check Point|VPN-1 & FireWall-1|1.0|Drop|^|src=203.0.113.7^dst=192.0.2.10^srcPort=51234^' +
    'dstPort=22^proto=TCP^action=Drop^devTime=1709460942000^rule=Cleanup rule',
  sniff,
  parse,
};
