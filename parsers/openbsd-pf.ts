/**
 * OpenBSD / FreeBSD pf as printed by `tcpdump -n -e -ttt -r /var/log/pflog` (or `-i pflog0`),
 * bare or piped to syslog (`pf:` tag):
 *
 *   Sep 28 03:50:22.683986 rule 39/(match) pass in on em1: 10.0.0.11.40284 > 10.0.0.13.443: S …
 *
 * OpenBSD prints `rule N[.anchor.M]/(reason)`, tcpdump.org (FreeBSD) `rule N/M(reason):`; both are
 * read. The packet is `src[.port] > dst[.port]: <decode>`; the port is the last dot-separated
 * element (for IPv6 too), and the protocol comes from the decode: TCP flag letters or
 * `Flags [..]`, `icmp:` / `icmp6:`, `igmp`, a protocol name; any other decode after ports is a
 * UDP application decode (DNS, NTP, bootp…), since tcpdump only prints ports for TCP and UDP
 * (and SCTP, which says so).
 *
 * Time: OpenBSD's `-ttt` prints `Mon DD HH:MM:SS.usec` (no year → clock.yearFor); other tcpdumps
 * print a delta (`00:00:00.000123`), which is no time at all: the syslog wrapper's time is used
 * then, and without a wrapper the line is rejected `no-timestamp`. `-tt` epoch seconds are UTC.
 * A bare line starting with `Mon DD HH:MM:SS` is read by the envelope as RFC 3164 with hostname
 * `rule`: its time is the pf time, and the host is dropped.
 *
 * Direction: `in`/`out` is relative to the interface (`on em0`), not to the protected network, so
 * it sets `inIf` or `outIf` and `direction` stays unset for the classifier.
 */
import { MONTHS } from './envelope/stamps';
import type { Action, Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { unreachCode } from './lib/icmp';
import { addressReason, readIp } from './lib/ip';
import { protoOfNumber } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { flagsFromLetters } from './lib/tcp-flags';

const ACTIONS = new Map<string, Action>([['pass', 'allow'], ['block', 'deny'], ['synproxy-drop', 'deny']]);

// `rule 39.anchor.2/(match) ` (OpenBSD) · `rule 5/0(match): ` (tcpdump.org) · `rule def/(match) `
const HEAD = /^rule (\S+?)\/(?:\d+)?\(([a-z-]+)\):? (?:\[[^\]]*\] )?([a-z-]+) ([a-z/-]+) on ([^\s:]+): /;
// OpenBSD -ttt: `Sep 28 03:50:22.683986 `
const PF_STAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? /;
// A delta (`00:00:00.000123`, `000123`, `1.000123`) or -tt epoch (`1317123022.683986`).
const NUMERIC_STAMP = /^(\d+(?::\d\d)*)(?:\.(\d+))? /;

/** decode word → [type, code?] for ICMP (IPv4) text as tcpdump prints it. */
const ICMP4: [string, number, number | undefined][] = [
  ['echo request', 8, 0], ['echo reply', 0, 0], ['time exceeded in-transit', 11, 0],
  ['ip reassembly time exceeded', 11, 1], ['time exceeded', 11, undefined], ['source quench', 4, 0],
  ['redirect', 5, undefined], ['router advertisement', 9, 0], ['router solicitation', 10, 0],
  ['parameter problem', 12, undefined], ['time stamp request', 13, 0], ['time stamp reply', 14, 0],
  ['address mask request', 17, 0], ['address mask is', 18, 0],
];
const ICMP6: [string, number, number | undefined][] = [
  ['echo request', 128, 0], ['echo reply', 129, 0], ['router solicitation', 133, 0],
  ['router advertisement', 134, 0], ['neighbor sol', 135, 0], ['neighbor adv', 136, 0], ['redirect', 137, 0],
  ['multicast listener query', 130, 0], ['multicast listener report v2', 143, 0],
  ['multicast listener report', 131, 0], ['multicast listener done', 132, 0], ['packet too big', 2, 0],
  ['time exceeded', 3, undefined], ['parameter problem', 4, undefined],
];

