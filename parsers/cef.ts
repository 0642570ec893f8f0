/**
 * ArcSight Common Event Format (CEF), as FortiGate, Check Point, Palo Alto Networks, Trend Micro
 * Deep Security, Sophos and many others emit it, behind any syslog header:
 *
 *   CEF:0|Palo Alto Networks|PAN-OS|10.1.0|deny|TRAFFIC|3|src=203.0.113.7 dst=192.0.2.10 spt=51234 dpt=22 proto=tcp act=deny …
 *
 * Header: `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|`,
 * `\|` and `\\` escaped. Extension: `key=value` pairs separated by spaces, values running to the
 * next key (they may hold spaces), `\=`, `\\`, `\n`, `\r` escaped; an `=` in a value that does not
 * follow a key-shaped word (a URL's query) stays in the value.
 *
 * Which records are traffic is the vendor's vocabulary (lib/siem.ts): FortiGate by category
 * (`cat=traffic:forward`), PAN-OS by log type (the Name field: TRAFFIC), Check Point by blade (the
 * product field: the firewall), Trend Micro Deep Security by signature (firewall rule events
 * below 1,000,000); any other vendor's record is traffic when it names both addresses and an
 * action (`act`), else the skip `not-firewall` with the vendor as detail.
 *
 * | event          | extension key                                                       |
 * |----------------|---------------------------------------------------------------------|
 * | srcIp / dstIp  | src / dst (IPv6: c6a2 / c6a3)                                        |
 * | ports          | spt / dpt (TCP, UDP, SCTP, DCCP, UDP-Lite)                           |
 * | transport      | proto (name or number)                                              |
 * | action         | act (lib/actions.ts `actionWord`)                                   |
 * | inIf / outIf   | deviceInboundInterface / deviceOutboundInterface                     |
 * | inZone/outZone | the custom strings labelled Source Zone / Destination Zone (PAN-OS), FTNTFGTsrcintfrole / dstintfrole |
 * | rule           | the custom string labelled Rule, Rule Name, Policy, Policy Id…      |
 * | tcpFlags       | the custom string labelled TCP Flags (Trend Micro: `0x02 SYN`)       |
 * | count          | cnt (baseEventCount)                                                |
 * | hostname       | dvchost, else the syslog host                                       |
 * | ts             | rt, else start, else end, else FTNTFGTeventtime, else the syslog stamp |
 * Direction: zones or FortiGate interface roles by the one zone rule; else `deviceDirection`
 * (0 inbound, 1 outbound) — except from Check Point, which writes the interface direction there
 * (every packet entering a gateway interface is "inbound"), not the network's.
 * Sessions: PAN-OS start / end records (the Signature ID field) with the SessionID custom number,
 * FortiGate `act=start` and its end records with `externalId` (the session id) carry their phase,
 * as in the native formats.
 */
import type { Direction, Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { epochToMs } from './envelope/stamps';
import { actionWord } from './lib/actions';
import { addressReason, readIp } from './lib/ip';
import { colonMac } from './lib/mac';
import { portOf, toInt } from './lib/numbers';
import { PORTED, protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { flagMaskOfWords, flagWords } from './lib/tcp-flags';
import { checkPointBlade, fortinetCategory, fortinetSide, headerStart, panTypeSkip, siemTime, sniffHeader, trendMicroEvent } from './lib/siem';
import { zoneDirection, zoneSide } from './lib/zones';

const CEF_VERSIONS = '0123456789';
const cefStart = (m: string): number => headerStart(m, 'CEF:', CEF_VERSIONS);
const sniff = (env: Envelope): boolean => sniffHeader(env.message, 'CEF:', CEF_VERSIONS);

/** The seven header fields after `CEF:` (unescaped) and where the extension starts; undefined when cut. */
function header(m: string, at: number): { fields: string[]; ext: number } | undefined {
  const fields: string[] = [];
  let start = at + 4;
  let escaped = false;
  for (let i = start; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c === 92 /* \ */) {
      escaped = true;
      i++;
    } else if (c === 124 /* | */) {
      const f = m.slice(start, i);
      fields.push(escaped ? f.replace(/\\([|\\])/g, '$1') : f);
      escaped = false;
      start = i + 1;
      if (fields.length === 7) return { fields, ext: start };
    }
  }
  return undefined;
}

const isKeyChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93;
const ESCAPES: Record<string, string> = { '=': '=', '\\': '\\', n: '\n', r: '\r', '|': '|' };

function unescapeValue(v: string): string {
  return v.indexOf('\\') < 0 ? v : v.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all);
}

