/**
 * Configuration as a user handles it (issue 12), on the built CLI: config get and unset, JSON
 * values as JSON in and out, and home networks that say whether they apply to past events and
 * re-decide them on request (--reclassify), both ways, with the reports recounted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inboundLine, tempDir } from './helpers/db';
import { CLI, runInPipe as run } from './helpers/tty';

const maybe = fs.existsSync(CLI) ? describe : describe.skip;

// A host firewall says RECEIVE (the device's own statement of direction): 203.0.113.7 → 192.0.2.10:3389.
const WINDOWS = '2024-06-14 10:15:42 DROP TCP 203.0.113.7 192.0.2.10 51234 3389 52 S 1414213562 0 64240 - - - RECEIVE';

maybe('config on the built CLI', () => {
  const dir = tempDir();
  const db = path.join(dir, 'c.db');
  const ports = () => JSON.parse(run(['report', 'ports', '--db', db, '--from', '2024-06-14', '--to', '2024-06-14', '--format', 'json']).out).rows as { port: number; events: number }[];
  const cfg = (...args: string[]) => run(['config', ...args, '--db', db]);

  beforeAll(() => {
    const lines = [inboundLine('Jun 14 10:00:00', '198.51.100.7', 23), inboundLine('Jun 14 10:01:00', '198.51.100.8', 23)];
    fs.writeFileSync(path.join(dir, 'router.log'), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'pfirewall.log'), WINDOWS + '\n');
    expect(run(['ingest', path.join(dir, 'router.log'), path.join(dir, 'pfirewall.log'), '--db', db, '--tz', 'UTC', '--year', '2024', '-q']).code).toBe(0);
  });

  test('get: the value alone, or as JSON', () => {
    expect(cfg('get', 'worm-threshold').out).toBe('25\n');
    expect(cfg('get', 'home', '--format', 'json').out).toBe('[]\n');
    expect(cfg('get', 'tz').out).toBe('UTC\n');
    expect(cfg('get', 'nonsense')).toMatchObject({ code: 1, err: expect.stringContaining('unknown setting "nonsense"') });
  });

  test('set takes JSON where it is JSON; show --format json gives JSON values, defaults and whether stored', () => {
    expect(cfg('set', 'wan-if', '["eth0","ppp0"]').out).toMatch(/^wan-if = eth0,ppp0; applies to events ingested from now on/);
    expect(cfg('set', 'worm-threshold', '30').code).toBe(0);
    const rows = JSON.parse(cfg('show', '--format', 'json').out).rows as { key: string; value: unknown; default: unknown; stored: boolean }[];
    expect(rows.find((r) => r.key === 'wan-if')).toMatchObject({ value: ['eth0', 'ppp0'], default: [], stored: true });
    expect(rows.find((r) => r.key === 'worm-threshold')).toMatchObject({ value: 30, default: 25, stored: true });
    expect(rows.find((r) => r.key === 'scan-ports')).toMatchObject({ value: 15, default: 15, stored: false });
    expect(cfg('set', 'wan-if', '[1, 2]')).toMatchObject({ code: 1, err: expect.stringContaining('wan-if takes a comma list or a JSON array of strings') });
  });

  test('a value that is not a network changes nothing', () => {
    expect(cfg('set', 'home', 'not-a-network', '--reclassify').code).toBe(1);
    expect(cfg('get', 'home').out).toBe('(none)\n');
  });

  test('unset (or set to null): back to the default', () => {
    expect(cfg('unset', 'worm-threshold').out).toBe('worm-threshold back to its default: 25\n');
    expect(cfg('set', 'wan-if', 'null').out).toMatch(/^wan-if back to its default: \(none\)/);
    expect(cfg('get', 'wan-if', '--format', 'json').out).toBe('[]\n');
    const rows = JSON.parse(cfg('show', '--format', 'json').out).rows as { key: string; stored: boolean }[];
    expect(rows.filter((r) => r.stored).map((r) => r.key)).toEqual(['tz']);
  });

  test('home without --reclassify: says past events keep their class, and they do', () => {
    const r = cfg('set', 'home', '198.51.100.0/24');
    expect(r.out).toContain('stored events keep their direction and class (add --reclassify');
    expect(ports().map((p) => p.port).sort()).toEqual([23, 3389]);
    expect(cfg('unset', 'home').code).toBe(0);
  });

  test('home --reclassify: the scans from the network now home are no longer scans; unset --reclassify brings them back', () => {
    const r = cfg('set', 'home', '198.51.100.0/24', '--reclassify');
    expect(r.out).toMatch(/stored events re-decided: 2 of the addresses it adds or removes, 2 changed direction or class \(their days' reports recounted\)/);
    expect(ports().map((p) => p.port)).toEqual([3389]);
    const back = cfg('unset', 'home', '--reclassify');
    expect(back.out).toMatch(/re-decided: 2 of the addresses it adds or removes, 2 changed/);
    expect(ports().find((p) => p.port === 23)).toMatchObject({ events: 2 });
  });

  test("the device's own statement survives a round trip: a RECEIVE from a network made home is internal, then inbound again", () => {
    const dir3389 = () => JSON.parse(run(['ip', '203.0.113.7', '--db', db, '--format', 'json']).out).asSource.classes as { class: string }[];
    expect(dir3389().map((c) => c.class)).toEqual(['scan']);
    // The /24 also holds the router's WAN address: its inbound scans are looked at and stay scans.
    expect(cfg('set', 'home', '203.0.113.0/24', '--reclassify').out).toMatch(/re-decided: 3 of the addresses it adds or removes, 1 changed/);
    expect(dir3389().map((c) => c.class)).toEqual(['internal']);
    expect(ports().map((p) => p.port)).toEqual([23]);
    expect(cfg('unset', 'home', '--reclassify').out).toMatch(/re-decided: 3 of the addresses it adds or removes, 1 changed/);
    expect(dir3389().map((c) => c.class)).toEqual(['scan']);
    expect(ports().map((p) => p.port).sort()).toEqual([23, 3389]);
  });
});