function icmpOf(text: string, v6: boolean): [number | undefined, number | undefined] {
  const hash = text.indexOf('type-#');
  if (hash >= 0) {
    const n = parseInt(text.slice(hash + 6), 10);
    return [Number.isNaN(n) ? undefined : n, undefined];
  }
  for (const [w, type, code] of v6 ? ICMP6 : ICMP4) if (text.startsWith(w)) return [type, code];
  if (text.includes('unreachable')) return v6 ? [1, undefined] : [3, unreachCode(text)];
  return [undefined, undefined];
}

/** Decode words that name a protocol of a packet without ports. */
const DECODE_PROTOS = new Map<string, string>([
  ['igmp', 'igmp'], ['gre', 'gre'], ['esp', 'esp'], ['ah', 'ah'], ['carp', 'carp'], ['vrrp', 'vrrp'],
  ['pfsync', 'pfsync'], ['ospf', 'ospfigp'], ['pim', 'pim'], ['sctp', 'sctp'], ['udp', 'udp'],
  ['ipcomp', 'ipcomp'], ['etherip', 'etherip'],
]);

/** Splits `a.b.c.d.port` / `fe80::1.546` / `ff02::1:2.547:dhcp6` into address and port. */
function endpoint(tok: string): { ip?: string; port?: number; text: string } {
  const dot = tok.lastIndexOf('.');
  if (dot > 0) {
    let i = dot + 1;
    let port = 0;
    while (i < tok.length && tok.charCodeAt(i) >= 48 && tok.charCodeAt(i) <= 57 && i - dot <= 5) port = port * 10 + tok.charCodeAt(i++) - 48;
    if (i > dot + 1 && (i === tok.length || tok.charCodeAt(i) === 58)) {
      const ip = readIp(tok.slice(0, dot));
      if (ip !== undefined && port <= 65535) return { ip, port, text: tok };
    }
  }
  return { ip: readIp(tok), text: tok };
}

/** `S`, `P`, `FP`, `.`, `SE`… followed by a sequence number, `ack`, `win` or nothing. */
function tcpLetters(decode: string): string | undefined {
  const sp = decode.indexOf(' ');
  const word = sp < 0 ? decode : decode.slice(0, sp);
  if (word.length === 0 || word.length > 8) return undefined;
  for (let i = 0; i < word.length; i++) if ('SFRPWEU.'.indexOf(word[i]) < 0) return undefined;
  const next = sp < 0 ? '' : decode.slice(sp + 1);
  const c = next.charCodeAt(0);
  if (next === '' || (c >= 48 && c <= 57) || next.startsWith('ack') || next.startsWith('win') || next.startsWith('[|tcp]')) return word;
  return undefined;
}

/** The message with `rule …` first, and where its time comes from; undefined when not pf. */
function locate(env: Envelope): { body: string; stamp?: RegExpExecArray; numeric?: RegExpExecArray; bareStamp: boolean } | undefined {
  const m = env.message;
  // Bare `Sep 28 03:50:22.683986 rule 39/(match) …`: the envelope took `rule` for the host, and
  // tcpdump.org's `rule 5/0(match): …` also gave it a tag.
  if (env.kind === 'rfc3164' && env.hostname === 'rule') {
    if (env.tag === undefined) return { body: `rule ${m}`, bareStamp: true };
    if (env.pid === undefined && env.tag.endsWith(')')) return { body: `rule ${env.tag}: ${m}`, bareStamp: true };
  }
  if (m.startsWith('rule ')) return { body: m, bareStamp: false };
  const r = m.indexOf(' rule ');
  if (r < 0 || r > 32) return undefined;
  const stamp = PF_STAMP.exec(m);
  if (stamp && stamp[0].length === r + 1) return { body: m.slice(r + 1), stamp, bareStamp: false };
  const numeric = NUMERIC_STAMP.exec(m);
  if (numeric && numeric[0].length === r + 1) return { body: m.slice(r + 1), numeric, bareStamp: false };
  return undefined;
}

