import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest, outboundLine, tempDir } from './helpers/db';
import { buildReport } from '../reports/daily-data';
import { isSpike, type DailyReport } from '../reports/daily-shape';
import { escapeHtml, renderDailyHtml } from '../reports/daily-html';
import { renderDailyCsv, renderDailyMd } from '../reports/daily-md';
import { renderChart } from '../reports/charts';
import { portsReport } from '../reports/queries';
import { dailyCommand, rangeCommand } from '../src/cli/commands/daily';
import { alertsCommand } from '../src/cli/commands/reports';
import type { DB } from '../src/store/db';

const GOLDEN = path.join(__dirname, 'golden', 'daily-2024-06-14.json');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2024-06-04T10:00:00Z` → `Jun  4 10:00:00` (syslog, UTC). */
function stamp(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

async function dbWith(lines: string[]): Promise<{ db: DB; file: string; dir: string }> {
  const h = freshDb();
  const log = path.join(h.dir, 'test.log');
  fs.writeFileSync(log, lines.join('\n') + '\n');
  await ingest(h.db, [log], { year: 2024 });
  return h;
}

/** `n` scans of `port` on `day` at distinct minutes, from `sources` addresses in turn. */
function scans(day: string, port: number, n: number, sources: string[], proto = 'TCP'): string[] {
  return Array.from({ length: n }, (_, i) => inboundLine(stamp(`${day}T10:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')}Z`), sources[i % sources.length], port, 'SYN', proto));
}

const ips = (prefix: string, n: number, from = 1) => Array.from({ length: n }, (_, i) => `${prefix}.${from + i}`);

/** Journald JSON lines: the log text carries markup in the host name and the rule (log prefix). */
const HOST = '<img src=x onerror=alert(1)>';
const RULE = '<script>alert(1)</script>';
function journald(iso: string, message: string): string {
  return JSON.stringify({ __REALTIME_TIMESTAMP: String(Date.parse(iso) * 1000), _HOSTNAME: HOST, SYSLOG_IDENTIFIER: 'kernel', MESSAGE: `${RULE} ${message}` });
}
function hostileLines(): string[] {
  const inbound = journald('2024-06-14T09:00:00Z', 'IN=eth0 OUT= SRC=198.51.100.9 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0');
  // 30 outside hosts on 445 within a minute: a worm alert whose evidence is these raw lines.
  const worm = Array.from({ length: 30 }, (_, i) =>
    journald(`2024-06-14T12:00:${String(i).padStart(2, '0')}Z`, `IN=br0 OUT=eth0 SRC=192.168.1.66 DST=203.0.113.${100 + i} LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=1 DF PROTO=TCP SPT=50000 DPT=445 WINDOW=64240 RES=0x00 SYN URGP=0`),
  );
  const rejected = `Jun 14 13:00:00 gw kernel: ${RULE} ${HOST} IN=eth0 OUT= SRC=X.X.X.X DST=203.0.113.10 LEN=44 PROTO=TCP SPT=1 DPT=23`;
  const escape = JSON.stringify({ __REALTIME_TIMESTAMP: String(Date.parse('2024-06-14T14:00:00Z') * 1000), _HOSTNAME: 'gw\u001b[2J', SYSLOG_IDENTIFIER: 'kernel', MESSAGE: '\u001b[31mRED\u001b[0m IN=eth0 OUT= SRC=198.51.100.8 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0' });
  return [inbound, ...worm, rejected, escape];
}

async function hostileReport(): Promise<{ report: DailyReport; db: DB }> {
  const { db } = await dbWith([...scans('2024-06-14', 80, 5, ips('192.0.2', 5)), ...hostileLines()]);
  return { report: buildReport(db, '2024-06-14', '2024-06-14'), db };
}

