/**
 * ECS completeness (issue 12): every event document carries the categorization fields, the
 * protocol number and IP version, and the device that wrote it; alerts are ECS documents too;
 * event.original only when asked. Unit tests of parsers/ecs.ts over every format's example
 * line, then `parse --original` and `watch --json --original` on the built CLI.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alertEcsDocument, ecsDocument, ECS_VERSION, OBSERVERS, toEcs } from '../parsers/ecs';
import { PARSERS } from '../parsers';
import { protoNumber } from '../parsers/lib/protocols';
import type { FirewallEvent } from '../parsers/types';
import { parseEvent } from './helpers/parse';
import { inboundLine, tempDir } from './helpers/db';
import { CLI, runInPipe as run } from './helpers/tty';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('ECS documents of events', () => {
  test.each(PARSERS.map((p) => [p.id, p.example]))('%s: the example line as a complete document', (id, example) => {
    const e = parseEvent(example);
    const d = ecsDocument(e) as Doc;
    expect(d.ecs).toEqual({ version: ECS_VERSION });
    expect(d.event).toMatchObject({ kind: 'event', category: ['network'] });
    expect(d.event.type[0]).toBe('connection');
    expect(['success', 'unknown']).toContain(d.event.outcome);
    expect(d.network.iana_number).toBe(String(protoNumber(e.transport)));
    expect(['ipv4', 'ipv6']).toContain(d.network.type);
    expect(d.observer.type).toBeTruthy();
    // Every registered format names the device behind it.
    expect(OBSERVERS[id]).toBeDefined();
    expect(d.observer.product).toBeTruthy();
    expect(d.event.original).toBeUndefined();
  });

  test('CEF and LEEF: the device is the one the line names in its header', () => {
    const cef = parseEvent(PARSERS.find((p) => p.id === 'cef')!.example);
    expect(cef.device?.vendor).toBeTruthy();
    expect((ecsDocument(cef) as Doc).observer).toMatchObject({ vendor: cef.device!.vendor, product: cef.device!.product });
  });

  const base: FirewallEvent = { ts: Date.UTC(2024, 5, 14), format: 'netfilter', action: 'deny', transport: 'tcp', srcIp: '203.0.113.7', dstIp: '192.0.2.10', dstPort: 23 };

  test('what the firewall did: denied / allowed, a success from its point of view; unknown without its decision', () => {
    expect((ecsDocument(base) as Doc).event).toMatchObject({ type: ['connection', 'denied'], outcome: 'success', action: 'deny' });
    expect((ecsDocument({ ...base, action: 'allow' }) as Doc).event).toMatchObject({ type: ['connection', 'allowed'], outcome: 'success' });
    expect((ecsDocument({ ...base, action: 'unknown' }) as Doc).event).toMatchObject({ type: ['connection'], outcome: 'unknown' });
  });

  test('IPv6 and ICMPv6: network.type ipv6, iana_number 58', () => {
    const d = ecsDocument({ ...base, transport: 'ipv6-icmp', srcIp: '2001:db8::1', dstIp: '2001:db8::2', dstPort: undefined, icmpType: 128 }) as Doc;
    expect(d.network).toMatchObject({ transport: 'ipv6-icmp', iana_number: '58', type: 'ipv6' });
  });

  test('event.original only when given; the parser-field view (golden files) is unchanged', () => {
    expect((ecsDocument(base, undefined, { original: 'the line' }) as Doc).event.original).toBe('the line');
    const core = toEcs(base) as Doc;
    expect(core.ecs).toBeUndefined();
    expect(core.event).toEqual({ action: 'deny' });
  });
});

describe('ECS documents of alerts', () => {
  const scan = { id: 7, status: 'opened', kind: 'vertical-scan', host: '203.0.113.9', port: 0, proto: 'tcp', level: 2, first: '2024-06-14T10:00:00.000Z', last: '2024-06-14T10:01:00.000Z', destinations: 20, events: 20 };

  test('a scan: event.kind alert, its level as severity, the scanner as source, no port for a vertical scan', () => {
    const d = alertEcsDocument(scan) as Doc;
    expect(d).toMatchObject({
      '@timestamp': scan.last,
      ecs: { version: ECS_VERSION },
      event: { kind: 'alert', category: ['intrusion_detection', 'network'], type: ['info'], action: 'vertical-scan', start: scan.first, end: scan.last, severity: 2 },
      source: { ip: '203.0.113.9' },
      network: { transport: 'tcp', iana_number: '6', type: 'ipv4' },
      observer: { type: 'ids', product: 'portledger' },
      rule: { name: 'vertical-scan', ruleset: 'portledger' },
      portledger: { alert: scan },
    });
    expect(d.destination).toBeUndefined();
  });

  test('a worm burst: the inside host as source, port 445, no severity', () => {
    const d = alertEcsDocument({ ...scan, kind: 'worm', host: '192.168.1.50', port: 445, level: null }) as Doc;
    expect(d).toMatchObject({ source: { ip: '192.168.1.50' }, destination: { port: 445 } });
    expect(d.event.severity).toBeUndefined();
  });
});

const maybe = fs.existsSync(CLI) ? describe : describe.skip;

maybe('ECS on the built CLI', () => {
  const dir = tempDir();
  const log = path.join(dir, 'k.log');
  const lines = [inboundLine('Jun 14 10:00:00', '198.51.100.1', 23), inboundLine('Jun 14 10:00:01', '2001:db8::7', 445)];
  fs.writeFileSync(log, lines.join('\n') + '\n');

  test('parse: complete documents; --original adds each line as read', () => {
    const plain = run(['parse', log, '--tz', 'UTC', '--year', '2024', '--db', path.join(dir, 'none.db')]).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(plain[0]).toMatchObject({ ecs: { version: ECS_VERSION }, event: { kind: 'event', category: ['network'], type: ['connection', 'denied'], outcome: 'success' }, network: { iana_number: '6', type: 'ipv4' }, observer: { type: 'firewall', vendor: 'Linux', product: 'Netfilter' } });
    expect(plain[0].event.original).toBeUndefined();
    const withOriginal = run(['parse', log, '--original', '--tz', 'UTC', '--year', '2024', '--db', path.join(dir, 'none.db')]).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(withOriginal.map((d) => d.event.original)).toEqual(lines);
  });

  test('watch --json --original: events and alerts as ECS documents', async () => {
    const live = path.join(dir, 'live.log');
    fs.writeFileSync(live, '');
    const p = spawn(process.execPath, [CLI, 'watch', live, '--json', '--original', '--db', path.join(dir, 'w.db'), '--tz', 'UTC', '--year', '2024'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 2000));
    // One source on 20 ports of one host: a vertical scan, danger level 3 (15+ packets).
    const scan = Array.from({ length: 20 }, (_, i) => inboundLine(`Jun 14 10:00:${String(i).padStart(2, '0')}`, '203.0.113.9', 1000 + i));
    fs.appendFileSync(live, scan.join('\n') + '\n');
    const end = Date.now() + 20_000;
    while (Date.now() < end && !out.includes('"kind":"alert"')) await new Promise((r) => setTimeout(r, 200));
    p.kill('SIGTERM');
    await new Promise((r) => p.on('close', r));
    const docs = out.trim().split('\n').map((l) => JSON.parse(l) as Doc);
    const events = docs.filter((d) => d.event.kind === 'event');
    expect(events).toHaveLength(20);
    expect(events.map((d) => d.event.original)).toEqual(scan);
    expect(events[0]).toMatchObject({ ecs: { version: ECS_VERSION }, network: { iana_number: '6', type: 'ipv4' }, observer: { product: 'Netfilter' } });
    const alert = docs.find((d) => d.event.kind === 'alert');
    expect(alert).toMatchObject({ event: { action: 'vertical-scan', category: ['intrusion_detection', 'network'] }, source: { ip: '203.0.113.9' }, portledger: { alert: { kind: 'vertical-scan' } } });
  }, 60_000);
});