function sniff(env: Envelope): boolean {
  // FreeBSD tcpdump -v wraps the packet onto a second syslog line; it is claimed to be skipped.
  if (env.tag === 'pf' && isContinuation(env.message)) return true;
  if (env.message.indexOf(' on ') < 0) return false;
  const loc = locate(env);
  return loc !== undefined && HEAD.test(loc.body);
}

/** `src > dst: …` without a `rule …` header (the envelope already trimmed the indent). */
function isContinuation(m: string): boolean {
  return m.indexOf(' > ') > 0 && m.indexOf('rule ') < 0;
}

/** Epoch ms of pf's own stamp; undefined when it has none (then the envelope's time counts). */
function pfTime(loc: NonNullable<ReturnType<typeof locate>>, env: Envelope, clock: Clock): number | undefined {
  if (loc.bareStamp) return env.ts;
  if (loc.stamp) {
    const s = loc.stamp;
    const month = MONTHS[s[1]];
    if (!month) return undefined;
    const ms = s[6] ? Math.floor(+`0.${s[6]}` * 1000) : 0;
    // The wrapper was written moments later: its year is the pf stamp's, give or take New Year,
    // which the half-year check settles. Only without a wrapper time does the clock guess.
    const year = env.ts !== undefined ? new Date(env.ts).getUTCFullYear() : clock.yearFor(month, +s[2], +s[3], +s[4], +s[5]);
    let ts = clock.localToUtc(year, month, +s[2], +s[3], +s[4], +s[5], ms);
    if (env.ts !== undefined) {
      const half = 183 * 86_400_000;
      if (ts - env.ts > half) ts = clock.localToUtc(year - 1, month, +s[2], +s[3], +s[4], +s[5], ms);
      else if (env.ts - ts > half) ts = clock.localToUtc(year + 1, month, +s[2], +s[3], +s[4], +s[5], ms);
    }
    return ts;
  }
  if (loc.numeric && loc.numeric[1].length >= 9 && loc.numeric[1].indexOf(':') < 0) {
    // -tt: seconds since the epoch, UTC by definition.
    return Math.floor(+`${loc.numeric[1]}.${loc.numeric[2] ?? '0'}` * 1000);
  }
  return env.ts; // a delta or no stamp: only the syslog wrapper knows the time
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  if (env.tag === 'pf' && isContinuation(env.message)) return skip('continuation-line');
  const loc = locate(env);
  if (!loc) return reject('unrecognized-message');
  const head = HEAD.exec(loc.body);
  if (!head) return reject('unrecognized-message');
  const [, ruleNo, , actionWord, dir, iface] = head;
  let rest = loc.body.slice(head[0].length);
  // `-v` puts the IP header in parentheses before the addresses.
  if (rest.charCodeAt(0) === 40 /* ( */) {
    const close = rest.indexOf(') ');
    // Nothing after the IP header: the packet went to the next line (tcpdump -v on FreeBSD).
    if (close < 0) return reject(rest.endsWith(')') ? 'truncated' : 'no-addresses');
    rest = rest.slice(close + 2);
  }
  const gt = rest.indexOf(' > ');
  if (gt <= 0) return reject('no-addresses');
  const dstEnd = rest.indexOf(' ', gt + 3);
  const dstTok = dstEnd < 0 ? rest.slice(gt + 3) : rest.slice(gt + 3, dstEnd);
  // Normally `dst: decode`; the DHCPv6 printer glues it (`ff02::1:2.547:dhcp6 solicit`).
  const glued = dstTok.indexOf(':', dstTok.lastIndexOf('.') + 1);
  let decode = dstEnd < 0 ? '' : rest.slice(dstEnd + 1).trimStart();
  if (!dstTok.endsWith(':') && dstTok.lastIndexOf('.') > 0 && glued > 0) decode = `${dstTok.slice(glued + 1)} ${decode}`;
  const src = endpoint(rest.slice(0, gt));
  // Without a port, the destination's last colon is the separator before the decode (`ff02::2:`).
  const dst = endpoint(dstTok.endsWith(':') ? dstTok.slice(0, -1) : dstTok);
  if (src.ip === undefined) return reject(addressReason(src.text));
  if (dst.ip === undefined) return reject(addressReason(dst.text));
  const v6 = src.ip.indexOf(':') >= 0;

  let transport: string | undefined;
  let tcpFlags: string | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  const ported = src.port !== undefined && dst.port !== undefined;
  if (decode.startsWith('Flags [')) {
    // tcpdump.org: `Flags [S.], seq …` — `.` is ACK.
    transport = 'tcp';
    const letters = decode.slice(7, decode.indexOf(']'));
    tcpFlags = letters === 'none' ? '' : flagsFromLetters(letters); // tcpdump prints `[none]` for a NULL packet
  } else if (decode.startsWith('HBH ')) {
    decode = decode.slice(4);
  }
  if (transport === undefined) {
    const letters = tcpLetters(decode);
    if (letters !== undefined || decode.startsWith('[|tcp]')) {
      transport = 'tcp';
      if (letters !== undefined) {
        // OpenBSD prints `.` only when no other flag is set; otherwise `ack N` says ACK.
        const ack = / ack \d/.test(` ${decode}`) ? 'A' : '';
        tcpFlags = flagsFromLetters(letters + ack);
      }
    } else if (decode.startsWith('icmp6') || decode.startsWith('[|icmp6]')) {
      transport = 'ipv6-icmp';
      if (decode.startsWith('icmp6: ')) [icmpType, icmpCode] = icmpOf(decode.slice(7), true);
    } else if (decode.startsWith('icmp') || decode.startsWith('[|icmp]')) {
      transport = v6 ? 'ipv6-icmp' : 'icmp';
      if (decode.startsWith('icmp: ')) [icmpType, icmpCode] = icmpOf(decode.slice(6), v6);
    } else if (decode.startsWith('ip-proto-')) {
      const n = parseInt(decode.slice(9), 10);
      if (n >= 0 && n <= 255) transport = protoOfNumber(n);
    } else {
      const word = /^[a-z]+[0-9]?/.exec(decode)?.[0] ?? '';
      transport = DECODE_PROTOS.get(word) ?? DECODE_PROTOS.get(word.replace(/[0-9]$/, ''));
      if (transport === undefined && ported) transport = 'udp';
    }
  }
  if (transport === undefined) return reject(decode === '' ? 'truncated' : 'bad-protocol');
  // tcpdump always prints TCP and UDP ports; SCTP only when it decoded the header.
  if ((transport === 'tcp' || transport === 'udp') && !ported) return reject('no-ports');
  const hasPorts = ported && (transport === 'tcp' || transport === 'udp' || transport === 'sctp');

  const ts = pfTime(loc, env, clock);
  if (ts === undefined) return reject('no-timestamp');

  const event: FirewallEvent = {
    ts,
    format: 'openbsd-pf',
    action: ACTIONS.get(actionWord) ?? 'unknown',
    transport,
    srcIp: src.ip,
    dstIp: dst.ip,
    srcPort: hasPorts ? src.port : undefined,
    dstPort: hasPorts ? dst.port : undefined,
    tcpFlags,
    icmpType,
    icmpCode,
    inIf: dir === 'in' ? iface : undefined,
    outIf: dir === 'out' ? iface : undefined,
    rule: ruleNo,
    hostname: loc.bareStamp ? undefined : env.hostname,
  };
  return { kind: 'event', event };
}

export const openbsdPf: LogParser = {
  id: 'openbsd-pf',
  title: 'OpenBSD / FreeBSD pf (tcpdump -n -e -ttt of pflog)',
  example: 'Mar  3 10:15:42.123456 rule 12/(match) block in on em0: 203.0.113.7.51234 > 192.0.2.10.22: S 1414213562:1414213562(0) win 64240 <mss 1460> (DF)',
  sniff,
  parse,
};
