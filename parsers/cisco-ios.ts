/**
 * Cisco IOS / IOS-XE access-list logging (`log` / `log-input` on an ACE):
 *
 *   000123: *Mar  1 18:46:11.123: %SEC-6-IPACCESSLOGP: list 101 denied tcp 192.0.2.1(1234) -> 198.51.100.2(23), 1 packet
 *   %SEC-6-IPACCESSLOGDP: list 100 denied icmp 192.0.2.1 (Gi0/0 0011.2233.4455) -> 198.51.100.2 (8/0), 5 packets
 *   %SEC-6-IPACCESSLOGNP: list 100 permitted 47 192.0.2.1 -> 198.51.100.2, 1 packet
 *   %SEC-6-IPACCESSLOGRP / IPACCESSLOGSP (IGMP, `(type)`), %IPV6_ACL-6-ACCESSLOGP / DP / NP,
 *   %FMANFP-6-IPACCESSLOGP (IOS-XE, after `F0: fman_fp_image:`).
 *
 * `list` is the rule, `permitted`/`denied` the action, the packet count `count` (the first
 * packet of a flow logs `1 packet`, then a summary every five minutes). With `log-input` the
 * ingress interface and the previous hop's MAC follow the source. IOS states no direction.
 * Skips: `IPACCESSLOGRL` (the rate limiter dropped log messages → `device-lost-records`).
 * Rejects: `IPACCESSLOGS` (standard ACL: a source and nothing else → `no-addresses`), cut-off
 * lines (`truncated`).
 *
 * Time: the router's own stamp before `%` when its clock is set; a stamp marked `*` (clock
 * never set: dates count from boot, usually Mar 1 1993) only when no syslog header gave a time.
 * A printed zone abbreviation (`UTC`, `CET`, `EDT`) is honoured, an ambiguous one (`CST`) read
 * by the --tz region (lib/time-zones.ts); without one, or with a name we do not know, the stamp
 * is --tz.
 */
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { ciscoStamp, ciscoStampBeforeTag } from './lib/device-time';
import { addressReason, readIp } from './lib/ip';
import { ciscoMac } from './lib/mac';
import { toInt } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip, type RejectOutcome } from './lib/reasons';

const HEADER = /%([A-Z0-9_]+)-[0-7]-([A-Z0-9_]*ACCESSLOG[A-Z0-9_]*):\s*/;
const BODY =
  /^list (\S+) (permitted|denied) (\S+) ([^\s(]+)(?:\((\d+)\))?(?: ?\(([^)]*)\))? -> ([^\s(,]+)(?:\((\d+)\))?(?: \((\d+)(?:\/(\d+))?\))?, (\d+) packets?/;
const PORTED = new Set(['tcp', 'udp', 'sctp']);

/** Index of the `%FAC-SEV-…ACCESSLOG…:` header, or -1. */
function findHeader(m: string): number {
  const a = m.indexOf('ACCESSLOG');
  if (a < 0) return -1;
  const p = m.lastIndexOf('%', a);
  return p >= 0 && a - p <= 32 ? p : -1;
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) === 123 /* { */) return false;
  const p = findHeader(m);
  if (p < 0) return false;
  // ASA message ids are numeric; only an IOS-style mnemonic counts.
  return HEADER.test(m.slice(p, p + 48)) && !/^%(?:ASA|PIX|FWSM|FTD)-/.test(m.slice(p, p + 6));
}

/** Router time, relay time, or the unset router clock — in that order (see the header). */
function timeOf(env: Envelope, before: string, clock: Clock): number | RejectOutcome | undefined {
  const own = before.length >= 14 ? ciscoStamp(before, clock) : ciscoStampBeforeTag(env, clock);
  if (own && 'kind' in own) return own;
  if (own && !own.unsynced) return own.ts;
  return env.ts ?? own?.ts;
}

/** `logging origin-id hostname` puts `router1:` before the stamp. */
function originHost(before: string): string | undefined {
  const toks = before.trim().split(/\s+/);
  for (const t of toks) {
    if (/^[*.]?[A-Z][a-z]{2}$/.test(t)) break; // the stamp starts: nothing after it is a host
    if (t.length > 1 && t.endsWith(':') && !/^[*.]?\d/.test(t)) {
      const h = t.slice(0, -1);
      if (!/^\d+$/.test(h) && !h.includes('%')) return h;
    }
  }
  return undefined;
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const m = env.message;
    const p = findHeader(m);
    if (p < 0) return skip('not-firewall');
    const h = HEADER.exec(m.slice(p));
    if (!h || h.index !== 0) return reject('unrecognized-message');
    const mnemonic = h[2];
    // `%SEC-6-IPACCESSLOGRL: access-list logging rate-limited or missed N packets`.
    if (mnemonic.endsWith('RL')) return skip('device-lost-records');
    if (mnemonic.endsWith('LOGS')) return reject('no-addresses');
    let body = m.slice(p + h[0].length);
    const list = body.indexOf('list ');
    if (list > 0) body = body.slice(list); // IOS-XE: `F0: fman_fp_image: list …`
    const r = BODY.exec(body);
    if (!r) {
      if (/(?:^|\s)(?:\*{2,}|[xX]\.[xX]\.[xX]\.[xX]|a\.b\.c\.d|<[^>]*>)/.test(body)) return reject('placeholder-address');
      return reject(/, \d+ packets?/.test(body) ? 'unrecognized-message' : 'truncated');
    }
    const srcIp = readIp(r[4]);
    if (srcIp === undefined) return reject(addressReason(r[4]));
    const dstIp = readIp(r[7]);
    if (dstIp === undefined) return reject(addressReason(r[7]));
    let transport = protoKeyword(r[3]);
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';

    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = toInt(r[5]);
      dstPort = toInt(r[8]);
      if (srcPort === undefined || dstPort === undefined) return reject(r[5] && r[8] ? 'bad-port' : 'no-ports');
    }
    let icmpType: number | undefined;
    let icmpCode: number | undefined;
    if ((transport === 'icmp' || transport === 'ipv6-icmp') && r[9] !== undefined) {
      icmpType = toInt(r[9], 255);
      icmpCode = toInt(r[10], 255);
    }
    let inIf: string | undefined;
    let srcMac: string | undefined;
    if (r[6] !== undefined) {
      const [iface, mac] = r[6].trim().split(/\s+/);
      inIf = iface || undefined;
      srcMac = mac ? ciscoMac(mac) : undefined;
    }
    const before = m.slice(0, p);
    const ts = timeOf(env, before, clock);
    if (ts === undefined) return reject('no-timestamp');
    if (typeof ts === 'object') return ts;
    const count = toInt(r[11], 1e9) ?? 1;

    const event: FirewallEvent = {
      ts,
      format: 'cisco-ios',
      action: r[2] === 'denied' ? 'deny' : 'allow',
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      icmpType,
      icmpCode,
      inIf,
      srcMac,
      rule: r[1],
      hostname: env.hostname ?? originHost(before),
    };
    if (count > 1) event.count = count;
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

export const ciscoIos: LogParser = {
  id: 'cisco-ios',
  title: 'Cisco IOS / IOS-XE access-list log (%SEC-6-IPACCESSLOGP, %IPV6_ACL-6-ACCESSLOGP)',
  example: '000123: *Mar  1 18:46:11.123: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(51234) -> 192.0.2.10(23), 1 packet',
  sniff,
  parse,
};
