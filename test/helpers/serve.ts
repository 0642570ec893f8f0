/**
 * A fixture database for the dashboard's tests, with counts written out by hand, and helpers to
 * start the server on it. Addresses are documentation ranges; 2024-06-14 is the latest day.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closeDb } from '../../src/store/db';
import { freshDb, inboundLine, ingest, outboundLine } from './db';

export const HOSTILE_HOST = '<img src=x onerror=alert(1)>';
export const HOSTILE_RULE = '<script>alert(2)</script>';

/**
 * The scans of 2024-06-14 per port (what the Overview must show):
 *   23/tcp   6 events, 4 sources, 1 target   (198.51.100.1 ×3, .2, .3, and 192.0.2.50)
 *   445/tcp  3 events, 2 sources              (198.51.100.1, 198.51.100.4 ×2)
 *   5060/udp 1 event,  1 source
 * 2024-06-13: 23/tcp 2 events (the baseline day). 192.0.2.50 is the one to trust in the tests.
 * A worm burst from 192.168.1.66 (30 outside hosts on 445) raises one alert; a journald line
 * carries markup as host name and rule; a damaged line carrying markup is kept as a reject sample.
 */
export const EXPECTED_PORTS = [
  { port: 23, proto: 'tcp', events: 6, sources: 4, targets: 1 },
  { port: 445, proto: 'tcp', events: 3, sources: 2, targets: 1 },
  { port: 5060, proto: 'udp', events: 1, sources: 1, targets: 1 },
];
export const TRUSTED_CANDIDATE = '192.0.2.50';

function journald(iso: string, message: string): string {
  return JSON.stringify({ __REALTIME_TIMESTAMP: String(Date.parse(iso) * 1000), _HOSTNAME: HOSTILE_HOST, SYSLOG_IDENTIFIER: 'kernel', MESSAGE: `${HOSTILE_RULE} ${message}` });
}

export function fixtureLines(): string[] {
  return [
    inboundLine('Jun 13 09:00:00', '198.51.100.9', 23),
    inboundLine('Jun 13 10:00:00', '198.51.100.9', 23),
    inboundLine('Jun 14 10:00:00', '198.51.100.1', 23),
    inboundLine('Jun 14 10:05:00', '198.51.100.1', 23),
    inboundLine('Jun 14 10:10:00', '198.51.100.1', 23),
    inboundLine('Jun 14 11:00:00', '198.51.100.2', 23),
    inboundLine('Jun 14 11:30:00', '192.0.2.50', 23),
    inboundLine('Jun 14 12:00:00', '198.51.100.1', 445),
    inboundLine('Jun 14 12:01:00', '198.51.100.4', 445),
    inboundLine('Jun 14 12:02:00', '198.51.100.4', 445),
    inboundLine('Jun 14 13:00:00', '198.51.100.5', 5060, '', 'UDP'),
    inboundLine('Jun 14 13:05:00', '192.0.2.50', 443, 'ACK PSH'), // a late packet, not a scan
    ...Array.from({ length: 30 }, (_, i) => outboundLine(`Jun 14 16:00:${String(i).padStart(2, '0')}`, '192.168.1.66', `203.0.113.${100 + i}`, 445)),
    // A line that looks like firewall traffic but is damaged, with markup in it: kept as a reject sample.
    `Jun 14 17:00:00 gw kernel: DROP IN=eth0 OUT= SRC=${HOSTILE_RULE} DST=203.0.113.10 LEN=44 PROTO=TCP SPT=1 DPT=23`,
  ];
}

/** The fixture as a database file; `db` closed. */
export async function fixtureDb(): Promise<{ file: string; dir: string }> {
  const { db, file, dir } = freshDb();
  const log = path.join(dir, 'fw.log');
  fs.writeFileSync(log, fixtureLines().join('\n') + '\n');
  const hostile = path.join(dir, 'journal.json');
  // One more 23/tcp scan from 198.51.100.3 on 2024-06-14, logged by a device named with markup.
  fs.writeFileSync(hostile, journald('2024-06-14T09:00:00Z', 'IN=eth0 OUT= SRC=198.51.100.3 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0') + '\n');
  await ingest(db, [log, hostile], { tz: 'UTC', year: 2024 });
  closeDb(db);
  return { file, dir };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
