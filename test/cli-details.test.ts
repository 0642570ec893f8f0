/**
 * The smaller things a new user meets (issue 12), on the built CLI: parse says "parsed", the
 * demo's hint writes beside the user, ingest on a terminal says it reads stdin, an empty input
 * is "empty", sources are stored by absolute path, and a drop in parse coverage is said by the
 * ingest that saw it and by `sources`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { inboundLine, tempDir } from './helpers/db';
import { CLI, hasScript, runInPipe as run, runOnTty } from './helpers/tty';

const DEMO_LOG = path.join(packageRoot(), 'fixtures', 'demo', 'home-router.log');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;

maybe('what a new user meets (built CLI)', () => {
  const dir = tempDir();

  test('parse: the summary says the events were parsed (nothing is stored)', () => {
    const r = run(['parse', DEMO_LOG, '--tz', 'UTC', '--year', '2024', '--db', path.join(dir, 'none.db')]);
    expect(r.err).toMatch(/events parsed\s+360/);
    expect(r.err).not.toContain('stored');
  });

  test('demo: the closing hint writes its report into the current folder, and it works there', () => {
    const work = tempDir();
    const out = spawnSync(process.execPath, [CLI, 'demo', '--db', path.join(work, 'demo.db')], { cwd: work, encoding: 'utf8' }).stdout;
    const hint = /Explore further: node dist\/src\/cli\/main\.js (report daily .*?--out \S+)/.exec(out);
    expect(hint).not.toBeNull();
    expect(hint![1]).not.toContain('reports/');
    const r = spawnSync(process.execPath, [CLI, ...hint![1].split(/\s+/)], { cwd: work, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(work, 'portledger-2024-06-14.html'))).toBe(true);
  });

  (hasScript ? test : test.skip)('ingest with no file on a terminal says it reads standard input and how to stop', () => {
    const r = runOnTty(['ingest', '--db', path.join(dir, 'tty.db'), '--tz', 'UTC']);
    expect(r.out).toContain('reading log lines from standard input');
    expect(r.out).toContain('Ctrl-D');
  });

  test('in a pipe it does not (the lines are coming)', () => {
    const r = run(['ingest', '--db', path.join(dir, 'pipe.db'), '--tz', 'UTC', '--year', '2024'], { input: inboundLine('Jun 14 10:00:00', '198.51.100.1', 23) + '\n' });
    expect(r.err).not.toContain('standard input');
    expect(r.out).toMatch(/events stored\s+1/);
  });

  test('trust add of a non-canonical network says what it stored', () => {
    const r = run(['trust', 'add', '192.0.2.77/24', '--db', path.join(dir, 'trust.db')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trusted 192\.0\.2\.0\/24 \(stored as 192\.0\.2\.0\/24\)/);
  });

  test('an empty input is "empty", not "already ingested"', () => {
    const empty = path.join(dir, 'empty.log');
    fs.writeFileSync(empty, '');
    const db = path.join(dir, 'empty.db');
    for (let i = 0; i < 2; i++) {
      const r = run(['ingest', empty, '--db', db, '--tz', 'UTC']);
      expect(r.out).toContain(`${empty}: empty, nothing to read`);
      expect(r.out).not.toContain('already ingested');
    }
    expect(run(['ingest', '-', '--db', db, '--tz', 'UTC'], { input: '' }).out).toContain('standard input: empty, nothing to read');
  });

  test('inputs are stored with their absolute path, whatever folder ingest ran in', () => {
    const work = tempDir();
    fs.mkdirSync(path.join(work, 'logs'));
    fs.writeFileSync(path.join(work, 'logs', 'kern.log'), inboundLine('Jun 14 10:00:00', '198.51.100.1', 23) + '\n');
    expect(run(['ingest', 'logs/kern.log', '--db', 'p.db', '--tz', 'UTC', '--year', '2024', '-q'], { cwd: work }).code).toBe(0);
    const rows = JSON.parse(run(['sources', '--db', path.join(work, 'p.db'), '--format', 'json']).out).rows;
    expect(rows.map((r: { source: string }) => r.source)).toEqual([path.join(fs.realpathSync(work), 'logs', 'kern.log')]);
  });

  test('a drop in parse coverage is said by the ingest that saw it (even with -q) and by sources', () => {
    const log = path.join(dir, 'router.log');
    const db = path.join(dir, 'drift.db');
    const good = Array.from({ length: 20 }, (_, i) => inboundLine(`Jun 14 10:${String(i).padStart(2, '0')}:00`, `198.51.100.${i + 1}`, 23));
    fs.writeFileSync(log, good.join('\n') + '\n');
    const first = run(['ingest', log, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']);
    expect(first.err).toBe('');
    // A firmware update: the same router now writes lines no parser knows.
    const changed = Array.from({ length: 20 }, (_, i) => `Jun 14 11:${String(i).padStart(2, '0')}:00 gw kernel: [FW-NEW] blocked packet ${i} from 198.51.100.${i + 1} to port 23`);
    fs.appendFileSync(log, changed.join('\n') + '\n');
    const second = run(['ingest', log, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']);
    expect(second.code).toBe(0);
    expect(second.err).toMatch(/^warning: parse coverage dropped: .*router\.log: 0\.0 % of lines became events, 100\.0 % in the run before/m);
    const sources = JSON.parse(run(['sources', '--db', db, '--format', 'json']).out).rows;
    expect(sources[0].warning).toMatch(/coverage dropped/);
    // A later run that reads well again is not flagged.
    fs.appendFileSync(log, good.map((l) => l.replace('10:', '12:')).join('\n') + '\n');
    expect(run(['ingest', log, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']).err).toBe('');
  });
});
