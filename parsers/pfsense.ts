/**
 * pfSense / OPNsense `filterlog`: pf's log device (pflog0) decoded by the `filterlog` daemon into
 * one CSV line per packet, sent to syslog with the tag `filterlog` (RFC 3164 on pfSense < 2.7,
 * RFC 5424 on pfSense 2.7+ and OPNsense).
 *
 * Columns 0–8 are the pf header (rule number, sub-rule, anchor, tracker / OPNsense label,
 * interface, reason, action, direction, IP version); after that the layout depends on the IP
 * version: IPv4 has the protocol number in 15 and addresses in 18/19, IPv6 in 13 and 15/16.
 * The protocol *name* column is decoration (`tcp` on v4, `TCP` or `Options` on v6): the number
 * decides.
 *
 * Direction: pf's `in`/`out` is relative to the interface the rule was evaluated on, not to the
 * protected network (a LAN-to-Internet packet is `in` on the LAN interface and `out` on the WAN
 * interface). So `in` sets `inIf`, `out` sets `outIf`, and `direction` is left to the classifier.
 *
 * The message never contains quotes or embedded commas (filterlog writes none), so a plain split
 * is exact; only lines that carry a quote (a relay rewrote them) are read as quoted CSV.
 */
import type { Action, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { splitCsv } from './lib/csv';
import { unreachCode } from './lib/icmp';
import { addressReason, readIp } from './lib/ip';
import { toUint } from './lib/numbers';
import { protoOfNumber } from './lib/protocols';
import { reject } from './lib/reasons';
import { flagsFromLetters } from './lib/tcp-flags';

/**
 * pf actions as filterlog names them. `match`, `scrub`, `nat`, `rdr`, `binat` are not verdicts:
 * the packet was logged on its way through, what happened next is not in the line.
 */
const ACTIONS = new Map<string, Action>([['pass', 'allow'], ['block', 'deny'], ['reject', 'deny'], ['synproxy-drop', 'deny']]);

/**
 * filterlog's ICMP (IPv4) type word → [type, code]. Most types get a code from their text only;
 * the words that fix the code say so. filterlog glues the payload length to the last field, so
 * words are matched by prefix (`routeradv1800`, `source quench84`).
 */
const ICMP_WORDS: [string, number, number | undefined][] = [
  ['request', 8, 0], ['reply', 0, 0], ['unreachproto', 3, 2], ['unreachport', 3, 3],
  ['needfrag', 3, 4], ['unreach', 3, undefined], ['redirect', 5, undefined], ['routeradv', 9, 0],
  ['timexceed', 11, undefined], ['paramprob', 12, undefined], ['maskreply', 18, 0],
  ['tstampreply', 14, 0], ['tstamp', 13, 0], ['source quench', 4, 0], ['router solicitation', 10, 0],
  ['time stamp request', 13, 0], ['time stamp reply', 14, 0], ['information request', 15, 0],
  ['information reply', 16, 0], ['address mask request', 17, 0],
];

function icmpOf(word: string, detail: string): [number, number | undefined] | undefined {
  for (const [w, type, code] of ICMP_WORDS) {
    if (!word.startsWith(w)) continue;
    if (type === 11) return [11, detail.startsWith('ip reassembly') ? 1 : detail.startsWith('time exceeded in-transit') ? 0 : undefined];
    if (type === 3 && code === undefined) return [3, unreachCode(detail)];
    return [type, code];
  }
  return undefined;
}

// An untagged filterlog CSV line (the message field of an export): the pf header is unmistakable.
const BARE = /^\d+,\d*,[^,]*,[^,]*,[^,]+,[a-z-]+(?:\(\d+\))?,[a-z-]+(?:\(\d+\))?,(?:in|out|in\/out),[46],/;

function sniff(env: Envelope): boolean {
  if (env.tag === 'filterlog') return true;
  const c = env.message.charCodeAt(0);
  return c >= 48 && c <= 57 && BARE.test(env.message);
}

/** Rule id: pfSense `<rule number>/<tracker>`, OPNsense the label (a hash or UUID, stable across reloads). */
function ruleOf(num: string, tracker: string): string | undefined {
  if (tracker === '' || tracker === '0') return num || undefined;
  if (toUint(tracker) >= 0) return num ? `${num}/${tracker}` : tracker;
  return tracker;
}

function parse(env: Envelope): ParseOutcome {
  const f = splitCsv(env.message.trimEnd());
  if (f === undefined) return reject('bad-csv');
  if (f.length < 9) return reject('truncated');
  const version = f[8];
  if (version !== '4' && version !== '6') return reject('bad-field', 'ip version');

  // Column positions of the IP part; the rest of the parse is the same for both versions.
  const v6 = version === '6';
  const P = v6 ? { ttl: 11, proto: 13, len: 14, src: 15, dst: 16, l4: 17 } : { ttl: 11, proto: 15, len: 17, src: 18, dst: 19, l4: 20 };
  if (f.length <= P.dst) return reject('no-addresses');
  const srcIp = readIp(f[P.src]);
  if (srcIp === undefined) return reject(addressReason(f[P.src]));
  const dstIp = readIp(f[P.dst]);
  if (dstIp === undefined) return reject(addressReason(f[P.dst]));
  const protoNum = toUint(f[P.proto]);
  if (protoNum < 0 || protoNum > 255) return reject('bad-protocol');
  const transport = protoOfNumber(protoNum);

  // A non-first IPv4 fragment carries no transport header: filterlog stops after the addresses.
  const fragment = !v6 && toUint(f[13]) > 0;
  let srcPort: number | undefined;
  let dstPort: number | undefined;
  let tcpFlags: string | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  const l4 = P.l4;
  if (!fragment && (transport === 'tcp' || transport === 'udp' || transport === 'sctp')) {
    srcPort = toUint(f[l4]);
    dstPort = toUint(f[l4 + 1]);
    if (srcPort < 0 || dstPort < 0) return reject(f.length <= l4 + 1 || f[l4 + 1] === '' ? 'no-ports' : 'bad-port');
    if (srcPort > 65535 || dstPort > 65535) return reject('bad-port');
    if (transport === 'tcp') {
      if (f.length <= l4 + 3) return reject('no-tcp-flags');
      // filterlog writes the header's flags; an empty field is a packet with none (a NULL scan).
      tcpFlags = f[l4 + 3] === '' ? '' : flagsFromLetters(f[l4 + 3]);
    }
  } else if (!fragment && transport === 'icmp') {
    if (f.length <= l4 || f[l4] === '') return reject('no-icmp-type');
    const t = icmpOf(f[l4], f[l4 + 1] ?? '');
    if (t) [icmpType, icmpCode] = t;
  }
  if (env.ts === undefined) return reject('no-timestamp');

  const iface = f[4] || undefined;
  const dir = f[7];
  const ttl = toUint(f[P.ttl]);
  let length = toUint(f[P.len]);
  // IPv6 logs the payload length; the event wants the whole packet, as netfilter's LEN= is.
  if (v6 && length >= 0) length += 40;

  const event: FirewallEvent = {
    ts: env.ts,
    format: 'pfsense',
    action: ACTIONS.get(f[6]) ?? 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags,
    icmpType,
    icmpCode,
    inIf: dir === 'in' ? iface : undefined,
    outIf: dir === 'out' ? iface : undefined,
    length: length >= 0 ? length : undefined,
    ttl: ttl >= 0 && ttl <= 255 ? ttl : undefined,
    rule: ruleOf(f[0], f[3]),
    hostname: env.hostname,
  };
  return { kind: 'event', event };
}

export const pfsense: LogParser = {
  id: 'pfsense',
  title: 'pfSense / OPNsense filterlog (pf, CSV)',
  example:
    'Mar  3 10:15:42 fw filterlog[4242]: 5,,,1000000103,igb0,match,block,in,4,0x0,,51,4242,0,DF,6,tcp,60,' +
    '203.0.113.7,192.0.2.10,51234,22,0,S,1414213562,,64240,,mss;sackOK;TS;nop;wscale',
  sniff,
  parse,
};
