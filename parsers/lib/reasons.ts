/**
 * The closed catalog of why a line did not become an event. Every skip and reject — from a
 * parser, the envelope, or the checks around them (src/pipeline/read-record.ts) — is one of these
 * codes, so the counts users see in `portledger sources`, the ingest summary and the daily
 * report's coverage are never split by synonyms.
 *
 * A code is stable (stored in the database, printed in JSON); its wording is for people. Some
 * reasons carry a detail beside the code: the syslog program of a non-firewall line
 * (`not-firewall` + `dhcpd`), the zone name a stamp carried. Code and detail are stored in two
 * columns (`reason`, `detail`); counts are kept per code and detail; people read
 * `not firewall traffic (dhcpd)`. A new reason is a new line here (and, when old stored
 * strings should become it, a line in the next migration's mapping).
 */

/** Lines that look like firewall traffic but cannot be used: kept in `rejects` with their text. */
export const REJECT_REASONS = {
  truncated: 'cut-off or damaged line',
  'no-addresses': 'no source or destination address',
  'bad-address': 'not an IP address',
  'placeholder-address': 'placeholder instead of an address',
  'hostname-address': 'host name instead of an address',
  'no-protocol': 'no protocol',
  'bad-protocol': 'unknown protocol',
  'no-ports': 'no ports',
  'bad-port': 'port out of range (0–65535)',
  'no-icmp-type': 'no ICMP type',
  'bad-icmp-type': 'ICMP type or code out of range (0–255)',
  'no-tcp-flags': 'no TCP flags',
  'bad-tcp-flags': 'unreadable TCP flags',
  'bad-field': 'a field holds a value its column cannot hold',
  'no-timestamp': 'no timestamp',
  'bad-timestamp': 'unreadable timestamp',
  'unknown-time-zone': 'unknown time zone after the timestamp',
  'ambiguous-time-zone': 'ambiguous time-zone abbreviation (set --tz to the zone of the device)',
  'time-out-of-range': 'timestamp out of the plausible range',
  'impossible-date': 'date or time that does not exist',
  'bad-csv': 'unreadable CSV',
  'bad-json': 'unreadable JSON',
  'columns-mismatch': 'column count differs from the header',
  'unknown-layout': 'unknown column layout',
  'unrecognized-message': 'unrecognized message of a known format',
  'aggregated-record': 'several packets in one record',
  'line-too-long': 'line longer than 64 KiB',
  'binary-data': 'binary data',
  'parser-error': 'the parser failed on this line (please report it)',
} as const;

/** Lines that are not firewall traffic (DHCP, logins, headers…): counted, not errors. */
export const SKIP_REASONS = {
  'empty-line': 'empty line',
  'not-firewall': 'not firewall traffic',
  'not-forced-format': 'not a line of the format given with --log-format',
  'log-header': 'log header line',
  'session-start': 'session start record (its end record is the event)',
  'session-end': 'session end record (its start record is the event)',
  'session-update': 'update of a session already counted (counters, accounting)',
  'nat-mapping': 'address translation record',
  'trace-verdict': 'nft trace verdict line',
  'continuation-line': 'second half of a record split over two lines',
  'no-flow-data': 'flow window without data',
  'device-lost-records': 'the device reports log records it lost',
  'vpn-message': 'VPN message',
  'admin-message': 'administration or login message',
  'security-alert': 'intrusion or threat alert',
  'content-filter': 'web or content filter record',
  'dhcp-message': 'DHCP message',
  'system-message': 'device system message',
  'before-retention': 'older than the retention period',
} as const;

export type RejectCode = keyof typeof REJECT_REASONS;
export type SkipCode = keyof typeof SKIP_REASONS;
export type ReasonCode = RejectCode | SkipCode;

export interface RejectOutcome {
  kind: 'reject';
  reason: RejectCode;
  detail?: string;
}
export interface SkipOutcome {
  kind: 'skip';
  reason: SkipCode;
  detail?: string;
}

const DETAIL_CHARS = 40;

/**
 * A detail as stored: printable, at most 40 characters (it comes from the log, so it is
 * attacker-controlled; the display layers escape it again).
 */
export function cleanDetail(d: string | undefined): string | undefined {
  if (d === undefined) return undefined;
  const s = d.replace(/[\x00-\x1f\x7f-\x9f]/g, '?').trim().slice(0, DETAIL_CHARS);
  return s === '' ? undefined : s;
}

// Outcomes without a detail are shared: rejects are rare, but junk files are all rejects.
const PLAIN_REJECTS = new Map<string, RejectOutcome>();
const PLAIN_SKIPS = new Map<string, SkipOutcome>();

export function reject(reason: RejectCode, detail?: string): RejectOutcome {
  const d = cleanDetail(detail);
  if (d !== undefined) return { kind: 'reject', reason, detail: d };
  let o = PLAIN_REJECTS.get(reason);
  if (!o) PLAIN_REJECTS.set(reason, (o = Object.freeze({ kind: 'reject', reason }) as RejectOutcome));
  return o;
}

export function skip(reason: SkipCode, detail?: string): SkipOutcome {
  const d = cleanDetail(detail);
  if (d !== undefined) return { kind: 'skip', reason, detail: d };
  let o = PLAIN_SKIPS.get(reason);
  if (!o) PLAIN_SKIPS.set(reason, (o = Object.freeze({ kind: 'skip', reason }) as SkipOutcome));
  return o;
}

/**
 * One string per code and detail, for counting in maps and crossing threads: the code alone, or
 * the code, a space and the detail (codes hold no space).
 */
export function reasonKey(reason: string, detail?: string): string {
  return detail === undefined || detail === '' ? reason : `${reason} ${detail}`;
}

/** [code, detail] of a `reasonKey`; detail '' when there is none (as the database stores it). */
export function splitReasonKey(key: string): [string, string] {
  const sp = key.indexOf(' ');
  return sp < 0 ? [key, ''] : [key.slice(0, sp), key.slice(sp + 1)];
}

/** Whether a stored reason is a catalog code (older databases may hold other text). */
export function isReasonCode(s: string): s is ReasonCode {
  return Object.hasOwn(REJECT_REASONS, s) || Object.hasOwn(SKIP_REASONS, s);
}

/**
 * The wording people read: `not firewall traffic (dhcpd)`. Text that is not a code (a reason
 * stored by an older version, `dropped: oversize` from the syslog receiver) is shown as it is.
 */
export function reasonText(reason: string, detail?: string | null): string {
  const base = Object.hasOwn(REJECT_REASONS, reason)
    ? REJECT_REASONS[reason as RejectCode]
    : Object.hasOwn(SKIP_REASONS, reason)
      ? SKIP_REASONS[reason as SkipCode]
      : reason;
  return detail ? `${base} (${detail})` : base;
}

/** `reasonText` of a `reasonKey`. */
export function reasonKeyText(key: string): string {
  const [code, detail] = splitReasonKey(key);
  return reasonText(code, detail);
}
