/**
 * The README's screenshots of the dashboard: a month of a home router's log made up here, with
 * documentation addresses only (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32),
 * ingested like a user would, served, and photographed by Debian's chromium at 1280 px (light)
 * and 390 px (dark).
 *
 *   node dist/bench/screenshots.js [OUT_DIR]      (default docs/screenshots)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { packageRoot } from '../src/util/package-root';
import { startServe } from '../src/serve/server';
import { mulberry32 } from './generate';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PORTS: [number, number, 'TCP' | 'UDP'][] = [
  [23, 30, 'TCP'], [22, 22, 'TCP'], [445, 14, 'TCP'], [3389, 10, 'TCP'], [80, 8, 'TCP'], [8080, 6, 'TCP'], [5060, 5, 'UDP'],
  [443, 4, 'TCP'], [1433, 3, 'TCP'], [6379, 2, 'TCP'], [2323, 3, 'TCP'], [53, 2, 'UDP'], [123, 2, 'UDP'], [5900, 2, 'TCP'],
];

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

function source(rnd: () => number): string {
  const r = rnd();
  if (r < 0.08) return `2001:db8:${Math.floor(rnd() * 0xffff).toString(16)}::${Math.floor(rnd() * 0xffff).toString(16)}`;
  const net = r < 0.45 ? '198.51.100' : r < 0.85 ? '203.0.113' : '192.0.2';
  return `${net}.${1 + Math.floor(rnd() ** 2 * 253)}`;
}

/** 30 days to 2024-06-14: a daily rhythm, a Telnet spike on the last day, a port scan, a worm. */
function makeLog(file: string): void {
  const rnd = mulberry32(7);
  const end = Date.UTC(2024, 5, 15);
  const start = end - 30 * 86_400_000;
  const weights = PORTS.reduce((a, p) => a + p[1], 0);
  const lines: string[] = [];
  for (let t = start; t < end; t += 20_000 + Math.floor(rnd() * 40_000)) {
    const hour = new Date(t).getUTCHours();
    const busy = 0.6 + 0.4 * Math.sin(((hour - 6) / 24) * 2 * Math.PI);
    if (rnd() > busy) continue;
    let pick = rnd() * weights;
    let [port, , proto] = PORTS[0];
    for (const p of PORTS) if ((pick -= p[1]) < 0) { [port, , proto] = p; break; }
    const burst = t > end - 86_400_000 && port === 23 ? 4 : 1;
    for (let b = 0; b < burst; b++) {
      const src = source(rnd);
      const l4 = proto === 'TCP' ? `PROTO=TCP SPT=${40000 + b} DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0` : `PROTO=UDP SPT=${40000 + b} DPT=${port} LEN=40`;
      lines.push(`${stamp(t + b * 900)} RT-AX86U kernel: DROP IN=eth0 OUT= MAC=10:7b:44:aa:bb:01:00:11:22:33:44:55:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${b} ${l4}`);
    }
    if (rnd() < 0.25) {
      const host = `192.168.1.${10 + Math.floor(rnd() * 20)}`;
      lines.push(`${stamp(t + 500)} RT-AX86U kernel: ACCEPT IN=br0 OUT=eth0 SRC=${host} DST=198.51.100.${200 + Math.floor(rnd() * 50)} LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=50000 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0`);
    }
  }
  const day = end - 86_400_000;
  for (let i = 0; i < 200; i++) {
    lines.push(`${stamp(day + 3 * 3_600_000 + i * 2000)} RT-AX86U kernel: DROP IN=eth0 OUT= SRC=203.0.113.66 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${i} PROTO=TCP SPT=41000 DPT=${1000 + i * 7} WINDOW=1024 RES=0x00 SYN URGP=0`);
  }
  for (let i = 0; i < 40; i++) {
    lines.push(`${stamp(day + 16 * 3_600_000 + i * 3000)} RT-AX86U kernel: ACCEPT IN=br0 OUT=eth0 SRC=192.168.1.50 DST=198.51.100.${100 + i} LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=1 DF PROTO=TCP SPT=50000 DPT=445 WINDOW=64240 RES=0x00 SYN URGP=0`);
  }
  lines.sort((a, b) => Date.parse(`2024 ${a.slice(0, 15)} UTC`) - Date.parse(`2024 ${b.slice(0, 15)} UTC`));
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(packageRoot(), 'docs', 'screenshots'));
  fs.mkdirSync(out, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-shots-'));
  const log = path.join(dir, 'router.log');
  const db = path.join(dir, 'shots.db');
  makeLog(log);
  execFileSync(process.execPath, [CLI, 'ingest', log, '--db', db, '--tz', 'UTC', '--year', '2024', '--quiet', '--slow-scans'], { stdio: 'inherit' });
  const s = await startServe({ dbFile: db, listen: '127.0.0.1:0' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const shots: [string, string, number, 'light' | 'dark', string][] = [
      ['overview-1280', '/', 1280, 'light', '#ports tbody tr'],
      ['overview-390', '/', 390, 'dark', '#ports tbody tr'],
      ['port-1280', '/port/23', 1280, 'light', '#port-sources tbody tr'],
      ['address-390', '/ip/203.0.113.66?from=2024-06-14', 390, 'dark', 'main .cards'],
      ['alerts-1280', '/alerts', 1280, 'light', 'main tbody tr'],
    ];
    for (const [name, p, width, scheme, sel] of shots) {
      const page = await browser.newPage({ viewport: { width, height: width > 600 ? 1000 : 844 }, colorScheme: scheme, deviceScaleFactor: 1 });
      await page.goto(new URL(p, s.url).href);
      await page.locator(sel).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(600);
      await page.screenshot({ path: path.join(out, `${name}.png`) });
      await page.close();
      process.stdout.write(`${path.join(out, `${name}.png`)}\n`);
    }
  } finally {
    await browser.close();
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`screenshots: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
