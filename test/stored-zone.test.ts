/**
 * The zone of the first ingest is the default of every later command that reads stamps (issue
 * 12): a later `ingest`, `parse` or `watch` without --tz reads the same router's stamps in the
 * stored zone, not in this machine's (here TZ=UTC while the router writes New York time).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { inboundLine, tempDir } from './helpers/db';
import { CLI, runInPipe as run } from './helpers/tty';

const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const env = { TZ: 'UTC' };
// 10:00 in New York on 14 June 2024 (EDT, UTC-4).
const NY_10AM = Date.UTC(2024, 5, 14, 14, 0, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stamps(db: string, src: string): number[] {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare('SELECT ts FROM events_named WHERE src = ? ORDER BY ts').pluck().all(src) as number[];
  } catch {
    return [];
  } finally {
    d.close();
  }
}

maybe('the stored zone is the default (built CLI, machine zone UTC)', () => {
  const dir = tempDir();
  const db = path.join(dir, 'z.db');
  const write = (name: string, src: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, inboundLine('Jun 14 10:00:00', src, 23) + '\n');
    return f;
  };

  beforeAll(() => {
    const r = run(['ingest', write('first.log', '198.51.100.1'), '--db', db, '--tz', 'America/New_York', '--year', '2024'], { env });
    expect(r.code).toBe(0);
  });

  test('ingest without --tz', () => {
    expect(run(['ingest', write('second.log', '198.51.100.2'), '--db', db, '--year', '2024'], { env }).code).toBe(0);
    expect(stamps(db, '198.51.100.1')).toEqual([NY_10AM]);
    expect(stamps(db, '198.51.100.2')).toEqual([NY_10AM]);
  });

  test('parse without --tz', () => {
    const r = run(['parse', write('third.log', '198.51.100.3'), '--db', db, '--year', '2024'], { env });
    expect(JSON.parse(r.out.split('\n')[0])['@timestamp']).toBe(new Date(NY_10AM).toISOString());
  });

  test('watch without --tz', async () => {
    const file = write('live.log', '198.51.100.4');
    const p = spawn(process.execPath, [CLI, 'watch', file, '--db', db, '--year', '2024', '--quiet'], { stdio: 'ignore', env: { ...process.env, ...env } });
    try {
      const until = Date.now() + 30_000;
      while (Date.now() < until && stamps(db, '198.51.100.4').length === 0) await sleep(200);
      expect(stamps(db, '198.51.100.4')).toEqual([NY_10AM]);
    } finally {
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    }
  });
});
