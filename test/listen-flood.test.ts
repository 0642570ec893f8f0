/**
 * `listen` under 100,000 spoofed senders outside its allowlist while a legitimate sender (the
 * only allowed address) sends: memory stays bounded (the listen process's own RSS), no row is
 * made per refused address, and every datagram is accounted for — stored, refused, or dropped
 * by the kernel — with the losses shown by `portledger sources`. Loopback 127.0.0.0/8 gives
 * the distinct source addresses (bench/udp-spoof.ts); nothing leaves this host.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { built, listen, listenerCount, memMb, query, run, sleep, stop, storedLines } from './helpers/listen';

const BENCH = path.join(packageRoot(), 'dist', 'bench');
const maybe = built && fs.existsSync(path.join(BENCH, 'udp-spoof.js')) ? describe : describe.skip;
jest.setTimeout(180_000);

function node(script: string, args: (string | number)[]): Promise<{ sent: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(BENCH, script), ...args.map(String)], { encoding: 'utf8', timeout: 120_000 }, (e, out, err) =>
      e ? reject(new Error(err || e.message)) : resolve(JSON.parse(out.trim().split('\n').pop()!)),
    );
  });
}

maybe('listen under a flood of refused senders', () => {
  test('100,000 spoofed senders and a legitimate one: bounded memory, two source rows, every datagram accounted for and shown', async () => {
    const l = await listen(['--allow', '127.0.0.1/32']);
    await sleep(1500);
    const idle = memMb(l.p.pid!, 'VmRSS');
    const [flood, legit] = await Promise.all([
      node('udp-spoof.js', [l.udp, 100_000]),
      sleep(300).then(() => node('udp-sender.js', ['127.0.0.1', l.udp, 2000, 20_000])),
    ]);
    // Settled when nothing moves for 3 s (the listener may still be working through its socket).
    const progress = () => `${storedLines(l.db)}/${listenerCount(l.db, 'dropped: not allowed')}/${listenerCount(l.db, 'dropped: udp receive buffer')}`;
    for (let last = '', now = progress(); now !== last; ) {
      await sleep(3000);
      last = now;
      now = progress();
    }
    const peak = memMb(l.p.pid!, 'VmHWM');
    expect(await stop(l)).toBe(0);

    const refused = listenerCount(l.db, 'dropped: not allowed');
    const kernel = listenerCount(l.db, 'dropped: udp receive buffer');
    const stored = storedLines(l.db);
    // Every datagram sent is stored, refused and counted, or dropped by the kernel and counted.
    expect(stored + refused + kernel).toBe(flood.sent + legit.sent);
    // The legitimate sender's loss is within what was counted as lost.
    expect(legit.sent - stored).toBeLessThanOrEqual(kernel);
    expect(refused).toBeGreaterThan(0);
    // One row for the listener, one for the allowed sender: none per refused address.
    const names = query<{ names: string }>(l.db, 'SELECT group_concat(name, \',\') AS names FROM (SELECT name FROM sources ORDER BY name)').names;
    expect(names).toBe('syslog listener,syslog udp 127.0.0.1');
    // Before: +170–300 MB and a source (with its clock and counters) per refused address.
    process.stderr.write(`listen flood: RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB; stored ${stored} of ${legit.sent}, refused ${refused}, kernel drops ${kernel}\n`);
    expect(peak - idle).toBeLessThan(80);

    const shown = run(['sources', '--db', l.db, '--format', 'json']);
    expect(await shown.exit).toBe(0);
    const row = (JSON.parse(shown.out()).rows as { source: string; dropped: string }[]).find((r) => r.source === 'syslog listener');
    expect(row?.dropped).toContain(`not allowed ${refused.toLocaleString('en-US')}`);
    if (kernel > 0) expect(row?.dropped).toContain(`udp receive buffer ${kernel.toLocaleString('en-US')}`);
  });
});
