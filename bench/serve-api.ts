/**
 * Dashboard response times on a database (the figures for a 10-million-event one):
 *
 *   node dist/bench/serve-api.js DBFILE [--runs 7]
 *
 * starts `serve` on it (loopback, a free port), times each API question cold (its first call:
 * caches empty) and warm (median of the following runs), then, with Debian's chromium when it
 * is installed, the time until each page shows its data. The database is only read.
 */
import fs from 'node:fs';
import os from 'node:os';
import { startServe } from '../src/serve/server';
import { openReadOnly } from '../src/store/db';
import { dayLabel } from '../src/store/rollups/buckets';

const CHROMIUM = '/usr/bin/chromium';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function time(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const r = await fetch(url);
  const body = await r.arrayBuffer();
  return { ms: performance.now() - t0, status: r.status, bytes: body.byteLength };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
  if (!file || !fs.existsSync(file)) throw new Error('usage: node dist/bench/serve-api.js DBFILE [--runs N]');
  const db = openReadOnly(file);
  const events = db.prepare('SELECT max(id) FROM events').pluck().get() as number;
  const last = db.prepare('SELECT max(day) FROM port_day').pluck().get() as number;
  const [from, to] = [db.prepare('SELECT min(ts) FROM events').pluck().get() as number, db.prepare('SELECT max(ts) FROM events').pluck().get() as number];
  // The busiest scanner of the latest day's busiest port: the address a user clicks first.
  const top = db.prepare('SELECT port, proto FROM port_day WHERE day = ? ORDER BY events DESC LIMIT 1').get(last) as { port: number; proto: string };
  db.close();
  const day = dayLabel(last);
  const s = await startServe({ dbFile: file, listen: '127.0.0.1:0' });
  const u = (p: string) => new URL(p, s.url).href;
  const scanner = ((await (await fetch(u(`/api/events?date=${day}&class=scan&port=${top.port}&proto=${top.proto}&group=src&limit=1`))).json()) as { groups: { value: string }[] }).groups[0].value;
  const questions: [string, string][] = [
    ['overview, latest day', `/api/overview`],
    ['overview, the day before', `/api/overview?date=${dayLabel(last - 1)}`],
    ['overview sorted by sources', `/api/overview?sort=sources`],
    ['latest events', '/api/events/latest?limit=30'],
    ['alerts inbox', '/api/alerts'],
    ['sources', '/api/sources'],
    ['days with data', '/api/days'],
    [`port ${top.port}, 30 days`, `/api/port/${top.port}`],
    [`port ${top.port}, 90 days`, `/api/port/${top.port}?days=90`],
    [`port ${top.port}: top sources of the day`, `/api/port/${top.port}/sources`],
    ['address, one day', `/api/ip/${scanner}?from=${day}`],
    ['address, 7 days', `/api/ip/${scanner}?from=${dayLabel(last - 6)}&to=${day}`],
    ['explorer: scans of a port on a day', `/api/events?date=${day}&class=scan&port=${top.port}&proto=${top.proto}`],
    ['explorer: their distinct sources', `/api/events?date=${day}&class=scan&port=${top.port}&proto=${top.proto}&group=src`],
    ['explorer: one hour', `/api/events?date=${day}&hour=12&class=scan`],
    ['daily report (JSON)', `/api/reports/daily?date=${day}&format=json`],
  ];
  const out: string[] = [];
  const say = (l: string) => {
    out.push(l);
    process.stdout.write(l + '\n');
  };
  say(`serve on ${file}: ${events.toLocaleString('en-US')} events, ${new Date(from).toISOString().slice(0, 10)} to ${new Date(to).toISOString().slice(0, 10)}; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  say('');
  say('| API question | cold ms | warm ms (median) | bytes |');
  say('|---|---:|---:|---:|');
  try {
    for (const [label, p] of questions) {
      const cold = await time(u(p));
      if (cold.status !== 200) throw new Error(`${p}: HTTP ${cold.status}`);
      const warm: number[] = [];
      for (let i = 0; i < (p.includes('reports') ? 2 : runs); i++) warm.push((await time(u(p))).ms);
      say(`| ${label} | ${cold.ms.toFixed(0)} | ${median(warm).toFixed(1)} | ${cold.bytes.toLocaleString('en-US')} |`);
    }
    if (fs.existsSync(CHROMIUM)) await pages(s.url, day, top.port, scanner, say);
    else say(`\n(${CHROMIUM} not installed: page load times skipped)`);
  } finally {
    await s.close();
  }
}

/** Time from navigation to the page's data on screen, in Chromium (median of 3, after one warm-up). */
async function pages(base: string, day: string, port: number, scanner: string, say: (l: string) => void): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const list: [string, string, string][] = [
      ['Overview', '/', '#ports tbody tr'],
      ['Port (with its top sources)', `/port/${port}`, '#port-sources tbody tr'],
      ['Address (one day)', `/ip/${scanner}?from=${day}`, 'main .cards'],
      ['Alerts', '/alerts', 'main table tbody tr, main p.muted'],
      ['Sources', '/sources', 'main table tbody tr'],
    ];
    say('');
    say('| page (Chromium, 1280 px) | load to data on screen, ms (median of 3) |');
    say('|---|---:|');
    for (const [label, p, sel] of list) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const times: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        await page.goto(new URL(p, base).href);
        await page.locator(sel).first().waitFor({ timeout: 60_000 });
        if (i > 0) times.push(performance.now() - t0);
      }
      await page.close();
      say(`| ${label} | ${median(times).toFixed(0)} |`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  process.stderr.write(`serve-api bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