/** The extension's pairs, first occurrence of a key winning. */
function cefExtension(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  let valueAt = 0;
  const put = (end: number) => {
    if (key !== undefined && !out.has(key)) out.set(key, unescapeValue(s.slice(valueAt, end).trim()));
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c !== 61 /* = */) continue;
    let k = i;
    while (k > 0 && isKeyChar(s.charCodeAt(k - 1))) k--;
    // A key starts the extension or follows a space; anything else is an `=` inside a value.
    if (k === i || (k > 0 && s.charCodeAt(k - 1) !== 32)) continue;
    put(k);
    key = s.slice(k, i);
    valueAt = i + 1;
  }
  put(s.length);
  return out;
}

const LABELLED = ['cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'cn1', 'cn2', 'cn3', 'flexString1', 'flexString2', 'flexNumber1', 'flexNumber2'];

/** The custom field whose label matches (`cs4Label=Source Zone cs4=untrust`). */
function labelled(x: Map<string, string>, label: RegExp): string | undefined {
  for (const k of LABELLED) {
    const l = x.get(`${k}Label`);
    if (l !== undefined && label.test(l)) return nonEmpty(x.get(k));
  }
  return undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === 'N/A' ? undefined : v;
}

/** A FortiGate interface role; `undefined` (written as a word) is none. */
const role = (v: string | undefined): string | undefined => (v === 'undefined' ? undefined : nonEmpty(v));

const RULE_LABEL = /^(?:rule|rule ?name|rule ?id|policy|policy ?name|policy ?id|access ?rule|fw ?rule)$/i;

/** Traffic, or the skip of a record that is something else. */
function recordKind(vendor: string, product: string, signature: string, name: string, x: Map<string, string>): true | SkipCode {
  const v = vendor.toLowerCase();
  if (v === 'fortinet') return fortinetCategory(x.get('cat') ?? name.split(' ')[0]);
  if (v === 'palo alto networks') return name.toUpperCase() === 'TRAFFIC' ? true : panTypeSkip(name.toUpperCase());
  if (v === 'check point') return checkPointBlade(product);
  if (v === 'trend micro') return product.toLowerCase().includes('deep security') ? trendMicroEvent(signature) : 'security-alert';
  return x.has('act') || x.has('deviceAction') ? true : 'not-firewall';
}

/** `0x12 ACK SYN` (Trend Micro's TCP Flags field): the flag words. */
function flagsOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const mask = flagMaskOfWords(v, 'ignore');
  return mask > 0 ? flagWords(mask) : undefined;
}

