/**
 * Reports only read: every report command works on a database the user cannot write — the
 * README's systemd setup, where the service owns the file and an admin reads it. As root the
 * commands run as user `nobody` on a file and folder owned by root (mode 444 / 555); as another
 * user, on a file and folder they made read-only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../src/util/package-root';
import { openReadOnly, schemaVersion } from '../src/store/db';
import { portsReport, sourcesPerHourReport, alertsReport } from '../reports/queries';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const DEMO_LOG = path.join(packageRoot(), 'fixtures', 'demo', 'home-router.log');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function run(args: string[], as?: number): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PORTLEDGER_DB: '', HOME: os.tmpdir() },
    cwd: os.tmpdir(),
    ...(as !== undefined ? { uid: as, gid: as } : {}),
  });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

maybe('reports on a database this user cannot write', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-ro-'));
  const file = path.join(dir, 'service.db');

  beforeAll(() => {
    const r = run(['ingest', DEMO_LOG, '--db', file, '--tz', 'UTC', '--year', '2024', '-q']);
    expect(r.code).toBe(0);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
  });
  afterAll(() => {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const commands: [string, string[]][] = [
    ['report ports', ['report', 'ports', '--format', 'json']],
    ['report sources-per-hour', ['report', 'sources-per-hour', '--format', 'json']],
    ['report daily', ['report', 'daily', '--date', '2024-06-14', '--format', 'json']],
    ['report range', ['report', 'range', '--from', '2024-06-13', '--to', '2024-06-14', '--format', 'json']],
    ['alerts', ['alerts', '--format', 'json']],
    ['port', ['port', '445', '--format', 'json']],
    ['ip', ['ip', '192.168.1.50', '--format', 'json']],
    ['sources', ['sources', '--format', 'json']],
    ['trust list', ['trust', 'list', '--format', 'json']],
    ['config show', ['config', 'show', '--format', 'json']],
  ];

  test.each(commands)('%s', (_name, args) => {
    const r = run([...args, '--db', file], asRoot ? NOBODY : undefined);
    // At most the line saying which period a report chose by itself; no error.
    expect(r.err).not.toMatch(/portledger:|rror/);
    expect(r.code).toBe(0);
    expect(r.out.length).toBeGreaterThan(2);
    expect(fs.readdirSync(dir)).toEqual(['service.db']); // nothing created beside it
  });

  test('a writing command says why it cannot write, in one line', () => {
    const r = run(['trust', 'add', '192.0.2.1', '--db', file], asRoot ? NOBODY : undefined);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('the report functions read through a readonly connection', () => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(portsReport(db, { port: 445 })).toEqual([{ date: '2024-06-14', port: 445, proto: 'tcp', events: 49, sources: 42, targets: 1 }]);
      expect(sourcesPerHourReport(db, { date: '2024-06-14', port: 23 })[0]).toEqual({ hour: '2024-06-14T00:00', port: 23, proto: 'tcp', sources: 1 });
      expect(alertsReport(db).map((a) => a.kind)).toContain('worm');
    } finally {
      db.close();
    }
  });
});

maybe('a database from an older version', () => {
  test('reports name the command that migrates it; migrate does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-old-'));
    const file = path.join(dir, 'old.db');
    // A database as version 0.1 left it: the migrations up to 005.
    const db = new Database(file);
    for (const f of fs.readdirSync(path.join(packageRoot(), 'schema')).filter((f) => parseInt(f, 10) <= 5).sort()) {
      db.exec(fs.readFileSync(path.join(packageRoot(), 'schema', f), 'utf8'));
    }
    db.pragma('user_version = 5');
    db.close();
    expect(schemaVersion()).toBeGreaterThan(5);
    const r = run(['report', 'ports', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('portledger migrate');
    expect(() => openReadOnly(file)).toThrow(/migrate/);
    const m = run(['migrate', '--db', file]);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/migrated from schema \d+ to \d+/);
    expect(run(['report', 'ports', '--db', file, '--format', 'json']).code).toBe(0);
  });

  test('read commands never create a database', () => {
    const missing = path.join(os.tmpdir(), `portledger-none-${process.pid}.db`);
    for (const args of [['report', 'ports'], ['config', 'show'], ['trust', 'list'], ['alerts']]) {
      const r = run([...args, '--db', missing]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/no database at/);
    }
    expect(fs.existsSync(missing)).toBe(false);
  });
});
