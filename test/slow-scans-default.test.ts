/**
 * Slow scans are on by default (issue 11): a plain `portledger ingest` of a real VPS day — three
 * sources probing 287 to 1,390 ports of one host at about one port a minute — names them as port
 * scans with their danger levels; `--no-slow-scans` keeps the 5-minute window only, and the
 * 24-hour memory carries over to the next run. Uses the shared corpus; skipped without it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { corpusDir, describeCorpus } from './helpers/corpus';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const LOG = path.join(corpusDir('ufw'), 'rafmio-vps-ufw.log');

interface Row {
  kind: string;
  host: string;
  level: number;
  destinations: number;
  evidence: { window: string };
}

const alerts = (db: string) => JSON.parse(cli('alerts', '--format', 'json', '--db', db)).rows as Row[];
const SLOW = ['109.205.213.90', '185.81.68.119', '31.220.1.38'];

describeCorpus('slow scans by default, on a real VPS day', 'ufw', () => {
  test('a plain ingest then alerts names the three slow scanners as port scans with danger levels', () => {
    const db = path.join(tempDir(), 'vps.db');
    cli('ingest', LOG, '--tz', 'UTC', '--db', db, '-q');
    const rows = alerts(db);
    const slow = rows.filter((r) => SLOW.includes(r.host)).sort((a, b) => a.destinations - b.destinations);
    expect(slow.map((r) => [r.host, r.kind, r.level, r.evidence.window])).toEqual([
      ['185.81.68.119', 'vertical-scan', 3, 'long'],
      ['109.205.213.90', 'vertical-scan', 3, 'long'],
      ['31.220.1.38', 'vertical-scan', 3, 'long'],
    ]);
    expect(slow.map((r) => r.destinations)).toEqual([287, 331, 1390]);
    // Every alert of the day carries a psad level.
    for (const r of rows) expect(r.level).toBeGreaterThanOrEqual(1);
  });

  test('--no-slow-scans keeps the 5-minute window only; --slow-scans is still accepted', () => {
    const dir = tempDir();
    const off = path.join(dir, 'off.db');
    cli('ingest', LOG, '--tz', 'UTC', '--db', off, '--no-slow-scans', '-q');
    expect(alerts(off).filter((r) => SLOW.includes(r.host))).toEqual([]);
    const on = path.join(dir, 'on.db');
    cli('ingest', LOG, '--tz', 'UTC', '--db', on, '--slow-scans', '-q');
    expect(alerts(on).filter((r) => SLOW.includes(r.host))).toHaveLength(3);
  });

  test('the 24-hour memory carries over from one ingest to the next', () => {
    const dir = tempDir();
    const lines = fs.readFileSync(LOG, 'utf8').split('\n');
    const half = Math.floor(lines.length / 2);
    // The day in two files, as a rotation leaves them: one episode per scanner across both runs,
    // with every port of the day.
    const a = path.join(dir, 'ufw.log.1');
    const b = path.join(dir, 'ufw.log');
    fs.writeFileSync(a, lines.slice(0, half).join('\n') + '\n');
    fs.writeFileSync(b, lines.slice(half).join('\n'));
    const db = path.join(dir, 'vps.db');
    cli('ingest', a, '--tz', 'UTC', '--db', db, '-q');
    cli('ingest', b, '--tz', 'UTC', '--db', db, '-q');
    const slow = alerts(db).filter((r) => SLOW.includes(r.host));
    expect(slow.map((r) => r.destinations).sort((x, y) => x - y)).toEqual([287, 331, 1390]);
  });
}, 'rafmio-vps-ufw.log');
