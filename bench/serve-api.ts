/**
 * Dashboard response times on a database (the figures for a 10-million-event one):
 *
 *   node dist/bench/serve-api.js DBFILE [--runs 7] [--base OTHER/dist] [--ahead 120]
 *
 * starts `serve` on it (loopback, a free port), times each API question cold (its first call:
 * caches empty) and warm (median of the following runs), then, with Debian's chromium when it
 * is installed, the time until each page shows its data. The database is only read.
 *
 * `--base` also starts the `serve` of another build (its dist folder, e.g. a checkout of main)
 * on the same file and asks it every question too, each question of the two in turn, so both
 * see the same load: before and after in one run. The second table asks questions nobody asked
 * yet (other days, another address, another port) after `--ahead` seconds of idle time, when
 * the read thread has done its work ahead (recent days' totals, the event locator).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

type Serve = { url: string; close(): Promise<void> };
type Start = typeof startServe;

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** Cold and warm times of each question, on each server in turn. */
async function table(servers: { name: string; s: Serve }[], questions: [string, string][], runs: number, say: (l: string) => void): Promise<void> {
  const cols = servers.map((x) => (servers.length > 1 ? ` ${x.name}` : ''));
  say(`| API question |${cols.map((c) => ` cold ms${c} | warm ms${c} (median) |`).join('')} bytes |`);
  say(`|---|${cols.map(() => '---:|---:|').join('')}---:|`);
  for (const [label, p] of questions) {
    const cold: number[] = [];
    const warm: number[][] = servers.map(() => []);
    let bytes = 0;
    for (const { s } of servers) {
      const c = await time(new URL(p, s.url).href);
      if (c.status !== 200) throw new Error(`${p}: HTTP ${c.status}`);
      cold.push(c.ms);
      bytes = c.bytes;
    }
    for (let i = 0; i < (p.includes('reports') ? 3 : runs); i++) {
      for (let k = 0; k < servers.length; k++) warm[k].push((await time(new URL(p, servers[k].s.url).href)).ms);
    }
    say(`| ${label} |${servers.map((_, k) => ` ${cold[k].toFixed(0)} | ${median(warm[k]).toFixed(1)} |`).join('')} ${bytes.toLocaleString('en-US')} |`);
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const runs = Number(arg('--runs')) || 7;
  const base = arg('--base');
  const ahead = Number(arg('--ahead') ?? 120);
  if (!file || !fs.existsSync(file)) throw new Error('usage: node dist/bench/serve-api.js DBFILE [--runs N] [--base OTHER/dist] [--ahead SECONDS]');
  const db = openReadOnly(file);
  const events = db.prepare('SELECT max(id) FROM events').pluck().get() as number;
  const last = db.prepare('SELECT max(day) FROM port_day').pluck().get() as number;
  const [from, to] = [db.prepare('SELECT min(ts) FROM events').pluck().get() as number, db.prepare('SELECT max(ts) FROM events').pluck().get() as number];
  // The busiest scanner of the latest day's busiest port: the address a user clicks first.
  const [top, second] = db.prepare('SELECT port, proto FROM port_day WHERE day = ? ORDER BY events DESC LIMIT 2').all(last) as { port: number; proto: string }[];
  db.close();
  const day = dayLabel(last);
  const servers: { name: string; s: Serve }[] = [];
  if (base) {
    const start = (require(path.resolve(base, 'src/serve/server.js')) as { startServe: Start }).startServe;
    servers.push({ name: 'base', s: await start({ dbFile: file, listen: '127.0.0.1:0' }) });
  }
  servers.push({ name: 'this', s: await startServe({ dbFile: file, listen: '127.0.0.1:0' }) });
  const mine = servers[servers.length - 1].s;
  const u = (p: string) => new URL(p, mine.url).href;
  const scanners = ((await (await fetch(u(`/api/events?date=${day}&class=scan&port=${top.port}&proto=${top.proto}&group=src&limit=5`))).json()) as { groups: { value: string }[] }).groups.map((g) => String(g.value));
  const scanner = scanners[0];
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
  if (base) say(`base: the serve of ${base}; this: the serve of this build (each question asked of both in turn)`);
  say('');
  say('Just started:');
  say('');
  try {
    await table(servers, questions, runs, say);
    if (ahead > 0) {
      // Questions nobody asked yet, once the read threads had time to work ahead.
      await new Promise((r) => setTimeout(r, ahead * 1000));
      const other = scanners[scanners.length - 1];
      say('');
      say(`After ${ahead} s idle, questions not asked before (load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}):`);
      say('');
      await table(servers, [
        ['overview, 3 days before', `/api/overview?date=${dayLabel(last - 3)}`],
        ['overview, 5 days before', `/api/overview?date=${dayLabel(last - 5)}`],
        ['another address, one day', `/api/ip/${other}?from=${dayLabel(last - 1)}`],
        ['another address, 7 days', `/api/ip/${other}?from=${dayLabel(last - 7)}&to=${dayLabel(last - 1)}`],
        [`port ${second.port}: top sources of the day before`, `/api/port/${second.port}/sources?date=${dayLabel(last - 1)}`],
        [`explorer: distinct sources of port ${second.port}, the day before`, `/api/events?date=${dayLabel(last - 1)}&class=scan&port=${second.port}&proto=${second.proto}&group=src`],
        ['daily report of the day before (JSON)', `/api/reports/daily?date=${dayLabel(last - 1)}&format=json`],
      ], runs, say);
    }
    if (fs.existsSync(CHROMIUM) && !base) await pages(mine.url, day, top.port, scanner, say);
    else if (!base) say(`\n(${CHROMIUM} not installed: page load times skipped)`);
  } finally {
    for (const { s } of servers) await s.close();
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