function timeOf(x: Map<string, string>, env: Envelope, clock: Clock): number | ParseOutcome | undefined {
  for (const k of ['rt', 'start', 'end']) {
    const v = nonEmpty(x.get(k));
    if (v === undefined) continue;
    // A stamp the device wrote but we cannot read: the line is kept as a reject, not moved in time.
    return siemTime(v, clock) ?? reject('bad-timestamp');
  }
  const et = x.get('FTNTFGTeventtime');
  if (et !== undefined && /^\d{9,19}$/.test(et)) return epochToMs(Number(et));
  return env.ts;
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const m = env.message;
    const at = cefStart(m);
    if (at < 0) return reject('unrecognized-message');
    const h = header(m, at);
    if (h === undefined) return reject('truncated');
    const [, vendor, product, , signature, name] = h.fields;
    const x = cefExtension(m.slice(h.ext));
    const kind = recordKind(vendor, product, signature, name, x);
    if (kind !== true) return skip(kind, kind === 'not-firewall' ? vendor : undefined);

    const src = nonEmpty(x.get('src') ?? x.get('sourceAddress') ?? x.get('c6a2'));
    const dst = nonEmpty(x.get('dst') ?? x.get('destinationAddress') ?? x.get('c6a3'));
    if (src === undefined || dst === undefined) return reject('no-addresses');
    const srcIp = readIp(src);
    if (srcIp === undefined) return reject(addressReason(src));
    const dstIp = readIp(dst);
    if (dstIp === undefined) return reject(addressReason(dst));
    const proto = nonEmpty(x.get('proto') ?? x.get('transportProtocol'));
    if (proto === undefined) return reject('no-protocol');
    let transport = protoKeyword(proto);
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = portOf(x.get('spt') ?? x.get('sourcePort'));
      dstPort = portOf(x.get('dpt') ?? x.get('destinationPort'));
      if (srcPort === -1 || dstPort === -1) return reject('bad-port');
    }
    const ts = timeOf(x, env, clock);
    if (ts === undefined) return reject('no-timestamp');
    if (typeof ts === 'object') return ts;

    const fortinet = vendor.toLowerCase() === 'fortinet';
    const act = x.get('act') ?? x.get('deviceAction');
    const inIf = nonEmpty(x.get('deviceInboundInterface'));
    const outIf = nonEmpty(x.get('deviceOutboundInterface'));
    const inZone = fortinet ? role(x.get('FTNTFGTsrcintfrole')) : labelled(x, /^source ?zone$/i);
    const outZone = fortinet ? role(x.get('FTNTFGTdstintfrole')) : labelled(x, /^destination ?zone$/i);
    let direction: Direction | undefined = fortinet
      ? zoneDirection(fortinetSide(inZone, inIf), fortinetSide(outZone, outIf))
      : zoneDirection(zoneSide(inZone), zoneSide(outZone));
    if (direction === undefined && vendor.toLowerCase() !== 'check point') {
      const dd = x.get('deviceDirection');
      direction = dd === '0' ? 'inbound' : dd === '1' ? 'outbound' : undefined;
    }
    const event: FirewallEvent = {
      ts,
      format: 'cef',
      action: actionWord(act),
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      srcMac: colonMac(x.get('smac')),
      dstMac: colonMac(x.get('dmac')),
      inIf,
      outIf,
      tcpFlags: transport === 'tcp' ? flagsOf(labelled(x, /^tcp ?flags$/i)) : undefined,
      rule: labelled(x, RULE_LABEL),
      hostname: nonEmpty(x.get('dvchost')) ?? env.hostname,
      device: { vendor, product },
      direction,
      inZone,
      outZone,
    };
    const count = toInt(x.get('cnt'), 1e9);
    if (count !== undefined && count > 1) event.count = count;
    session(event, vendor.toLowerCase(), signature, act, x);
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

/** PAN-OS and FortiGate sessions, as their native formats report them (src/pipeline/sessions.ts). */
function session(e: FirewallEvent, vendor: string, signature: string, act: string | undefined, x: Map<string, string>): void {
  if (vendor === 'palo alto networks' && (signature === 'start' || signature === 'end')) {
    e.sessionPhase = signature;
    e.sessionId = labelled(x, /^session ?id$/i);
  } else if (vendor === 'fortinet' && e.action !== 'deny') {
    e.sessionPhase = act === 'start' ? 'start' : 'end';
    e.sessionId = nonEmpty(x.get('externalId'));
  }
  if (e.sessionId === undefined || e.sessionId === '0') delete e.sessionId;
}

export const cef: LogParser = {
  id: 'cef',
  title: 'ArcSight Common Event Format (CEF): FortiGate, Check Point, PAN-OS, Trend Micro, Sophos and others',
  example:
    'Mar  3 10:15:42 cp-gw CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|Drop|Unknown|act=Drop deviceDirection=0 rt=1709460942000 ' +
    'spt=51234 dpt=22 cs2Label=Rule Name cs2=Cleanup rule dst=192.0.2.10 proto=6 src=203.0.113.7 deviceInboundInterface=eth1',
  sniff,
  parse,
};
