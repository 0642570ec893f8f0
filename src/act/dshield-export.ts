/**
 * DShield export (`portledger export dshield`): one local day of inbound scans in the DShield
 * (SANS Internet Storm Center) tab-separated submission format, the format the DShield client
 * framework, fail2ban's dshield action and psad mail to reports@dshield.org. One line per
 * event, nine fields separated by one TAB, no header:
 *
 *   date-time zone  userid  count  source IP  source port  target IP  target port  protocol  flags
 *   2024-06-14 12:00:00 +02:00	0	1	198.51.100.7	40000	203.0.113.10	23	6	S
 *
 * - date-time: local time `YYYY-MM-DD HH:MM:SS` in `--tz`, a space, the offset `±HH:MM`
 *   (seconds only: the format has no fractions).
 * - userid: the submitter's DShield account number, `0` for anonymous.
 * - count: how many identical packets the line stands for (events.count: 1, or a flow log's
 *   packet count).
 * - protocol: the IANA number (6 TCP, 17 UDP, 1 ICMP, …), as fail2ban and the framework write it.
 * - ICMP: the source port field carries the ICMP type, the target port field the code.
 *   Protocols without ports get 0 in both; a port the log did not record stays empty.
 * - flags (TCP only, else empty): one letter per flag set, in Snort's order `12UAPRSF`:
 *   `1` CWR and `2` ECE (the two "reserved" bits of old), U URG, A ACK, P PSH, R RST, S SYN,
 *   F FIN. A SYN scan is `S`. A packet with no flags set and one whose flags were not logged
 *   both come out empty: the format cannot tell them apart.
 *
 * Only inbound scans (class `scan`) are exported: late packets of finished sessions would accuse
 * the servers we talked to, and trusted sources are excluded by their class.
 *
 * Never twice: each run records the day's time range and the events.id watermark it read up
 * to (schema/004_dshield_export.sql explains why ranges and not ids); the next run over an
 * overlapping range writes only scans above the watermark. `again` ignores the record.
 */
import { tzOffset } from '@date-fns/tz';
import type { DB } from '../store/db';
import { CLASS, Codes } from '../store/codes';
import { dayLabel, dayNumber } from '../store/rollups/buckets';
import { loadSettings } from '../store/settings';
import { checkZone, createClock } from '../../parsers/clock';
import { PROTO_NUMBERS } from '../../parsers/lib/protocols';
import { todayIn } from '../../reports/time';

export interface DshieldExportOptions {
  /** Local day `YYYY-MM-DD` in `tz`; default yesterday there. */
  date?: string;
  /** Default: the database zone. */
  tz?: string;
  /** DShield user id; default 0 (anonymous). */
  userid?: string;
  /** Export again what was exported before. */
  again?: boolean;
  /** For tests: the current time. */
  now?: number;
}

/**
 * Where the lines go. `write` may be called many times; `finish` once after the last line, and
 * it settles when what was written has reached its destination (a file renamed into place,
 * stdout flushed): only then is the export remembered.
 */
export interface DshieldSink {
  write(chunk: string): void;
  finish(): void | Promise<void>;
}

export interface DshieldExportResult {
  date: string;
  tz: string;
  /** Lines written by this run. */
  written: number;
  /** Earlier runs whose range overlaps this day, and the lines they wrote. */
  earlierRuns: number;
  earlierEvents: number;
}

const QUARTER = 900_000;
const FLAG_LETTERS: [string, string][] = [['CWR', '1'], ['ECE', '2'], ['URG', 'U'], ['ACK', 'A'], ['PSH', 'P'], ['RST', 'R'], ['SYN', 'S'], ['FIN', 'F']];
const PROTO_BY_NAME = new Map(Object.entries(PROTO_NUMBERS).map(([n, name]) => [name, Number(n)]));
const PORTED = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);
const CHUNK_LINES = 2000;

/** Stored flag words (`ACK SYN`) → DShield letters (`AS`). */
export function dshieldFlags(words: string | null): string {
  if (!words) return '';
  const set = new Set(words.toUpperCase().split(/\s+/));
  return FLAG_LETTERS.filter(([w]) => set.has(w)).map(([, l]) => l).join('');
}

function protocolNumber(name: string): string {
  const n = PROTO_BY_NAME.get(name);
  return n === undefined ? name : String(n); // unknown numbers are stored as their digits already
}

