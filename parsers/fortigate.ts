/**
 * FortiGate (FortiOS 3 – 7) key=value logs, bare (`<189>date=… time=… logid=… type=traffic …`)
 * or behind any relay header.
 *
 * Only `type=traffic` records are traffic; `utm`, the older per-feature types (`ips`, `virus`,
 * `webfilter`, `app-ctrl`, …) and `anomaly` (DoS sensor) are skipped as `security-alert`, `event`
 * (admin, system, VPN) and any other type as `system-message`.
 *
 * | event      | FortiOS 5+                 | FortiOS 3/4                 |
 * |------------|----------------------------|-----------------------------|
 * | srcIp/dst  | srcip / dstip              | src / dst                   |
 * | ports      | srcport / dstport          | src_port / dst_port         |
 * | action     | action                     | status                      |
 * | transport  | proto (number)             | proto                       |
 * | inIf/outIf | srcintf / dstintf          | src_int / dst_int           |
 * | zones      | srcintfrole / dstintfrole  | —                           |
 * | rule       | policyname, else policyid  | policyid                    |
 * | hostname   | devname                    | devname                     |
 *
 * Action: deny/drop/block → deny; accept, `start` and the session-end words (close, timeout,
 * client-rst, server-rst) → allow; `dns` / `ip-conn` (the session failed after the policy let
 * it through) and one-arm `sniffer` records (the FortiGate only watched) → unknown. Sessions:
 * `start` records (`set logtraffic-start enable`) have phase start, every other allowed record
 * phase end, each with its `sessionid` (FortiOS 3/4 have none: the pipeline then matches by the
 * 5-tuple); the pipeline counts a session once, on the first of its records it sees
 * (src/pipeline/sessions.ts). Denies are single records.
 *
 * Direction: interface roles wan → outside, lan → inside, dmz → dmz; a missing or `undefined`
 * role falls back to the interface name (`wan1`, `internal`, `dmz`; lib/zones.ts `zoneSide`).
 *
 * Time: `eventtime` (epoch in s, ms, µs or ns) when present; else `date=` + `time=` in `tz=`
 * (`+0200`) or --tz; else the relay's stamp. FortiOS 3/4 quirk: `time=10: 13:03`.
 */
import { epochToMs } from './envelope/stamps';
import type { Action, Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionWord } from './lib/actions';
import { addressReason, readIp } from './lib/ip';
import { splitKv } from './lib/kv';
import { toInt } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { fortinetSide } from './lib/siem';
import { zoneDirection } from './lib/zones';
import { civilToUtc } from './lib/time-checks';

const UTM_TYPES = new Set([
  'utm', 'ips', 'virus', 'webfilter', 'app-ctrl', 'emailfilter', 'spam', 'dlp', 'waf', 'dns', 'ssh', 'ssl',
  'voip', 'file-filter', 'icap', 'cifs', 'gtp', 'attack', 'content', 'im', 'netscan', 'virtual-patch',
]);
const PORTED = new Set(['tcp', 'udp', 'sctp', 'udplite']);

/** `key=` at the start or after a space. */
function hasKey(m: string, key: string): boolean {
  let i = m.indexOf(key);
  while (i >= 0) {
    if (i === 0 || m.charCodeAt(i - 1) === 32) return true;
    i = m.indexOf(key, i + key.length);
  }
  return false;
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.charCodeAt(0) === 123 /* { */) return false;
  return (hasKey(m, 'logid=') || hasKey(m, 'log_id=')) && hasKey(m, 'type=');
}

function skipReason(type: string): SkipCode {
  if (type === 'anomaly' || UTM_TYPES.has(type)) return 'security-alert';
  return 'system-message';
}

const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const TIME = /^(\d\d?):(\d\d):(\d\d)$/;
const TZ = /^([+-])(\d\d):?(\d\d)$/;

/** eventtime, else date+time (+tz), else the envelope. */
function timeOf(kv: Map<string, string>, env: Envelope, clock: Clock): number | undefined {
  const et = kv.get('eventtime');
  if (et !== undefined && /^\d{9,19}$/.test(et)) {
    const ms = epochToMs(Number(et));
    if (ms > 0) return ms;
  }
  const d = DATE.exec(kv.get('date') ?? '');
  const t = TIME.exec((kv.get('time') ?? '').replaceAll(' ', ''));
  if (d && t) {
    // Fields that name no real time (Feb 30, 24:00) convert to NaN: the reject impossible-date.
    const y = +d[1], mo = +d[2], day = +d[3], h = +t[1], mi = +t[2], s = +t[3];
    const tz = TZ.exec(kv.get('tz') ?? '');
    if (!tz) return clock.localToUtc(y, mo, day, h, mi, s);
    const off = (tz[1] === '-' ? -1 : 1) * (+tz[2] * 60 + +tz[3]);
    return civilToUtc(y, mo, day, h, mi, s) - off * 60_000;
  }
  return env.ts;
}

