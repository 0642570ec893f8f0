/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): the Overview's
 * numbers, a line appended to a watched file appearing live (and again after the server
 * restarted), trust from an address page, closing an alert, markup from logs staying text, the
 * CSP and no violation of it, and a non-loopback dashboard refusing strangers and a forged
 * cross-site request. Skips with a message when /usr/bin/chromium is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageRoot } from '../src/util/package-root';
import { startServe, type RunningServe } from '../src/serve/server';
import { EXPECTED_PORTS, HOSTILE_HOST, HOSTILE_RULE, TRUSTED_CANDIDATE, fixtureDb, sleep } from './helpers/serve';
import { inboundLine, tempDir } from './helpers/db';

const CHROMIUM = '/usr/bin/chromium';
const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const ready = fs.existsSync(CHROMIUM) && fs.existsSync(CLI);
const suite = ready ? describe : describe.skip;
const TOKEN = 'browser-token-0123456789abcdef';

/** A page that records dialogs (an executed alert()), CSP violations and script errors. */
/**
 * The text of `selector` once it matches `want`, or as it is after `ms`: a page may redraw
 * (a live update after a change reloads what it shows), so one read can fall between draws.
 */
async function textWhen(page: Page, selector: string, want: RegExp | string, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = await page.locator(selector).innerText().catch(() => '');
    if (typeof want === 'string' ? text.includes(want) : want.test(text)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return text;
}

async function open(browser: Browser, width = 1280): Promise<{ page: Page; dialogs: string[]; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, dialogs, problems };
}

