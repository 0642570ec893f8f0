/**
 * The command line as a user runs it: the built CLI (`npm test` builds first), real files,
 * stdin, exit codes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const DEMO_LOG = path.join(packageRoot(), 'fixtures', 'demo', 'home-router.log');

function run(args: string[], input?: string): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, PORTLEDGER_DB: '' } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

const maybe = fs.existsSync(CLI) ? describe : describe.skip;

maybe('portledger CLI', () => {
  const dir = tempDir();
  const db = path.join(dir, 'cli.db');

  test('ingest from stdin, then the same text again from a file adds nothing', () => {
    const text = fs.readFileSync(DEMO_LOG, 'utf8');
    const first = run(['ingest', '-', '--db', db, '--tz', 'UTC', '--year', '2024'], text);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/events stored\s+360/);
    expect(first.out).toMatch(/rejected\s+2 +\(placeholder instead of an address 1, no source or destination address 1\)/);
    expect(first.out).toMatch(/skipped\s+2 +\(not firewall traffic \(dnsmasq-dhcp\) 1, not firewall traffic \(dropbear\) 1\)/);
    const again = run(['ingest', DEMO_LOG, '--db', db, '--tz', 'UTC', '--year', '2024']);
    expect(again.out).toContain('already ingested, nothing new');
    expect(again.out).toMatch(/duplicates ignored\s+364 lines/);
  });

  test('reports as JSON', () => {
    const ports = JSON.parse(run(['report', 'ports', '--db', db, '--format', 'json', '--port', '445']).out);
    expect(ports.rows).toEqual([{ date: '2024-06-14', port: 445, proto: 'tcp', events: 49, sources: 42, targets: 1 }]);
    const hours = JSON.parse(run(['report', 'sources-per-hour', '--db', db, '--format', 'json', '--date', '2024-06-14', '--port', '23']).out);
    expect(hours.rows[0]).toEqual({ hour: '2024-06-14T00:00', port: 23, proto: 'tcp', sources: 1 });
    const alerts = JSON.parse(run(['alerts', '--db', db, '--format', 'json', '--tz', 'UTC']).out);
    expect(alerts.rows).toHaveLength(1);
    expect(alerts.rows[0]).toMatchObject({ kind: 'worm', host: '192.168.1.50', port: 445, proto: 'tcp', destinations: 40, first: '2024-06-14T14:02:03+00:00' });
  });

  test('trust and config round trips', () => {
    expect(run(['trust', 'add', '192.0.2.0/24', '--note', 'scanner we run', '--db', db]).out).toMatch(/trusted 192\.0\.2\.0\/24; \d+ past events/);
    const list = JSON.parse(run(['trust', 'list', '--db', db, '--format', 'json']).out);
    expect(list.rows[0]).toMatchObject({ cidr: '192.0.2.0/24', note: 'scanner we run' });
    const after = JSON.parse(run(['report', 'ports', '--db', db, '--format', 'json', '--port', '445']).out).rows[0];
    expect(after.sources).toBeLessThan(42);
    expect(run(['trust', 'remove', '192.0.2.0/24', '--db', db]).code).toBe(0);
    expect(JSON.parse(run(['report', 'ports', '--db', db, '--format', 'json', '--port', '445']).out).rows[0].sources).toBe(42);
    expect(run(['config', 'set', 'worm-threshold', '30', '--db', db]).out).toContain('worm-threshold = 30');
    expect(JSON.parse(run(['config', 'show', '--db', db, '--format', 'json']).out).rows).toContainEqual(expect.objectContaining({ key: 'worm-threshold', value: 30 }));
  });

  test('parse prints ECS NDJSON and the summary on stderr', () => {
    const r = run(['parse', DEMO_LOG, '--tz', 'UTC', '--year', '2024', '--db', path.join(dir, 'absent.db')]);
    const docs = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs).toHaveLength(360);
    expect(docs[0]).toMatchObject({ '@timestamp': '2024-06-14T00:09:27.000Z', source: { ip: '192.0.2.23' }, destination: { port: 8080 }, network: { transport: 'tcp', direction: 'inbound' }, portledger: { class: 'scan' } });
    expect(r.err).toMatch(/skipped\s+2/);
    expect(fs.existsSync(path.join(dir, 'absent.db'))).toBe(false);
  });

  test('mistakes get a clear message and exit 1', () => {
    expect(run(['report', 'ports', '--db', path.join(dir, 'nope.db')])).toMatchObject({ code: 1, err: expect.stringContaining('no database at') });
    expect(run(['ingest', path.join(dir, 'missing.log'), '--db', db])).toMatchObject({ code: 1, err: expect.stringContaining('no such file') });
    expect(run(['ingest', '-', '--db', db, '--tz', 'Mars/Base'], 'x')).toMatchObject({ code: 1, err: expect.stringContaining('unknown time zone') });
    expect(run(['trust', 'add', 'not-an-ip', '--db', db])).toMatchObject({ code: 1, err: expect.stringContaining('is not an IP address or CIDR') });
    expect(run(['report', 'ports', '--db', db, '--from', '2024-02-30'])).toMatchObject({ code: 1, err: expect.stringContaining('not a calendar date') });
  });

  test('demo runs from a fresh directory', () => {
    const out = execFileSync(process.execPath, [CLI, 'demo', '--db', path.join(dir, 'demo.db')], { encoding: 'utf8' });
    expect(out).toContain('Inbound scans per port on 2024-06-14');
    expect(out).toMatch(/worm\s+192\.168\.1\.50\s+2\s+40\s+1\s+tcp\s.*hosts on 445/);
  });
});
