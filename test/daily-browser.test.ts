/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): the charts
 * render, the page fits a phone, and log text that carries markup stays text. Screenshots go to
 * /tmp/portledger-daily-*.png for a look by eye.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freshDb, ingest } from './helpers/db';
import { buildReport } from '../reports/daily-data';
import { renderDailyHtml } from '../reports/daily-html';

const CHROMIUM = '/usr/bin/chromium';
const HOST = '<img src=x onerror=alert(1)>';
const RULE = '<script>alert(1)</script>';

function journald(iso: string, message: string): string {
  return JSON.stringify({ __REALTIME_TIMESTAMP: String(Date.parse(iso) * 1000), _HOSTNAME: HOST, SYSLOG_IDENTIFIER: 'kernel', MESSAGE: `${RULE} ${message}` });
}

/** The demo day plus lines whose host name and log prefix are markup, one of them a worm burst. */
async function reportFile(): Promise<string> {
  const { db, dir } = freshDb();
  const hostile = [
    journald('2024-06-14T09:00:00Z', 'IN=eth0 OUT= SRC=198.51.100.9 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0'),
    ...Array.from({ length: 30 }, (_, i) =>
      journald(`2024-06-14T16:00:${String(i).padStart(2, '0')}Z`, `IN=br0 OUT=eth0 SRC=192.168.1.66 DST=203.0.113.${100 + i} LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=1 DF PROTO=TCP SPT=50000 DPT=445 WINDOW=64240 RES=0x00 SYN URGP=0`),
    ),
  ];
  const log = path.join(dir, 'hostile.log');
  fs.writeFileSync(log, hostile.join('\n') + '\n');
  await ingest(db, [path.join(__dirname, '..', 'fixtures', 'demo', 'home-router.log'), log], { tz: 'UTC', year: 2024 });
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, renderDailyHtml(buildReport(db, '2024-06-14', '2024-06-14')));
  db.close();
  return file;
}

const haveChromium = fs.existsSync(CHROMIUM);
const suite = haveChromium ? describe : describe.skip;

suite(haveChromium ? 'daily report in headless Chromium' : `daily report in headless Chromium: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`, () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    file = await reportFile();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(width: number): Promise<{ page: Page; dialogs: string[]; requests: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, dialogs, requests };
  }

  test.each([
    ['phone', 390],
    ['desktop', 1280],
  ])('%s: charts render, nothing overflows, log markup stays text', async (name, width) => {
    const { page, dialogs, requests } = await open(width);
    try {
      const charts = await page.$$eval('figure svg', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          return { width: box.width, height: box.height, paths: s.querySelectorAll('path').length, texts: s.querySelectorAll('text').length };
        }),
      );
      expect(charts).toHaveLength(3);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(Math.min(300, width - 60));
        expect(c.height).toBeGreaterThan(150);
        expect(c.paths).toBeGreaterThan(10);
        expect(c.texts).toBeGreaterThan(5);
      }
      // Tables scroll inside their own box; the page itself never scrolls sideways.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);

      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img, [onerror], iframe, object, embed').count()).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toContain(HOST);
      expect(text).toContain(RULE);
      expect(await page.locator('#devices td', { hasText: HOST }).first().isVisible()).toBe(true);
      expect(await page.locator('#alerts pre', { hasText: RULE }).count()).toBe(2); // first and last line of the burst

      // The port rows link to their notes in the same file.
      expect(await page.locator('#ports a[href="#port-445"]').count()).toBe(1);
      expect(await page.locator('#port-445').textContent()).toContain('SMB');

      await page.screenshot({ path: `/tmp/portledger-daily-${name}.png`, fullPage: true });
      expect(dialogs).toEqual([]);
      expect(requests.every((u) => u === `file://${file}`)).toBe(true);
    } finally {
      await page.close();
    }
  }, 60_000);

  test('print layout keeps the charts and drops the navigation', async () => {
    const { page } = await open(800);
    try {
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav').isVisible()).toBe(false);
      const widths = await page.$$eval('figure svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
      expect(widths.every((w) => w > 200)).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    } finally {
      await page.close();
    }
  }, 60_000);
});