/** `YYYY-MM-DD HH:MM:SS ±HH:MM` in `tz`; the zone offset is looked up once per UTC quarter hour. */
function stamper(tz: string): (ts: number) => string {
  const cache = new Map<number, [number, string]>();
  return (ts) => {
    const q = Math.floor(ts / QUARTER);
    let hit = cache.get(q);
    if (!hit) {
      const min = tzOffset(tz, new Date(q * QUARTER));
      const a = Math.abs(min);
      hit = [min * 60_000, `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`];
      if (cache.size > 10_000) cache.clear();
      cache.set(q, hit);
    }
    const iso = new Date(ts + hit[0]).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${hit[1]}`;
  };
}

/** UTC [start, end) of a local day in `tz`. */
function dayBounds(date: string, tz: string): [number, number] {
  const clock = createClock(tz, { reference: () => 0 });
  const at = (day: number) => {
    const d = new Date(day * 86_400_000);
    return clock.localToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0);
  };
  const day = dayNumber(date);
  return [at(day), at(day + 1)];
}

interface Row {
  id: number; ts: number; src: string; sport: number | null; dst: string; dport: number | null;
  transport: number; tcp_flags: number | null; icmp_type: number | null; icmp_code: number | null; count: number;
}

/** Writes the day's not-yet-exported inbound scans to `sink`, then remembers them. */
export async function exportDshield(db: DB, sink: DshieldSink, opts: DshieldExportOptions = {}): Promise<DshieldExportResult> {
  const tz = checkZone(opts.tz ?? loadSettings(db).tz);
  const userid = (opts.userid ?? '0').trim();
  if (!/^\d{1,12}$/.test(userid)) throw new Error(`--userid must be your DShield user number (0 for anonymous), not "${opts.userid}"`);
  const date = opts.date ?? dayLabel(dayNumber(todayIn(tz, opts.now ?? Date.now())) - 1);
  const [from, to] = dayBounds(date, tz);

  // Events committed after this are not part of this run, whatever the iteration below sees.
  const watermark = (db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number);
  const earlier = db
    .prepare('SELECT count(*) AS runs, coalesce(sum(events), 0) AS events FROM dshield_export WHERE ts_from < ? AND ts_to > ?')
    .get(to, from) as { runs: number; events: number };
  // The few earlier runs that overlap this day, in a temp table so the per-event check is cheap.
  db.exec('CREATE TEMP TABLE IF NOT EXISTS dshield_cover (ts_from INTEGER, ts_to INTEGER, id_from INTEGER, id_to INTEGER)');
  db.prepare('DELETE FROM temp.dshield_cover').run();
  if (!opts.again) {
    db.prepare('INSERT INTO temp.dshield_cover SELECT ts_from, ts_to, id_from, id_to FROM dshield_export WHERE ts_from < ? AND ts_to > ?').run(to, from);
  }

  const codes = new Codes(db);
  const stamp = stamper(tz);
  const rows = db
    .prepare(
      `SELECT e.id, e.ts, e.src, e.sport, e.dst, e.dport, e.transport, e.tcp_flags, e.icmp_type, e.icmp_code, e.count
       FROM events e
       WHERE e.ts >= ? AND e.ts < ? AND e.class = ? AND e.id <= ?
         AND NOT EXISTS (SELECT 1 FROM temp.dshield_cover c WHERE e.ts >= c.ts_from AND e.ts < c.ts_to AND e.id BETWEEN c.id_from AND c.id_to)
       ORDER BY e.ts, e.id`,
    )
    .iterate(from, to, CLASS.scan, watermark) as Iterable<Row>;

  let written = 0;
  let minId = Infinity;
  let buf: string[] = [];
  for (const r of rows) {
    const proto = codes.name('transport', r.transport);
    let p1: string;
    let p2: string;
    if (proto === 'icmp' || proto === 'ipv6-icmp') [p1, p2] = [String(r.icmp_type ?? ''), String(r.icmp_code ?? '')];
    else if (PORTED.has(proto)) [p1, p2] = [String(r.sport ?? ''), String(r.dport ?? '')];
    else [p1, p2] = ['0', '0'];
    const flags = proto === 'tcp' ? dshieldFlags(r.tcp_flags === null ? null : codes.name('tcp_flags', r.tcp_flags)) : '';
    buf.push(`${stamp(r.ts)}\t${userid}\t${r.count}\t${r.src}\t${p1}\t${r.dst}\t${p2}\t${protocolNumber(proto)}\t${flags}\n`);
    written++;
    if (r.id < minId) minId = r.id;
    if (buf.length === CHUNK_LINES) {
      sink.write(buf.join(''));
      buf = [];
    }
  }
  if (buf.length) sink.write(buf.join(''));
  await sink.finish();
  db.prepare('DELETE FROM temp.dshield_cover').run();

  // Remembered only once the sink has everything: a failed write can be retried as is.
  if (written > 0) {
    db.prepare(
      `INSERT INTO dshield_export (ts_from, ts_to, id_from, id_to, day, tz, events, again, exported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(from, to, minId, watermark, date, tz, written, opts.again ? 1 : 0, opts.now ?? Date.now());
  }
  return { date, tz, written, earlierRuns: earlier.runs, earlierEvents: earlier.events };
}
