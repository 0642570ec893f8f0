/**
 * `portledger serve` run as a user runs it: the URL on stdout, exit 0 on SIGTERM; one line and
 * exit 1 for a port in use, a bad address, no token beyond loopback, or no database.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { fixtureDb } from './helpers/serve';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

maybe('portledger serve (CLI)', () => {
  jest.setTimeout(60_000);
  let file: string;
  beforeAll(async () => {
    ({ file } = await fixtureDb());
  });

  test('serves, prints its URL, answers, and exits 0 on SIGTERM', async () => {
    const p = spawn(process.execPath, [CLI, 'serve', '--db', file, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      p.stdout!.on('data', (d) => {
        out += d;
        const m = /dashboard on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      p.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const r = await fetch(new URL('/api/overview', url));
    expect(((await r.json()) as { date: string }).date).toBe('2024-06-14');
    const code = new Promise((r2) => p.once('exit', r2));
    p.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  test('clear errors, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const inUse = run(['serve', '--db', file, '--listen', `127.0.0.1:${port}`]);
      expect(inUse.status).toBe(1);
      expect(inUse.stderr).toBe(`portledger: cannot serve on 127.0.0.1:${port}: the port is in use (another portledger serve? pick another with --listen)\n`);
    } finally {
      blocker.close();
    }
    const open = run(['serve', '--db', file, '--listen', '0.0.0.0:8514']);
    expect(open.status).toBe(1);
    expect(open.stderr).toMatch(/would show your logs to the network: give --token or --token-file/);
    const bad = run(['serve', '--db', file, '--listen', 'example.org:80']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/is not an IP address/);
    const none = run(['serve', '--db', path.join(tempDir(), 'none.db')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no database at/);
    const watch = run(['watch', path.join(tempDir(), 'x.log'), '--db', path.join(tempDir(), 'w.db'), '--quiet', '--serve', '0.0.0.0:0']);
    expect(watch.status).toBe(1);
    expect(watch.stderr).toMatch(/give --token or --token-file/);
  });
});