suite(ready ? 'dashboard in headless Chromium' : `dashboard in headless Chromium: skipped, ${CHROMIUM} is not installed (apt-get install chromium) or the build is missing`, () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  let s: RunningServe;
  let file: string;

  beforeAll(async () => {
    ({ file } = await fixtureDb());
    s = await startServe({ dbFile: file, listen: '127.0.0.1:0', pollMs: 250 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  test.each([
    ['desktop', 1280],
    ['phone', 390],
  ])('%s: the Overview shows the per-port numbers, its charts, and the CSP holds', async (_name, width) => {
    const { page, dialogs, problems } = await open(browser, width);
    try {
      const res = await page.goto(s.url, { waitUntil: 'load' });
      expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await page.locator('#ports tbody tr').first().waitFor();
      const rows = await page.$$eval('#ports tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      expect(rows.map((r) => ({ port: Number(r[0]), proto: r[1], events: Number(r[3]), sources: Number(r[4]), targets: Number(r[5]) }))).toEqual(EXPECTED_PORTS);
      expect(await page.locator('#totals').innerText()).toMatch(/10\s+inbound scans/);
      // Numbers link to what they count.
      expect(await page.locator('#ports tbody tr').first().locator('a').nth(2).getAttribute('href')).toBe('/events?date=2024-06-14&class=scan&port=23&proto=tcp&group=src');
      // The charts drew on canvas, at the page's width, and nothing scrolls sideways.
      for (const id of ['#chart-hours', '#chart-heat']) {
        const box = await page.locator(`${id} canvas`).first().boundingBox();
        expect(box!.width).toBeGreaterThan(Math.min(300, width - 80));
        expect(box!.height).toBeGreaterThan(150);
      }
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.locator('#live.on').waitFor({ timeout: 5000 });
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('markup in a host name, a rule name and a reject sample stays text', async () => {
    const { page, dialogs, problems } = await open(browser);
    try {
      await page.goto(new URL('/events?date=2024-06-14&class=scan&port=23&proto=tcp', s.url).href);
      await page.locator('#results tbody tr').first().waitFor();
      const text = await page.locator('#results').innerText();
      expect(text).toContain(HOSTILE_HOST);
      expect(text).toContain(HOSTILE_RULE);
      await page.goto(new URL('/sources', s.url).href);
      await page.locator('tr', { hasText: 'fw.log' }).locator('button.linkish').click();
      await page.locator('#source-detail pre').first().waitFor();
      expect(await page.locator('#source-detail').innerText()).toContain(HOSTILE_RULE);
      expect(await page.locator('main img, main script, [onerror]').count()).toBe(0);
      await sleep(300);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('trusting a source from its address page removes it from the per-port table', async () => {
    const { page, problems } = await open(browser);
    try {
      await page.goto(new URL(`/ip/${TRUSTED_CANDIDATE}?from=2024-06-14`, s.url).href);
      await page.locator('#trust-note').fill('our monitoring <b>service</b>');
      await page.locator('#trust-days').selectOption('7');
      await page.locator('#trust-form button').click();
      await page.locator('#trust-status .ok').waitFor({ timeout: 30_000 });
      expect(await page.locator('#trust-status').innerText()).toMatch(/Trusted 192\.0\.2\.50\/32: 2 past events/);
      await page.locator('text=Trusted by').waitFor();
      // The page redraws the address after the change: the note, shown as text, once drawn.
      expect(await textWhen(page, 'main', 'our monitoring <b>service</b>')).toContain('our monitoring <b>service</b>');
      await page.goto(s.url);
      await page.locator('#ports tbody tr').first().waitFor();
      const first = await page.$eval('#ports tbody tr', (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
      expect(first.slice(0, 6)).toEqual(['23', 'tcp', 'Telnet', '5', '3', '1']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('acknowledging an alert moves it to closed', async () => {
    const { page, problems } = await open(browser);
    try {
      await page.goto(new URL('/alerts', s.url).href);
      await page.locator('main tbody tr a').first().click();
      await page.locator('#close-alert').waitFor();
      await page.locator('#triage-note').fill('the NAS; cleaned and patched');
      await page.locator('#triage-by').fill('ana');
      await page.locator('#close-alert').click();
      await page.locator('#reopen-alert').waitFor();
      expect(await page.locator('#alert-status').innerText()).toMatch(/^closed/);
      const history = /close\s+ana\s+loopback 127\.0\.0\.1\s+the NAS; cleaned and patched/;
      expect(await textWhen(page, 'main', history)).toMatch(history);
      await page.goto(new URL('/alerts', s.url).href);
      await page.locator('text=No open alert.').waitFor();
      expect(await page.locator('.tabs').innerText()).toMatch(/Open \(0\)\s+Closed \(1\)/);
      await page.goto(new URL('/alerts?status=closed', s.url).href);
      await page.locator('main tbody tr').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('main tbody tr').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

suite(ready ? 'dashboard live beside watch, across a restart' : 'dashboard live: skipped', () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await browser?.close();
  });

  /** `watch --serve` as a user runs it; resolves with the dashboard's URL. */
  function watchServe(dir: string, listen: string): Promise<{ p: ChildProcess; url: string }> {
    const p = spawn(process.execPath, [CLI, 'watch', path.join(dir, 'fw.log'), '--db', path.join(dir, 'w.db'), '--tz', 'UTC', '--year', '2024', '--quiet', '--serve', listen], { stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(p);
    return new Promise((resolve, reject) => {
      let err = '';
      p.stderr!.on('data', (d) => {
        err += d;
        const m = /dashboard on (http:\/\/\S+)/.exec(err);
        if (m) resolve({ p, url: m[1] });
      });
      p.once('exit', (code) => reject(new Error(`watch exited ${code}: ${err}`)));
    });
  }

  test('a line appended to a watched file shows up within 2 s, and again after the server restarted', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, inboundLine('Jun 14 09:00:00', '198.51.100.10', 22) + '\n');
    let { p, url } = await watchServe(dir, '127.0.0.1:0');
    const port = new URL(url).port;
    const { page, problems } = await open(browser);
    try {
      await page.goto(url);
      await page.locator('#live.on').waitFor({ timeout: 10_000 });
      await page.locator('#feed', { hasText: '198.51.100.10' }).waitFor({ timeout: 10_000 });
      await sleep(1000); // chokidar ready

      fs.appendFileSync(log, inboundLine('Jun 14 09:30:00', '198.51.100.11', 3389) + '\n');
      const t0 = Date.now();
      await page.locator('#feed', { hasText: '198.51.100.11' }).waitFor({ timeout: 5000 });
      const took = Date.now() - t0;
      expect(took).toBeLessThan(2000);
      await page.locator('#ports tbody tr', { hasText: '3389' }).waitFor({ timeout: 2000 });

      // The server goes away and comes back on the same port: the page reconnects by itself.
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
      await page.locator('#live.off').waitFor({ timeout: 10_000 });
      ({ p } = await watchServe(dir, `127.0.0.1:${port}`));
      await page.locator('#live.on').waitFor({ timeout: 15_000 });
      await sleep(1000);
      fs.appendFileSync(log, inboundLine('Jun 14 10:00:00', '198.51.100.12', 5900) + '\n');
      await page.locator('#feed', { hasText: '198.51.100.12' }).waitFor({ timeout: 5000 });
      expect(problems.filter((m) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(m))).toEqual([]);
      process.stderr.write(`live: appended line on the page after ${took} ms\n`);
    } finally {
      await page.close();
      p.kill('SIGTERM');
    }
  });
});

suite(ready ? 'dashboard beyond loopback' : 'dashboard beyond loopback: skipped', () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  let s: RunningServe;
  let evil: http.Server;
  let evilUrl: string;

  beforeAll(async () => {
    const { file } = await fixtureDb();
    s = await startServe({ dbFile: file, listen: '0.0.0.0:0', token: TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    // Another site, open in the same browser, that tries to make it trust a scanner.
    evil = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><form id="f" method="post" action="${s.url}api/trust" enctype="text/plain"><input name='{"cidr":"198.51.100.1","x":"' value='"}'></form>
<script>
fetch(${JSON.stringify(s.url + 'api/trust')}, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"cidr":"198.51.100.1"}' })
  .finally(() => document.getElementById('f').submit());
</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    evilUrl = `http://localhost:${(evil.address() as { port: number }).port}/`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    evil?.close();
  });

  test('without the token: 401 and the login form; a forged cross-site POST does not trust anything', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const res = await page.goto(s.url);
      expect(res!.status()).toBe(401);
      await page.locator('#token').fill(TOKEN);
      await page.locator('form button').click();
      await page.locator('#ports tbody tr').first().waitFor();
      // Logged in; now another site, in the same browser, sends its forged requests.
      const other = await context.newPage();
      const posts: number[] = [];
      other.on('response', (r) => r.url().startsWith(s.url) && posts.push(r.status()));
      await other.goto(evilUrl);
      await sleep(1500);
      await other.close();
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.every((st) => st === 401 || st === 403)).toBe(true);
      const trusted = await (await fetch(new URL('/api/trust', s.url), { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
      expect(trusted).toEqual({ trusted: [] });
    } finally {
      await context.close();
    }
  });
});
