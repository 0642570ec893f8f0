/**
 * `portledger listen` as a process on 127.0.0.1 (ephemeral ports): UDP and TCP in both framings
 * into the database, senders outside the allowlist and oversize messages dropped and counted,
 * a worm alert written while the burst happens, a clean stop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inboundLine, outboundLine, tempDir } from './helpers/db';
import { built, listen as startListen, query, run, sendTcp, sendUdp, sleep, stop, until } from './helpers/listen';

const maybe = built ? describe : describe.skip;

async function listen(extra: string[] = []) {
  return startListen(extra);
}

const events = (l: { db: string }) => query<{ n: number }>(l.db, 'SELECT count(*) AS n FROM events').n;
const q = <T>(l: { db: string }, sql: string) => query<T>(l.db, sql);

maybe('listen', () => {
  jest.setTimeout(60_000);

  test('UDP, TCP with LF and octet-counted framing, RFC 3164 and 5424, into the database', async () => {
    const l = await listen();
    const a = inboundLine('Jun 14 10:00:00', '198.51.100.1', 23);
    const b = inboundLine('Jun 14 10:00:01', '198.51.100.2', 445);
    await sendUdp(l.udp, [`<4>${a}`, `<4>${b}`]);
    const c5424 = '<134>1 2024-06-14T10:00:02Z gw kernel - - - DROP IN=eth0 OUT= SRC=198.51.100.3 DST=203.0.113.10 LEN=44 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0';
    await sendTcp(l.tcp, `<4>${inboundLine('Jun 14 10:00:03', '198.51.100.4', 23)}\n${c5424}\n`);
    const framed = [inboundLine('Jun 14 10:00:04', '198.51.100.5', 3389), inboundLine('Jun 14 10:00:05', '198.51.100.6', 3389)].map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    await sendTcp(l.tcp, framed);
    await until(() => events(l) === 6);
    expect(events(l)).toBe(6);
    expect(q<{ n: number }>(l, "SELECT count(*) AS n FROM sources WHERE name LIKE 'syslog tcp 127.0.0.1'").n).toBe(1);
    expect(await stop(l)).toBe(0);
  });

  test('senders outside --allow and oversize messages are dropped and counted', async () => {
    const l = await listen(['--allow', '10.0.0.0/8']);
    await sendUdp(l.udp, [inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)]);
    await sendTcp(l.tcp, inboundLine('Jun 14 10:00:00', '198.51.100.1', 23) + '\n').catch(() => undefined);
    await sleep(800);
    expect(await stop(l)).toBe(0);
    expect(events(l)).toBe(0);
    const dropped = q<{ n: number }>(l, "SELECT sum(count) AS n FROM reject_counts WHERE reason = 'dropped: not allowed'").n;
    expect(dropped).toBe(2);
    // Counted on the listener's own row, not on a source per refused address.
    expect(q<{ names: string }>(l, 'SELECT group_concat(name) AS names FROM sources').names).toBe('syslog listener');
    const shown = run(['sources', '--db', l.db, '--format', 'json']);
    expect(await shown.exit).toBe(0);
    const rows = JSON.parse(shown.out()).rows as { source: string; dropped: string }[];
    expect(rows).toEqual([expect.objectContaining({ source: 'syslog listener', dropped: '2 (not allowed 2)' })]);

    const m = await listen(['--max-message', '256']);
    await sendUdp(m.udp, ['<4>' + 'x'.repeat(1000), inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)]);
    await sendTcp(m.tcp, 'y'.repeat(1000) + '\n' + inboundLine('Jun 14 10:00:01', '198.51.100.2', 23) + '\n');
    await until(() => events(m) === 2);
    expect(await stop(m)).toBe(0);
    expect(events(m)).toBe(2);
    expect(q<{ n: number }>(m, "SELECT sum(count) AS n FROM reject_counts WHERE reason = 'dropped: oversize'").n).toBe(2);
    // An allowed sender's drops stay on its own source, and `sources` shows them.
    const table = run(['sources', '--db', m.db, '--format', 'md']);
    expect(await table.exit).toBe(0);
    expect(table.out()).toMatch(/syslog udp 127\.0\.0\.1 .*\| 1 \(oversize 1\) \|/);
    expect(table.out()).toMatch(/syslog tcp 127\.0\.0\.1 .*\| 1 \(oversize 1\) \|/);
  });

  test('a worm burst raises its alert while it happens (JSON Lines file)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.jsonl');
    const l = await listen(['--alerts-file', file]);
    const burst = Array.from({ length: 30 }, (_, i) => '<4>' + outboundLine(`Jun 14 14:00:${String(i).padStart(2, '0')}`, '192.168.1.50', `203.0.113.${i + 20}`, 445));
    await sendUdp(l.udp, burst);
    await until(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('"worm"'));
    const doc = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n')[0]);
    // Published after the batch that crossed the threshold is committed: it counts the whole batch.
    expect(doc).toMatchObject({ status: 'opened', kind: 'worm', host: '192.168.1.50', port: 445, threshold: 25 });
    expect(doc.destinations).toBeGreaterThanOrEqual(25);
    expect(await stop(l)).toBe(0);
  });
});
