/**
 * The contract between the envelope, the format parsers and everything downstream.
 * Parsers are pure: a record in, an event or a reason out. Nothing here may import storage,
 * detectors, reports or the CLI.
 */
import type { RejectOutcome, SkipOutcome } from './lib/reasons';

export type { RejectCode, RejectOutcome, SkipCode, SkipOutcome } from './lib/reasons';

/** What the firewall did with the packet, as far as the log says. */
export type Action = 'deny' | 'allow' | 'unknown';

/**
 * Direction as ECS spells it. Parsers only set it when the device itself says so (pf `in/out`,
 * ASA interface names, Windows SEND/RECEIVE, zones…); otherwise the classifier decides.
 */
export type Direction = 'inbound' | 'outbound' | 'internal' | 'external' | 'unknown';

/**
 * Which record of a connection this is, for formats that log a connection in several records
 * (SRX `RT_FLOW_SESSION_CREATE` / `CLOSE`, PAN-OS TRAFFIC `start` / `end`, FortiGate
 * `action=start` / the end actions). `update`: a record written while the session goes on.
 */
export type SessionPhase = 'start' | 'end' | 'update';

/**
 * Formats whose TCP flags cannot show ACK on its own: AWS VPC Flow Logs report FIN, SYN, RST and
 * SYN-ACK only, so their `FIN` may be a session's ACK FIN. Classification files such a FIN late.
 */
export const FLAGS_WITHOUT_ACK: ReadonlySet<string> = new Set(['aws-vpc-flow']);

/**
 * One firewall decision about one packet or flow, normalized. Field names are internal
 * (flat, for speed); `parsers/ecs.ts` maps them to Elastic Common Schema names.
 */
export interface FirewallEvent {
  /** UTC epoch milliseconds. */
  ts: number;
  /** Parser id that produced it (`netfilter`, `pfsense`, …). */
  format: string;
  action: Action;
  /** Lower-case IANA keyword (`tcp`, `udp`, `icmp`, `ipv6-icmp`, `igmp`, …) or the number as text. */
  transport: string;
  srcIp: string;
  dstIp: string;
  srcPort?: number;
  dstPort?: number;
  /**
   * Upper-case TCP flag words in canonical order, space separated (`SYN`, `ACK PSH`); `''` when
   * the format logs flags and none is set (a NULL scan); unset when the line does not say.
   */
  tcpFlags?: string;
  icmpType?: number;
  icmpCode?: number;
  /** Ingress / egress interface (netfilter IN= / OUT=, pf `on em0` with direction). */
  inIf?: string;
  outIf?: string;
  /** Bridge ports (netfilter PHYSIN= / PHYSOUT=). */
  physIn?: string;
  physOut?: string;
  srcMac?: string;
  dstMac?: string;
  /** IP total length in bytes. */
  length?: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl?: number;
  mark?: string;
  /** Rule name, log prefix or label (ECS rule.name). */
  rule?: string;
  /** The device that wrote the log (ECS observer.hostname). */
  hostname?: string;
  /** Vendor and product named by the line itself (CEF / LEEF headers), for ECS observer.vendor/product. */
  device?: { vendor: string; product: string };
  /** Direction stated by the device, used as evidence by the classifier. */
  direction?: Direction;
  /** Zones or interface roles stated by the device (ECS observer.ingress.zone / egress.zone). */
  inZone?: string;
  outZone?: string;
  /** Events a single record stands for (flow logs aggregate packets); default 1. */
  count?: number;
  /** The device's own id of the connection (SRX `session-id-32`, PAN-OS Session ID, FortiGate `sessionid`). */
  sessionId?: string;
  /**
   * Set by formats that log a connection in several records. The parser reports every record;
   * the pipeline counts the first one it sees of a session (by `sessionId` with the 5-tuple, or
   * the 5-tuple alone) and folds the later ones into it (src/pipeline/sessions.ts).
   */
  sessionPhase?: SessionPhase;
}

/** A record after the syslog (or other) envelope has been peeled off. */
export interface Envelope {
  /** The record as read (one line, or one assembled JSON document), without line terminator. */
  raw: string;
  /** The payload after timestamp, host and tag. For a record with no envelope, the whole line. */
  message: string;
  /** UTC epoch ms from the envelope, when it carried one; NaN when its fields name no real time. */
  ts?: number;
  hostname?: string;
  /** Program tag (`kernel`, `filterlog`, `IN-work`), without pid and colon. */
  tag?: string;
  pid?: string;
  /** RFC 5424 structured data, raw. */
  structuredData?: string;
  /** RFC 5424 MSGID. */
  msgId?: string;
  /** Kernel uptime stamp `[ 3529.289825]` in seconds since boot (not wall clock). */
  uptime?: number;
  /**
   * Occurrences this record stands for when a relay folded repeats into it (rsyslog's
   * `message repeated N times: [ … ]`); the event's count is multiplied by it.
   */
  repeats?: number;
  /** Which envelope was recognized (`rfc3164`, `rfc5424`, `iso8601`, `dmesg`, `pvefw`, `json`, `none`). */
  kind: EnvelopeKind;
}

export type EnvelopeKind = 'rfc3164' | 'rfc5424' | 'iso8601' | 'dmesg' | 'pvefw' | 'json' | 'none';

/**
 * Converts the local wall-clock times a log was written in to UTC, and infers missing years.
 * One clock per source (file, syslog sender): it follows the source's stamps in order.
 */
export interface Clock {
  /** IANA zone the log was written in. */
  readonly tz: string;
  /**
   * Epoch ms of a wall-clock time in `tz` (month 1–12); NaN when the fields do not exist
   * (Feb 30, 24:00), which makes the record the reject `impossible-date`. A time in the
   * repeated hour after a fall-back is the first pass unless this source is already past it.
   */
  localToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms?: number): number;
  /** Year for a year-less stamp: never later than the reference (allowing a day); survives New Year. */
  yearFor(month: number, day: number, hour: number, minute: number, second: number): number;
  /** When the log was last written (file mtime; now for stdin and live input), epoch ms. */
  reference(): number;
}

/**
 * What a record became. Skips (not firewall traffic: DHCP, sshd, admin logins…) are counted per
 * reason, not errors; rejects (looks like firewall traffic but cannot be read) are kept in the
 * rejects table. Reasons are codes of the closed catalog in `lib/reasons.ts`, with an optional
 * detail (`not-firewall` + `dhcpd`); build them with its `skip()` and `reject()`.
 */
export type ParseOutcome = { kind: 'event'; event: FirewallEvent } | SkipOutcome | RejectOutcome;

/**
 * Per-source memory a parser may keep between the records of one source (one file, one syslog
 * sender), e.g. the column order a `#Fields:` header declared. The pipeline keeps one per source
 * and hands it to every parse; a parser only reads and writes its own keys (prefix them with its
 * id). Parsers stay pure: all they know comes in through their arguments.
 */
export type SourceState = Map<string, unknown>;

export interface LogParser {
  /** Stable id used by `--log-format` and stored with each event. */
  readonly id: string;
  /** Human name, shown by `portledger formats`. */
  readonly title: string;
  /** One representative raw line, shown by `portledger formats` and checked by a test. */
  readonly example: string;
  /**
   * Cheap test: does this record belong to this format? Used by auto-detection, so it must be
   * fast and must not claim other formats' lines.
   */
  sniff(env: Envelope): boolean;
  /** Parse a record this parser sniffed (or was forced to by `--log-format`). */
  parse(env: Envelope, clock: Clock, state?: SourceState): ParseOutcome;
}
