/**
 * Listings as a user meets them (issue 12), on the built CLI: tables fitted to the terminal,
 * colour and the pager on a terminal only (a pty from util-linux `script`; those tests skip
 * without it), --limit / --top on every listing, the same "which day" everywhere, and
 * `report sources-per-hour` over several days with every hour and an exact all-ports line.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../src/util/package-root';
import { displayWidth } from '../src/util/terminal-width';
import { inboundLine, tempDir } from './helpers/db';
import { CLI, hasScript, runInPipe as run, runOnTty } from './helpers/tty';

const DEMO_LOG = path.join(packageRoot(), 'fixtures', 'demo', 'home-router.log');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const onTty = hasScript ? test : test.skip;

/** Two days; on 06-14 at 10:00 one source scans two ports and another one port. */
const HOURLY = [
  inboundLine('Jun 14 10:05:00', '198.51.100.1', 23),
  inboundLine('Jun 14 10:06:00', '198.51.100.1', 22),
  inboundLine('Jun 14 10:07:00', '198.51.100.2', 23),
  inboundLine('Jun 14 13:00:00', '198.51.100.3', 22),
  inboundLine('Jun 15 01:00:00', '198.51.100.4', 23),
];

maybe('listings on the built CLI', () => {
  const dir = tempDir();
  const demo = path.join(dir, 'demo.db');
  const hourly = path.join(dir, 'hourly.db');
  const empty = path.join(dir, 'empty.db');

  beforeAll(() => {
    expect(run(['ingest', DEMO_LOG, '--db', demo, '--tz', 'UTC', '--year', '2024', '-q']).code).toBe(0);
    expect(run(['trust', 'add', '203.0.113.250', '--db', demo]).code).toBe(0);
    expect(run(['trust', 'add', '203.0.113.251', '--db', demo]).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'hourly.log'), HOURLY.join('\n') + '\n');
    expect(run(['ingest', path.join(dir, 'hourly.log'), '--db', hourly, '--tz', 'UTC', '--year', '2024', '-q']).code).toBe(0);
    expect(run(['ingest', '-', '--db', empty, '--tz', 'UTC', '-q'], { input: '' }).code).toBe(0);
  });

  describe('tables fit the terminal', () => {
    test('formats at COLUMNS=80: every line fits, cells cut with …, columns never run together', () => {
      const r = run(['formats'], { env: { COLUMNS: '80' } });
      const lines = r.out.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      // Where each column starts, from the rule under the titles: two spaces before each, on every line.
      const starts = [...lines[1].matchAll(/-+/g)].map((m) => m.index!);
      expect(starts).toHaveLength(3);
      for (const l of lines) {
        expect(displayWidth(l)).toBeLessThanOrEqual(80);
        for (const at of starts.slice(1)) expect(l.slice(at - 2, at)).toBe('  ');
      }
      expect(lines.filter((l) => l.endsWith('…')).length).toBeGreaterThan(10);
    });

    test('in a pipe without COLUMNS nothing is cut (a script gets whole lines)', () => {
      const r = run(['formats']);
      const example = JSON.parse(run(['formats', '--format', 'json']).out).rows[0].example as string;
      expect(r.out).toContain(example);
      expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeGreaterThan(200);
    });

    onTty('on a 70-column terminal: the table is 70 columns wide', () => {
      const r = runOnTty(['formats', '--no-pager'], { cols: 70, rows: 100 });
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(70);
    });
  });

  describe('colour for alerts and danger levels', () => {
    onTty('on a terminal the worm alert is red; NO_COLOR turns it off', () => {
      expect(runOnTty(['alerts', '--db', demo], { cols: 250 }).out).toMatch(/\x1b\[1;31mworm\x1b\[0m/);
      expect(runOnTty(['alerts', '--db', demo], { cols: 250, env: { NO_COLOR: '1' } }).out).not.toContain('\x1b[');
    });

    test('never in a pipe, unless FORCE_COLOR asks', () => {
      expect(run(['alerts', '--db', demo]).out).not.toContain('\x1b');
      expect(run(['alerts', '--db', demo], { env: { FORCE_COLOR: '1' } }).out).toMatch(/\x1b\[1;31mworm\x1b\[0m/);
    });
  });

  describe('a pager for long tables on a terminal', () => {
    const PAGER = "sed 's/^/PAGED:/'";
    onTty('longer than the screen: through $PAGER', () => {
      const r = runOnTty(['formats'], { rows: 10, env: { PAGER } });
      expect(r.out.split('\n').filter((l) => l.startsWith('PAGED:')).length).toBeGreaterThan(10);
    });
    onTty('shorter than the screen, or --no-pager: straight to the terminal', () => {
      expect(runOnTty(['formats', '--limit', '3'], { rows: 40, env: { PAGER } }).out).not.toContain('PAGED:');
      expect(runOnTty(['formats', '--no-pager'], { rows: 10, env: { PAGER } }).out).not.toContain('PAGED:');
    });
    test('never in a pipe', () => {
      expect(run(['formats'], { env: { PAGER } }).out).not.toContain('PAGED:');
    });
  });

  describe('--limit / --top on every listing', () => {
    test.each([
      ['sources', ['sources', '--format', 'json']],
      ['trust list', ['trust', 'list', '--format', 'json']],
      ['alerts', ['alerts', '--format', 'json']],
      ['report ports', ['report', 'ports', '--format', 'json']],
      ['report sources-per-hour', ['report', 'sources-per-hour', '--format', 'json']],
    ])('%s --limit 1 and --top 1', (_n, args) => {
      for (const flag of ['--limit', '--top']) {
        const r = run([...(args as string[]), flag, '1', '--db', demo]);
        expect(r.code).toBe(0);
        expect(JSON.parse(r.out).rows).toHaveLength(1);
      }
    });

    test('formats --limit 1 and --top 1', () => {
      for (const flag of ['--limit', '--top']) expect(JSON.parse(run(['formats', '--format', 'json', flag, '1']).out).rows).toHaveLength(1);
    });

    test('a cut listing says how much was left out, on stderr', () => {
      const r = run(['trust', 'list', '--limit', '1', '--db', demo]);
      expect(r.err).toContain('showing 1 of 2 rows');
      expect(r.out.trim().split('\n')).toHaveLength(3);
    });

    test('ip and port: --top (or --limit) bounds each of their lists', () => {
      const ip = JSON.parse(run(['ip', '192.168.1.50', '--top', '2', '--format', 'json', '--db', demo]).out);
      expect(ip.asSource.topPorts.length).toBeLessThanOrEqual(2);
      expect(ip.asSource.topPeers).toHaveLength(2);
      const port = JSON.parse(run(['port', '445', '--limit', '3', '--format', 'json', '--db', demo]).out);
      expect(port.history.topSources).toHaveLength(3);
    });

    test('--limit 0 is a usage error', () => {
      expect(run(['sources', '--limit', '0', '--db', demo]).code).toBe(2);
    });
  });

  describe('which day', () => {
    test.each([
      ['report ports', ['report', 'ports'], /^2024-06-08 to 2024-06-14: the 7 days ending with the latest day with inbound scans/m],
      ['report sources-per-hour', ['report', 'sources-per-hour'], /^2024-06-14: the latest day with inbound scans/m],
      ['report daily', ['report', 'daily', '--format', 'json'], /^2024-06-14: the latest day with events/m],
      ['report range', ['report', 'range', '--format', 'json'], /^2024-06-08 to 2024-06-14: the 7 days ending with the latest day with events/m],
    ])('%s defaults to the latest data and says so on stderr', (_n, args, said) => {
      const r = run([...(args as string[]), '--db', demo]);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(said as RegExp);
      expect(r.out.length).toBeGreaterThan(10);
    });

    test('a period the user chose is not announced', () => {
      expect(run(['report', 'ports', '--from', '2024-06-14', '--to', '2024-06-14', '--db', demo]).err).toBe('');
    });

    test.each([
      ['report ports', ['report', 'ports', '--from', '2024-05-01', '--to', '2024-05-03'], 'no inbound scans between 2024-05-01 and 2024-05-03; latest data: 2024-06-14'],
      ['report sources-per-hour', ['report', 'sources-per-hour', '--date', '2024-05-01'], 'no inbound scans on 2024-05-01; latest data: 2024-06-14'],
      ['report daily', ['report', 'daily', '--date', '2024-05-01', '--format', 'json'], 'no events on 2024-05-01; latest data: 2024-06-14'],
    ])('%s: an empty period says where the data is', (_n, args, said) => {
      const r = run([...(args as string[]), '--db', demo]);
      expect(r.code).toBe(0);
      expect(r.err).toContain(said);
    });

    test('an empty database says so', () => {
      const r = run(['report', 'ports', '--db', empty]);
      expect(r).toMatchObject({ code: 0, out: '' });
      expect(r.err).toContain('no inbound scans in this database yet');
    });
  });

  describe('report sources-per-hour', () => {
    type Row = { hour: string; port: number | null; proto: string | null; sources: number | null };
    const rowsOf = (args: string[]): Row[] => JSON.parse(run(['report', 'sources-per-hour', '--format', 'json', '--db', hourly, ...args]).out).rows;

    test('every hour of every day: the all-ports line, then each port scanned that day', () => {
      const rows = rowsOf(['--from', '2024-06-14', '--to', '2024-06-15']);
      // 06-14: all + 23/tcp + 22/tcp; 06-15: all + 23/tcp — 24 rows each.
      expect(rows).toHaveLength(24 * 5);
      const day14 = rows.filter((r) => r.hour.startsWith('2024-06-14'));
      expect(day14.filter((r) => r.port === null).map((r) => r.sources)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(day14.filter((r) => r.port === 23).map((r) => r.sources)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(day14.filter((r) => r.port === 22).map((r) => r.sources ?? 0).reduce((a, b) => a + b, 0)).toBe(2);
    });

    test('the all-ports line counts a source once across ports (10:00 has 3 port-sources, 2 sources)', () => {
      const at10 = rowsOf(['--date', '2024-06-14']).filter((r) => r.hour === '2024-06-14T10:00');
      // 22 and 23 had two sources each that day: the lower port first.
      expect(at10).toEqual([
        { hour: '2024-06-14T10:00', port: null, proto: null, sources: 2 },
        { hour: '2024-06-14T10:00', port: 22, proto: 'tcp', sources: 1 },
        { hour: '2024-06-14T10:00', port: 23, proto: 'tcp', sources: 2 },
      ]);
    });

    test('the same exact count from the events: another zone, and a day counted by an older version (no hour_sources rows)', () => {
      const tokyo = rowsOf(['--date', '2024-06-14', '--tz', 'Asia/Tokyo']).find((r) => r.hour === '2024-06-14T19:00' && r.port === null);
      expect(tokyo?.sources).toBe(2);
      const legacy = path.join(dir, 'legacy.db');
      fs.copyFileSync(hourly, legacy);
      const db = new Database(legacy);
      db.exec('DELETE FROM hour_sources');
      db.close();
      const rows = JSON.parse(run(['report', 'sources-per-hour', '--format', 'json', '--db', legacy, '--date', '2024-06-14']).out).rows as Row[];
      expect(rows.find((r) => r.hour === '2024-06-14T10:00' && r.port === null)?.sources).toBe(2);
    });

    test('a day waiting for its recount is counted from the events, not from its stale rollup rows', () => {
      const stale = path.join(dir, 'stale.db');
      fs.copyFileSync(hourly, stale);
      const db = new Database(stale);
      const h10 = Date.UTC(2024, 5, 14, 10) / 3_600_000;
      db.prepare('UPDATE hour_sources SET sources = 99 WHERE hour = ?').run(h10);
      db.prepare('UPDATE port_hour SET sources = 99 WHERE hour = ?').run(h10);
      db.prepare('INSERT INTO dirty_hour (hour, seq) VALUES (?, 1)').run(h10);
      db.close();
      const rows = JSON.parse(run(['report', 'sources-per-hour', '--format', 'json', '--db', stale, '--date', '2024-06-14']).out).rows as Row[];
      expect(rows.filter((r) => r.hour === '2024-06-14T10:00').map((r) => r.sources)).toEqual([2, 1, 2]);
    });

    test('a day pruned before hour_sources existed: its all-ports line is unknown (null), its ports still shown', () => {
      const old = path.join(dir, 'old.db');
      fs.copyFileSync(hourly, old);
      const db = new Database(old);
      db.exec('DELETE FROM hour_sources; DELETE FROM events');
      db.prepare("INSERT OR REPLACE INTO config (key, value) VALUES ('pruned-before', ?)").run(JSON.stringify(Date.UTC(2024, 5, 16)));
      db.close();
      const rows = JSON.parse(run(['report', 'sources-per-hour', '--format', 'json', '--db', old, '--date', '2024-06-14']).out).rows as Row[];
      expect(rows.filter((r) => r.port === null).every((r) => r.sources === null)).toBe(true);
      expect(rows.find((r) => r.hour === '2024-06-14T10:00' && r.port === 23)?.sources).toBe(2);
    });

    test('--port lists that port on every day of the period, zeros included, without the all-ports line', () => {
      const rows = rowsOf(['--from', '2024-06-14', '--to', '2024-06-15', '--port', '22']);
      expect(rows).toHaveLength(48);
      expect(rows.every((r) => r.port === 22)).toBe(true);
      expect(rows.filter((r) => r.hour.startsWith('2024-06-15')).every((r) => r.sources === 0)).toBe(true);
    });

    test('as a table the all-ports line reads "all"', () => {
      const out = run(['report', 'sources-per-hour', '--db', hourly, '--date', '2024-06-14']).out.split('\n');
      expect(out[12]).toMatch(/^2024-06-14T10:00\s+all\s+2$/);
    });
  });
});