function value(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === 'N/A' || v === 'n/a' ? undefined : v;
}


function actionOf(v: string | undefined, subtype: string | undefined): Action {
  return subtype === 'sniffer' ? 'unknown' : actionWord(v);
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const kv = splitKv(env.message, 0, { glueBareTails: true });
    const type = kv.get('type');
    if (type === undefined) return reject('unrecognized-message');
    if (type !== 'traffic') return skip(skipReason(type.toLowerCase()));
    const subtype = kv.get('subtype');
    const act = kv.get('action') ?? kv.get('status');

    const src = kv.get('srcip') ?? kv.get('src');
    const dst = kv.get('dstip') ?? kv.get('dst');
    if (src === undefined || dst === undefined) return reject('no-addresses');
    const srcIp = readIp(src);
    if (srcIp === undefined) return reject(addressReason(src));
    const dstIp = readIp(dst);
    if (dstIp === undefined) return reject(addressReason(dst));

    const proto = kv.get('proto');
    if (proto === undefined) return reject('no-protocol');
    const transport = protoKeyword(proto);
    if (transport === undefined) return reject('bad-protocol');

    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      // FortiOS 3 leaves the ports out of some complete records: an event without ports.
      const sp = kv.get('srcport') ?? kv.get('src_port');
      const dp = kv.get('dstport') ?? kv.get('dst_port');
      srcPort = toInt(sp);
      dstPort = toInt(dp);
      if ((sp !== undefined && srcPort === undefined) || (dp !== undefined && dstPort === undefined)) return reject('bad-port');
    }
    let icmpType: number | undefined;
    let icmpCode: number | undefined;
    if (transport === 'icmp' || transport === 'ipv6-icmp') {
      icmpType = icmpNumber(kv.get('icmptype'));
      icmpCode = icmpNumber(kv.get('icmpcode'));
    }
    const ts = timeOf(kv, env, clock);
    if (ts === undefined) return reject('no-timestamp');

    const inIf = value(kv.get('srcintf') ?? kv.get('src_int'));
    const outIf = value(kv.get('dstintf') ?? kv.get('dst_int'));
    const inRole = roleOf(kv.get('srcintfrole'));
    const outRole = roleOf(kv.get('dstintfrole'));
    const event: FirewallEvent = {
      ts,
      format: 'fortigate',
      action: actionOf(act, subtype),
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      icmpType,
      icmpCode,
      inIf,
      outIf,
      rule: value(kv.get('policyname')) ?? value(kv.get('policyid')),
      hostname: value(kv.get('devname')) ?? env.hostname,
      direction: zoneDirection(fortinetSide(inRole, inIf), fortinetSide(outRole, outIf)),
      inZone: inRole,
      outZone: outRole,
    };
    if (event.action !== 'deny' && subtype !== 'sniffer') {
      event.sessionPhase = act === 'start' ? 'start' : 'end';
      const id = value(kv.get('sessionid'));
      if (id !== undefined) event.sessionId = id;
    }
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

function roleOf(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === 'undefined' ? undefined : v;
}

/** `icmptype=0x08` (FortiOS 5+) or decimal. */
function icmpNumber(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^0x[0-9a-f]{1,2}$/i.test(v)) return parseInt(v.slice(2), 16);
  return toInt(v, 255);
}

export const fortigate: LogParser = {
  id: 'fortigate',
  title: 'FortiGate traffic log (FortiOS 3 – 7 key=value)',
  example:
    'date=2024-03-03 time=10:15:42 devname="fgt-edge" logid="0000000013" type="traffic" subtype="forward" ' +
    'srcip=203.0.113.7 srcport=51234 srcintf="wan1" srcintfrole="wan" dstip=192.0.2.10 dstport=22 ' +
    'dstintf="internal" dstintfrole="lan" proto=6 action="deny" policyid=0',
  sniff,
  parse,
};
