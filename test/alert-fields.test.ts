/**
 * Every alert output carries what a user acts on: kind, source, targets and ports (counts and
 * samples), danger level, scan type with its nmap option, first/last, window, state and the
 * evidence lines — `portledger alerts` in each format, the JSON Lines sink, the webhook and the
 * ECS documents of `--json`. And `alerts` filters by period, kind, source, level and state.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { closeDb, openReadOnly, type DB } from '../src/store/db';
import { buildReport } from '../reports/daily-data';
import { renderDailyMd } from '../reports/daily-md';
import { renderDailyHtml } from '../reports/daily-html';
import { alertsCommand } from '../src/cli/commands/reports';
import { AlertOutputs, Webhook, type AlertDocument } from '../src/act/alert-outputs';
import { alertEcsDocument } from '../parsers/ecs';
import { ScanDetector } from '../src/detectors/scan';
import { WormDetector, DEFAULT_WORM } from '../src/detectors/worm';
import { triageAlert } from '../src/store/alert-triage';
import { freshDb, ingest } from './helpers/db';
import { hosts, logText, netfilterLine, portScan, range, type Packet } from '../bench/scan-lines';

const T0 = Date.UTC(2026, 5, 14, 10, 0, 0);
const MIN = 60_000;

// A SYN scan (nmap -sS sized) of 40 ports of one host; a UDP sweep of port 161 over 30 hosts the
// next day; a worm burst from an inside host to 30 outside hosts on 445 the day after.
const synScan = portScan({ start: T0, src: '198.51.100.7', targets: ['203.0.113.10'], ports: range(1000, 1039), everyMs: 1000 });
const udpSweep = portScan({ start: T0 + 24 * 60 * MIN, src: '192.0.2.66', targets: hosts('203.0.113.', 30, 100), ports: [161], everyMs: 500, proto: 'UDP' });
const worm: Packet[] = hosts('198.51.100.', 30, 100).map((dst, i) => ({
  ts: T0 + 48 * 60 * MIN + i * 1000, src: '192.168.1.50', dst, proto: 'TCP', dport: 445, flags: 'SYN', len: 52, path: 'forward', prefix: 'ACCEPT',
}));

let dbFile = '';
const alertsOf = (args: Record<string, unknown>) => alertsCommand({ db: dbFile, tz: 'UTC', ...args });

beforeAll(async () => {
  const { db, file } = freshDb();
  await ingest(db, [{ stdin: logText([...synScan, ...udpSweep, ...worm]) }]);
  closeDb(db);
  dbFile = file;
});

describe('portledger alerts: every format carries the fields', () => {
  test('JSON: kind, source, level, scan type and nmap option, targets and ports with samples, first/last, window, state, evidence lines', () => {
    const rows = JSON.parse(alertsOf({ format: 'json' })).rows as Record<string, unknown>[];
    expect(rows.map((r) => r.kind)).toEqual(['vertical-scan', 'horizontal-scan', 'worm']);
    const [scan, sweep, burst] = rows;
    expect(scan).toMatchObject({
      kind: 'vertical-scan', source: '198.51.100.7', level: 2, scan_type: 'SYN (-sS)', nmap: '-sS', scan_types: ['syn'],
      targets: 1, sample_targets: ['203.0.113.10'], ports: 40, window: 'fast', window_s: 300, state: 'open',
      first: '2026-06-14T10:00:00+00:00', last: '2026-06-14T10:00:39+00:00',
    });
    expect((scan.sample_ports as number[]).slice(0, 3)).toEqual([1000, 1001, 1002]);
    expect(scan.first_line).toContain('DPT=1000 ');
    expect(scan.last_line).toContain('DPT=1039 ');
    // Raised when the 15th distinct port was probed (Zeek's threshold; psad level 2 at 15 packets).
    expect(scan.raised).toBe('2026-06-14T10:00:14.000Z');
    expect(sweep).toMatchObject({ kind: 'horizontal-scan', source: '192.0.2.66', level: 2, scan_type: 'UDP (-sU)', nmap: '-sU', targets: 30, ports: 1, sample_ports: [161], state: 'open' });
    expect(sweep.first_line).toContain('DPT=161');
    // A worm burst carries a level too (psad's packet scale): 30 attempts are level 2.
    expect(burst).toMatchObject({ kind: 'worm', source: '192.168.1.50', level: 2, scan_type: '', targets: 30, ports: 1, sample_ports: [445], window_s: 300 });
    expect(burst.first_line).toContain('DPT=445');
  });

  test('table: level, scan type, counts, window, state and a non-empty evidence column', () => {
    const out = alertsOf({ format: 'table' });
    const scanLine = out.split('\n').find((l) => l.includes('vertical-scan'))!;
    expect(scanLine).toMatch(/198\.51\.100\.7\s+2\s+SYN \(-sS\)\s+1\s+40\s+tcp/);
    expect(scanLine).toContain('fast 300s');
    expect(scanLine).toContain('open');
    expect(scanLine).toContain('40 ports of 1 host: 1000 1001');
    expect(scanLine).toContain('DPT=1000');
    expect(out.split('\n')[0]).toMatch(/kind\s+source\s+level\s+scan type\s+targets\s+ports/);
  });

  test('CSV: a header naming every field, and each alert with level, scan type and evidence lines', () => {
    const [head, ...lines] = alertsOf({ format: 'csv' }).trim().split('\n');
    expect(head).toBe('id,kind,source,level,scan_type,targets,ports,proto,packets,peak,first,last,raised,window,state,evidence,first_line,last_line');
    const scan = lines.find((l) => l.includes('vertical-scan'))!;
    expect(scan).toContain(',198.51.100.7,2,SYN (-sS),1,40,tcp,40,');
    expect(scan).toContain(',fast 300s,open,');
    expect(scan).toMatch(/DPT=1000 .*DPT=1039 /);
    expect(lines.find((l) => l.includes('horizontal-scan'))).toContain(',192.0.2.66,2,UDP (-sU),30,1,udp,');
  });

  test('Markdown: the same columns, escaped', () => {
    const md = alertsOf({ format: 'md' });
    expect(md.split('\n')[0]).toContain('| kind | source | level | scan type | targets | ports |');
    expect(md).toMatch(/\| vertical-scan \| 198\.51\.100\.7 \| 2 \| SYN \(-sS\) \| 1 \| 40 \|/);
    expect(md).toMatch(/\| worm \| 192\.168\.1\.50 \| 2 \|/);
  });
});

describe('daily report: alerts by kind', () => {
  test('Markdown and HTML say what a scan was: ports and hosts, level, scan type, window, state, evidence lines', () => {
    const db = openReadOnly(dbFile);
    const r = buildReport(db, '2026-06-14', '2026-06-14', { tz: 'UTC' });
    db.close();
    const md = renderDailyMd(r);
    expect(md).toContain('### Port scan: 198.51.100.7 → 40 ports of 1 host');
    expect(md).toMatch(/Danger level 2 of 5\. 198\.51\.100\.7 probed 40 ports \(1000 1001 .* …\) of 203\.0\.113\.10; threshold 15 within a window of 300 s/);
    expect(md).toContain('Scan type: SYN (-sS). State: open.');
    expect(md).toContain('DPT=1000 ');
    const html = renderDailyHtml(r);
    expect(html).toContain('Port scan: 198.51.100.7 → 40 ports of 1 host');
    expect(html).toContain('Scan type: SYN (-sS)');
  });
});

describe('portledger alerts: filters', () => {
  const kinds = (args: Record<string, unknown>) => (JSON.parse(alertsOf({ format: 'json', ...args })).rows as { kind: string }[]).map((r) => r.kind);

  test('--from/--to: alerts active on those days', () => {
    expect(kinds({ from: '2026-06-15', to: '2026-06-15' })).toEqual(['horizontal-scan']);
    expect(kinds({ from: '2026-06-15' })).toEqual(['horizontal-scan', 'worm']);
    expect(kinds({ to: '2026-06-14' })).toEqual(['vertical-scan']);
  });

  test('--kind takes the stored names and the common words', () => {
    expect(kinds({ kind: 'sweep' })).toEqual(['horizontal-scan']);
    expect(kinds({ kind: 'port-scan' })).toEqual(['vertical-scan']);
    expect(kinds({ kind: 'worm' })).toEqual(['worm']);
    expect(() => kinds({ kind: 'bogus' })).toThrow(/no alert kind/);
  });

  test('--source: an address or a network', () => {
    expect(kinds({ source: '198.51.100.7' })).toEqual(['vertical-scan']);
    expect(kinds({ source: '192.0.2.0/24' })).toEqual(['horizontal-scan']);
    expect(kinds({ source: '192.168.0.0/16' })).toEqual(['worm']);
    expect(kinds({ source: '2001:db8::/32' })).toEqual([]);
    expect(() => kinds({ source: 'not-an-ip' })).toThrow(/neither an IP address nor a network/);
  });

  test('--min-level and --open', () => {
    expect(kinds({ minLevel: 2 })).toHaveLength(3);
    expect(kinds({ minLevel: 3 })).toEqual([]);
    const { db } = { db: require('../src/store/db').openDb(dbFile) as DB };
    const id = (db.prepare("SELECT id FROM alerts WHERE kind = 'worm'").pluck().get() as number);
    triageAlert(db, id, 'close', { by: 'test', via: 'test' });
    closeDb(db);
    expect(kinds({ open: true })).toEqual(['vertical-scan', 'horizontal-scan']);
    const rows = JSON.parse(alertsOf({ format: 'json' })).rows as { kind: string; state: string }[];
    expect(rows.find((r) => r.kind === 'worm')!.state).toBe('closed');
  });
});

/** A local HTTP server that records the JSON bodies it is sent. */
function hookServer(): Promise<{ url: string; got: AlertDocument[]; close: () => Promise<void> }> {
  const got: AlertDocument[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(JSON.parse(body) as AlertDocument);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, got, close: () => new Promise((r) => { s.close(() => r()); s.closeAllConnections(); }) }),
    ),
  );
}