describe('daily report', () => {
  test('golden JSON over the demo fixture', async () => {
    const { db } = freshDb();
    await ingest(db, [path.join(__dirname, '..', 'fixtures', 'demo', 'home-router.log')], { tz: 'UTC', year: 2024 });
    const report = buildReport(db, '2024-06-14', '2024-06-14');
    // The input is named by the temporary path it was read from.
    for (const i of report.coverage.inputs) i.name = path.basename(i.name);
    for (const s of report.coverage.rejectSamples) s.input = path.basename(s.input);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, JSON.stringify(report, null, 2) + '\n');
    expect(report).toEqual(JSON.parse(fs.readFileSync(GOLDEN, 'utf8')));

    // The per-port table agrees with the rollups that `report ports` reads.
    const rollup = portsReport(db, { from: '2024-06-14', to: '2024-06-14' });
    expect(report.ports.map(({ port, proto, events, sources, targets }) => ({ port, proto, events, sources, targets })).sort((a, b) => (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto))).toEqual(
      rollup.map(({ port, proto, events, sources, targets }) => ({ port, proto, events, sources, targets })).sort((a, b) => (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto)),
    );
    expect(report.overTime.sources).toHaveLength(24);
    expect(report.overTime.events.reduce((a, b) => a + b, 0)).toBe(report.totals.scans);
  });

  test('another zone: the day, its hours and its ports are counted in that zone', async () => {
    const { db } = freshDb();
    await ingest(db, [path.join(__dirname, '..', 'fixtures', 'demo', 'home-router.log')], { tz: 'UTC', year: 2024 });
    // Tokyo's 14 June is 13 June 15:00 to 14 June 15:00 UTC: the fixture's first 15 hours.
    const r = buildReport(db, '2024-06-14', '2024-06-14', { tz: 'Asia/Tokyo' });
    expect(r.period).toMatchObject({ tz: 'Asia/Tokyo', historyZone: 'UTC' });
    const utc = buildReport(db, '2024-06-14', '2024-06-14');
    expect(r.totals.scans).toBe(utc.overTime.events.slice(0, 15).reduce((a, b) => a + b, 0));
    expect(r.overTime.events.slice(9)).toEqual(utc.overTime.events.slice(0, 15));
    const expected = portsReport(db, { from: '2024-06-14', to: '2024-06-14', tz: 'Asia/Tokyo' });
    expect(r.ports.map(({ port, proto, events, sources }) => ({ port, proto, events, sources })).sort((a, b) => (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto))).toEqual(
      expected.map(({ port, proto, events, sources }) => ({ port, proto, events, sources })).sort((a, b) => (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto)),
    );
    expect(r.alerts).toHaveLength(1); // 14:02 UTC is 23:02 in Tokyo
    expect(r.topSources[0].first).toMatch(/\+09:00$/);
  });

  test('spikes: more than 3× the trailing average, at least 10 events a day', async () => {
    const days = Array.from({ length: 10 }, (_, i) => `2024-06-${String(4 + i).padStart(2, '0')}`);
    const lines = [
      ...days.flatMap((d) => [...scans(d, 445, 4, ips('192.0.2', 4)), ...scans(d, 22, 5, ips('192.0.2', 5, 20)), ...scans(d, 23, 1, ['192.0.2.40'])]),
      ...scans('2024-06-14', 445, 20, ips('198.51.100', 20)), // 5× its baseline: Sasser-like
      ...scans('2024-06-14', 22, 15, ips('198.51.100', 15, 50)), // exactly 3×: not more than
      ...scans('2024-06-14', 23, 9, ips('198.51.100', 9, 100)), // 9×, but under 10 events
      ...scans('2024-06-14', 3389, 12, ips('198.51.100', 12, 150)), // from nothing
    ];
    const { db } = await dbWith(lines);
    const r = buildReport(db, '2024-06-14', '2024-06-14');
    expect(r.period.baselineDays).toBe(10);
    const row = (port: number) => r.ports.find((p) => p.port === port)!;
    expect(row(445)).toMatchObject({ events: 20, sources: 20, baseline: 4, ratio: 5, spike: true, new: false });
    expect(row(22)).toMatchObject({ events: 15, baseline: 5, ratio: 3, spike: false });
    expect(row(23)).toMatchObject({ events: 9, baseline: 1, ratio: 9, spike: false });
    expect(row(3389)).toMatchObject({ events: 12, baseline: 0, ratio: null, spike: true, new: true });
    expect(r.newPorts.map((p) => p.port)).toEqual([3389]);
    expect(r.history.series.find((s) => s.port === 445)!.values.slice(-11)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 20]);
    // Today's sources were never seen; yesterday's 445 scanners were.
    expect(r.topSources.every((s) => s.new && s.seenBefore === null)).toBe(true);
    const again = buildReport(db, '2024-06-13', '2024-06-13');
    expect(again.topSources.find((s) => s.ip === '192.0.2.1')).toMatchObject({ new: false, seenBefore: '2024-06-12T10:00:00+00:00' });

    expect(isSpike(10, 3)).toBe(true);
    expect(isSpike(9, 0)).toBe(false);
    expect(isSpike(15, 5)).toBe(false);
    expect(isSpike(100, null)).toBe(false);
    expect(renderDailyHtml(r)).toContain('<span class="badge spike">spike</span>');
  });

  test('range: exact distinct counts over the period and the previous period compared', async () => {
    const now = ips('198.51.100', 3);
    const lines = [
      ...scans('2024-06-03', 23, 10, ips('192.0.2', 5)),
      ...scans('2024-06-05', 80, 4, ips('192.0.2', 4, 11)),
      ...['2024-06-08', '2024-06-10', '2024-06-14'].flatMap((d) => scans(d, 23, 10, now)),
      ...scans('2024-06-12', 8080, 2, ['198.51.100.1']),
    ];
    const { db } = await dbWith(lines);
    const r = buildReport(db, '2024-06-08', '2024-06-14', { range: true });
    expect(r.report).toBe('range');
    expect(r.period.days).toBe(7);
    expect(r.totals).toMatchObject({ scans: 32, sources: 3, ports: 2 });
    expect(r.ports.find((p) => p.port === 23)).toMatchObject({ events: 30, sources: 3 }); // not 9: the same 3 each day
    expect(r.comparison).toEqual({
      from: '2024-06-01', to: '2024-06-07', scansBefore: 14, scansNow: 32, sourcesBefore: 9, sourcesNow: 3,
      ports: [
        { port: 23, proto: 'tcp', name: 'Telnet', eventsBefore: 10, eventsNow: 30, sourcesBefore: 5, sourcesNow: 3, change: 200 },
        { port: 80, proto: 'tcp', name: 'HTTP', eventsBefore: 4, eventsNow: 0, sourcesBefore: 4, sourcesNow: 0, change: -100 },
        { port: 8080, proto: 'tcp', name: expect.any(String), eventsBefore: 0, eventsNow: 2, sourcesBefore: 0, sourcesNow: 1, change: null },
      ],
    });
    expect(r.overTime).toMatchObject({ unit: 'hour' });
    expect(r.overTime.labels).toHaveLength(7 * 24);
    expect(buildReport(db, '2024-06-01', '2024-06-14', { range: true }).overTime.labels).toHaveLength(14); // per day beyond a week
    expect(renderDailyHtml(r)).toContain('id="chart-comparison"');
    expect(renderDailyMd(r)).toContain('## Against 2024-06-01 – 2024-06-07');
    expect(buildReport(db, '2024-06-14', '2024-06-14').comparison).toBeNull();
    expect(() => buildReport(db, '2024-06-14', '2024-06-01')).toThrow(/after/);
  });

  test('CSV cells that a spreadsheet would evaluate are neutralized', async () => {
    const rules = ['=HYPERLINK("http://x")', '@SUM(1)', '-2+3', '+cmd'];
    const lines = rules.map((rule, i) => inboundLine(stamp(`2024-06-14T10:0${i}:00Z`), '198.51.100.9', 23).replace(' DROP ', ` ${rule} `));
    const { db } = await dbWith(lines);
    const csv = renderDailyCsv(buildReport(db, '2024-06-14', '2024-06-14'));
    const devices = csv.find((c) => c.suffix === '-devices')!.text;
    expect(devices).toContain(`"'=HYPERLINK(""http://x"")"`);
    for (const r of ["'@SUM(1)", "'-2+3", "'+cmd"]) expect(devices).toContain(r);
    expect(devices).not.toMatch(/(^|,)[=+\-@]/m);
    expect(csv[0].text.split('\n')[0]).toBe('port,proto,name,events,sources,targets,baseline,ratio,spike,new');
  });

  test('log text is escaped in HTML and Markdown, and kept free of control characters', async () => {
    const { report: r } = await hostileReport();
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0].evidence.firstLine).toContain(RULE);
    expect(r.devices.map((d) => d.host)).toContain(HOST);
    expect(r.coverage.rejectSamples[0].sample).toContain(RULE);

    const page = renderDailyHtml(r);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<[^>]*\son\w+=/i);
    expect(page).toContain(escapeHtml(HOST));
    expect(page).toContain(escapeHtml(RULE));
    expect(page).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expect(page).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(escapeHtml(`"'<>&\u001b`)).toBe('&quot;&#39;&lt;&gt;&amp;\uFFFD');
    // ECharts escapes the text it writes into its SVG (only port labels reach a chart, but still).
    const svg = renderChart({ xAxis: { type: 'category', data: [RULE] }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: HOST, data: [1] }], legend: {} });
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toMatch(/<script|<img/i);

    const md = renderDailyMd(r);
    // Raw lines sit in fenced blocks, which Markdown shows as text; everywhere else markup is escaped.
    const prose = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '');
    expect(prose).not.toBe(md);
    expect(prose).not.toMatch(/(?<!\\)<(script|img)/);
    expect(prose).toContain('\\<script\\>');
    expect(md).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(md).toContain('```text');
  });

  test('CLI: report daily and range write named files with --out', async () => {
    const { file } = await dbWith(scans('2024-06-14', 23, 3, ips('192.0.2', 3)));
    const out = tempDir();
    expect(dailyCommand({ db: file, date: '2024-06-14', format: 'html', out })).toBe(`${path.join(out, 'portledger-2024-06-14.html')}\n`);
    expect(fs.readFileSync(path.join(out, 'portledger-2024-06-14.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const csv = dailyCommand({ db: file, date: '2024-06-14', format: 'csv', out });
    expect(csv.trim().split('\n').map((p) => path.basename(p))).toEqual(['portledger-2024-06-14.csv', 'portledger-2024-06-14-sources.csv', 'portledger-2024-06-14-devices.csv', 'portledger-2024-06-14-time.csv']);
    const json = JSON.parse(dailyCommand({ db: file, date: '2024-06-14', format: 'json' })) as DailyReport;
    expect(json.totals.scans).toBe(3);
    expect(rangeCommand({ db: file, from: '2024-06-08', to: '2024-06-14', format: 'md', out })).toBe(`${path.join(out, 'portledger-2024-06-08_2024-06-14.md')}\n`);
    // The default day is the latest day with events; an empty day is a report all the same.
    expect(JSON.parse(dailyCommand({ db: file, format: 'json' })).period.from).toBe('2024-06-14');
    expect(JSON.parse(dailyCommand({ db: file, format: 'json', date: '2024-06-13' })).totals.scans).toBe(0);
    expect(JSON.parse(rangeCommand({ db: file, format: 'json' })).period).toMatchObject({ from: '2024-06-08', to: '2024-06-14' });
  });
});

describe('daily HTML report at scale', () => {
  /**
   * 60 sources each probing 25 of 90 ports; 45 inside hosts each reaching 30 outside hosts on 445
   * within a minute (a worm alert each), five of them again at another hour; three more bursts of
   * 40 whose raw lines carry markup (the most packets: shown in full).
   */
  async function busyDay(): Promise<{ db: DB; report: DailyReport }> {
    const lines: string[] = [];
    for (let s = 0; s < 60; s++) {
      for (let k = 0; k < 25; k++) {
        const port = 1000 + ((s * 7 + k) % 90);
        lines.push(inboundLine(stamp(`2024-06-14T${String(s % 24).padStart(2, '0')}:${String(k).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z`), `198.51.100.${s + 1}`, port));
      }
    }
    for (let h = 0; h < 45; h++) {
      for (const hour of h < 5 ? [2, 20] : [3 + (h % 15)]) {
        for (let i = 0; i < 30; i++) lines.push(outboundLine(stamp(`2024-06-14T${String(hour).padStart(2, '0')}:${String(h).padStart(2, '0')}:${String(i).padStart(2, '0')}Z`), `192.168.2.${h + 1}`, `203.0.113.${100 + i}`, 445));
      }
    }
    for (let w = 0; w < 3; w++) {
      for (let i = 0; i < 40; i++) {
        lines.push(journald(`2024-06-14T1${w}:59:${String(i).padStart(2, '0')}Z`, `IN=br0 OUT=eth0 SRC=192.168.1.${60 + w} DST=203.0.113.${100 + i} LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=1 DF PROTO=TCP SPT=50000 DPT=445 WINDOW=64240 RES=0x00 SYN URGP=0`));
      }
    }
    const { db } = await dbWith(lines);
    return { db, report: buildReport(db, '2024-06-14', '2024-06-14') };
  }

  test('many alerts: grouped by kind and by shared source, the 20 most severe in full, the command for the rest; log markup stays text', async () => {
    const { report: r } = await busyDay();
    const kinds = new Map<string, number>();
    for (const a of r.alerts) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
    expect(kinds.get('worm')).toBe(53);
    const page = renderDailyHtml(r);
    const section = page.slice(page.indexOf('<section id="alerts">'), page.indexOf('</section>', page.indexOf('<section id="alerts">')));
    // One group row per kind, with its count.
    for (const [kind, n] of kinds) expect(section).toMatch(new RegExp(`<td>[^<]*</td><td class="n">${n.toLocaleString('en-US')}</td>`));
    expect(section).toContain('Worm-like outbound traffic');
    // Capped: 20 alert cards, the worm bursts among them (most severe first), and the pointer to the full list.
    expect(section.match(/<div class="alert">/g)).toHaveLength(20);
    expect(section.match(/Worm-like outbound traffic: 192\.168\.1\.6\d/g)).toHaveLength(3);
    expect(section).toContain(`${(r.alerts.length - 20).toLocaleString('en-US')} more alerts`);
    expect(section).toContain('<code>portledger alerts --from 2024-06-14 --to 2024-06-14</code>');
    // Sources with several alerts (the five that burst at two hours) have rows of their own.
    const shared = section.slice(section.indexOf('<h3>Sources with several alerts</h3>'));
    expect(shared.match(/<tr><td><code>192\.168\.2\.\d<\/code><\/td><td>Worm-like outbound traffic<\/td><td class="n">2<\/td>/g)).toHaveLength(5);
    // The worm bursts' raw lines are evidence, escaped.
    expect(section).toContain(escapeHtml(RULE));
    expect(page).not.toMatch(/<script|<img|<[^>]*\son\w+=/i);
    expect(page).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  });

  test('many ports: one port × hour heat map instead of overlapping lines', async () => {
    const { report: r } = await busyDay();
    expect(r.ports.length).toBeGreaterThan(40);
    expect(r.topPortsOverTime).toHaveLength(20);
    for (const s of r.topPortsOverTime) expect(s.values).toHaveLength(24);
    const page = renderDailyHtml(r);
    const fig = page.slice(page.indexOf('<figure id="chart-port-heat"'), page.indexOf('</figure>', page.indexOf('<figure id="chart-port-heat"')));
    expect(fig).toContain('the 20 busiest ports');
    // Every row is labelled with its port; the colour scale is in the chart.
    for (const s of r.topPortsOverTime) expect(fig).toContain(`>${s.port}/${s.proto}<`);
    expect(fig).toMatch(/>1<|>2–9</);
    expect(page).not.toContain('id="chart-top-ports"');
    // The Markdown keeps the five busiest as columns.
    expect(renderDailyMd(r).split('\n').find((l) => l.startsWith('| hour'))!.split('|').length).toBe(3 + 5 + 2);
  });

  test('the alerts command lists the period the report points to', async () => {
    const { db, report: r } = await busyDay();
    const file = db.name;
    db.close();
    const all = JSON.parse(alertsCommand({ db: file, format: 'json' })).rows;
    const day = JSON.parse(alertsCommand({ db: file, format: 'json', from: '2024-06-14', to: '2024-06-14' })).rows;
    expect(day).toHaveLength(r.alerts.length);
    expect(all.length).toBeGreaterThanOrEqual(day.length);
    expect(JSON.parse(alertsCommand({ db: file, format: 'json', from: '2024-06-15', to: '2024-06-15' })).rows).toHaveLength(0);
    expect(JSON.parse(alertsCommand({ db: file, format: 'json', to: '2024-06-13' })).rows).toHaveLength(0);
    expect(JSON.parse(alertsCommand({ db: file, format: 'json', from: '2024-06-14', kind: 'worm' })).rows).toHaveLength(53);
    expect(() => alertsCommand({ db: file, format: 'json', from: '2024-06-15', to: '2024-06-14' })).toThrow(/after/);
  });

  test('a spike needs a history: none on the first day; from nothing, no "×∞"', async () => {
    const { report: first } = await busyDay();
    expect(first.period.baselineDays).toBe(0);
    expect(first.ports.every((p) => p.baseline === null && p.ratio === null && !p.spike)).toBe(true);
    for (const text of [renderDailyHtml(first), renderDailyMd(first)]) {
      expect(text).not.toContain('∞');
      expect(text).not.toMatch(/class="badge spike"|\*\*Spikes\*\*/);
    }
    // With days of history, a port scanned from nothing is a spike, said as such.
    const days = ['2024-06-11', '2024-06-12', '2024-06-13'];
    const { db } = await dbWith([...days.flatMap((d) => scans(d, 22, 5, ips('192.0.2', 5))), ...scans('2024-06-14', 3389, 12, ips('198.51.100', 12))]);
    const r = buildReport(db, '2024-06-14', '2024-06-14');
    expect(r.ports.find((p) => p.port === 3389)).toMatchObject({ baseline: 0, ratio: null, spike: true });
    const html = renderDailyHtml(r);
    expect(html).toContain('against none in the 3 days with data before');
    expect(renderDailyMd(r)).toContain('against none in the 3 days with data before');
    for (const text of [html, renderDailyMd(r)]) expect(text).not.toContain('∞');
  });
});
