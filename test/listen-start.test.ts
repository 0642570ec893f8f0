/**
 * A `listen` (or `watch`) that cannot do its job must say why in one line and exit non-zero —
 * under systemd a process that stays up without a socket shows as "running" while receiving
 * nothing. Each case runs the built CLI as a user would, with the fault made real: a port
 * really in use, a privileged port really refused, a stored zone really invalid.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openDb } from '../src/store/db';
import { inboundLine, tempDir } from './helpers/db';
import { built, exitWithin, listen, run, sendUdp, stop, storedLines, until } from './helpers/listen';

const maybe = built ? describe : describe.skip;
jest.setTimeout(60_000);

const lines = (s: string) => s.trim().split('\n').filter(Boolean);

/** Runs a command that must fail at start: its exit code, its stderr lines, whether it created the database. */
async function failedStart(args: string[], opts: Parameters<typeof run>[1] = {}) {
  const dir = tempDir();
  fs.chmodSync(dir, 0o777);
  const db = path.join(dir, 'l.db');
  const x = run([...args, '--db', db], opts);
  const code = await exitWithin(x, 15_000);
  return { code, err: lines(x.err()), out: x.out(), dbCreated: fs.existsSync(db) };
}

function bindUdp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s)));
}

function bindTcp(): Promise<net.Server> {
  const s = net.createServer();
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

/** A port below 1024 free on 127.0.0.1 for both UDP and TCP (we may bind it: root), or undefined. */
async function freeLowPort(): Promise<number | undefined> {
  for (let port = 1000; port > 600; port--) {
    const ok = await new Promise<boolean>((resolve) => {
      const t = net.createServer();
      t.once('error', () => resolve(false));
      t.listen(port, '127.0.0.1', () => {
        const u = dgram.createSocket('udp4');
        u.once('error', () => t.close(() => resolve(false)));
        u.bind(port, '127.0.0.1', () => u.close(() => t.close(() => resolve(true))));
      });
    });
    if (ok) return port;
  }
  return undefined;
}

/** Whether this process holds CAP_NET_BIND_SERVICE (bit 10 of CapEff). */
function hasBindCapability(): boolean {
  const m = /^CapEff:\s+([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? (BigInt('0x' + m[1]) & (1n << 10n)) !== 0n : false;
}

maybe('a listen that cannot start exits non-zero with one line', () => {
  test('the UDP port is in use', async () => {
    const taken = await bindUdp();
    try {
      const r = await failedStart(['listen', '--udp', `127.0.0.1:${taken.address().port}`]);
      expect(r).toMatchObject({ code: 1, dbCreated: false, out: '' });
      expect(r.err).toEqual([expect.stringMatching(/^portledger: cannot listen on UDP 127\.0\.0\.1:\d+: the port is in use/)]);
    } finally {
      taken.close();
    }
  });

  test('the TCP port is in use, after UDP bound fine (and UDP is released)', async () => {
    const taken = await bindTcp();
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await failedStart(['listen', '--udp', '127.0.0.1:0', '--tcp', `127.0.0.1:${port}`]);
      expect(r).toMatchObject({ code: 1, dbCreated: false });
      expect(r.err).toEqual([expect.stringMatching(/^portledger: cannot listen on TCP 127\.0\.0\.1:\d+: the port is in use/)]);
    } finally {
      taken.close();
    }
  });

  test('--allow 10.0.0.0/33', async () => {
    const r = await failedStart(['listen', '--udp', '127.0.0.1:0', '--allow', '10.0.0.0/33']);
    expect(r).toMatchObject({ code: 1, dbCreated: false });
    expect(r.err).toEqual([expect.stringMatching(/^portledger: --allow: "10\.0\.0\.0\/33" is not an IP address or CIDR/)]);
  });

  test('--tz that is no zone', async () => {
    const r = await failedStart(['listen', '--udp', '127.0.0.1:0', '--tz', 'Mars/Olympus']);
    expect(r).toMatchObject({ code: 1, dbCreated: false });
    expect(r.err).toEqual([expect.stringMatching(/^portledger: --tz: unknown time zone "Mars\/Olympus": use an IANA name such as Europe\/Berlin/)]);
  });

  test('a port below 1024 without CAP_NET_BIND_SERVICE', async () => {
    const unprivilegedFrom = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    const asRoot = process.getuid?.() === 0;
    if (!asRoot && hasBindCapability()) return console.warn('skipped: this test process holds CAP_NET_BIND_SERVICE and is not root, so it cannot drop it');
    // As root, the child runs as nobody: a user without the capability, as on a real system.
    const port = asRoot ? await freeLowPort() : 999;
    if (port === undefined || port >= unprivilegedFrom) return console.warn(`skipped: ports from ${unprivilegedFrom} up need no capability on this system`);
    const r = await failedStart(['listen', '--udp', `127.0.0.1:${port}`], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r).toMatchObject({ code: 1, dbCreated: false });
    expect(r.err).toEqual([expect.stringMatching(/^portledger: cannot listen on UDP 127\.0\.0\.1:\d+: ports below 1024 need CAP_NET_BIND_SERVICE/)]);
  });
});

maybe('an invalid stored zone', () => {
  test('listen and watch refuse to start, naming the fix; after the fix both run', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'l.db'); // the name listen() uses
    const d = openDb(db);
    d.prepare("INSERT OR REPLACE INTO config (key, value) VALUES ('tz', ?)").run(JSON.stringify('Mars/Olympus'));
    d.close();
    const fix = /the database's time zone "Mars\/Olympus" \(config key tz\) is not a zone this system knows; set a valid one with: portledger config set tz Europe\/Berlin/;

    const l = run(['listen', '--udp', '127.0.0.1:0', '--db', db]);
    expect(await exitWithin(l, 15_000)).toBe(1);
    expect(lines(l.err())).toEqual([expect.stringMatching(fix)]);

    // watch used to report the error four times a second, forever.
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, inboundLine('Jun 14 10:00:00', '198.51.100.1', 23) + '\n');
    const w = run(['watch', log, '--db', db]);
    expect(await exitWithin(w, 15_000)).toBe(1);
    expect(lines(w.err())).toEqual([expect.stringMatching(fix)]);

    const set = run(['config', 'set', 'tz', 'Europe/Berlin', '--db', db]);
    expect(await set.exit).toBe(0);
    const ok = await listen([], dir);
    await sendUdp(ok.udp, [`<4>${inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)}`]);
    expect(await until(() => storedLines(ok.db) === 1)).toBe(true);
    expect(await stop(ok)).toBe(0);
  });
});