describe('live outputs: JSON Lines sink, webhook, --json (ECS)', () => {
  test('each carries the level, scan type, counts, samples, window, state and evidence lines', async () => {
    // Real alerts from the detectors: a FIN-free XMAS scan of 20 ports, and a worm burst.
    const scan = new ScanDetector();
    for (let i = 0; i < 20; i++) {
      const p: Packet = { ts: T0 + i * 1000, src: '198.51.100.9', dst: '203.0.113.10', proto: 'TCP', dport: 2000 + i, flags: 'URG PSH FIN' };
      scan.observe(p.src, p.dst, p.dport, 'tcp', p.ts, netfilterLine(p), 1, 'tcp-xmas', 40);
    }
    const wormDet = new WormDetector(DEFAULT_WORM);
    for (let i = 0; i < 26; i++) wormDet.observe('192.168.1.60', `198.51.100.${10 + i}`, 445, 'tcp', T0 + i * 1000, `line ${i}`);
    const alerts = [...scan.drainChanged(), ...wormDet.drainChanged()];
    alerts.forEach((a, i) => {
      a.id = i + 1;
      a.state = 'open';
    });
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'pl-alert-fields-'));
    const jsonFile = path.join(dir, 'alerts.jsonl');
    const srv = await hookServer();
    const hook = new Webhook(srv.url, { baseDelayMs: 20 });
    const ecs: unknown[] = [];
    const lines: string[] = [];
    new AlertOutputs({ jsonFile, webhook: hook, json: (d) => ecs.push(JSON.parse(JSON.stringify(alertEcsDocument(d)))), console: (l) => lines.push(l) }).publish(alerts);
    await hook.flush(5000);
    await srv.close();

    const sink = fs.readFileSync(jsonFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AlertDocument);
    for (const docs of [sink, srv.got]) {
      expect(docs).toHaveLength(2);
      const [s, w] = docs;
      expect(s).toMatchObject({
        kind: 'vertical-scan', source: '198.51.100.9', level: 2, scan_type: 'XMAS (-sX)', nmap: '-sX', targets: 1, sample_targets: ['203.0.113.10'],
        ports: 20, window: 'fast', window_s: 300, state: 'open', first: '2026-06-14T10:00:00.000Z', last: '2026-06-14T10:00:19.000Z',
      });
      expect(s.sample_ports).toHaveLength(20);
      expect(s.first_line).toContain('DPT=2000 ');
      expect(s.last_line).toContain('DPT=2019 ');
      expect(w).toMatchObject({ kind: 'worm', source: '192.168.1.60', level: 2, targets: 26, ports: 1, sample_ports: [445], first_line: 'line 0', state: 'open' });
    }
    const [se, we] = ecs as { event: { severity: number; reason?: string; action: string }; source: { ip: string }; portledger: { alert: AlertDocument } }[];
    expect(se.event).toMatchObject({ severity: 2, reason: 'XMAS (-sX)', action: 'vertical-scan' });
    expect(se.portledger.alert).toMatchObject({ level: 2, nmap: '-sX', ports: 20, targets: 1, window: 'fast', state: 'open' });
    expect(se.portledger.alert.first_line).toContain('DPT=2000');
    expect(we.event.severity).toBe(2);
    expect(we.portledger.alert).toMatchObject({ kind: 'worm', targets: 26, level: 2 });
    expect(lines[0]).toMatch(/\[danger 2\/5\] vertical port scan: 198\.51\.100\.9 probed 20 ports of 1 host, XMAS \(-sX\)/);
  });
});
