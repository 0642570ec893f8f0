/**
 * `portledger serve` without a browser: the JSON API over a real socket on a fixture database
 * whose counts are written out by hand, the security headers, authentication and CSRF, trust
 * and triage through the API, the live stream, and the start-up errors. Uses the build (the
 * server's worker threads run compiled code).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { startServe, type RunningServe } from '../src/serve/server';
import { closeDb, openDb, openReadOnly } from '../src/store/db';
import { portsReport } from '../reports/queries';
import { EXPECTED_PORTS, TRUSTED_CANDIDATE, fixtureDb, sleep } from './helpers/serve';
import { inboundLine, ingest, tempDir } from './helpers/db';
import { buildMmdb } from './helpers/mmdb-writer';

const built = fs.existsSync(path.join(packageRoot(), 'dist', 'src', 'serve', 'worker.js'));
const maybe = built ? describe : describe.skip;
const TOKEN = 'test-token-0123456789abcdef';

interface Json { [k: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

async function json(s: RunningServe, p: string, init: RequestInit = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const r = await fetch(new URL(p, s.url), init);
  const text = await r.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = { text };
  }
  return { status: r.status, body, headers: r.headers };
}

async function csrf(s: RunningServe, headers: Record<string, string> = {}): Promise<string> {
  return (await json(s, '/api/session', { headers })).body.csrf as string;
}

function post(s: RunningServe, p: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }> {
  return json(s, p, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

maybe('serve: the JSON API on a loopback server', () => {
  jest.setTimeout(60_000);
  let s: RunningServe;
  let file: string;

  beforeAll(async () => {
    ({ file } = await fixtureDb());
    s = await startServe({ dbFile: file, listen: '127.0.0.1:0', pollMs: 200 });
  });
  afterAll(async () => {
    await s?.close();
  });

  test('the overview shows the per-port numbers of the fixture, as the port report counts them', async () => {
    const { status, body } = await json(s, '/api/overview');
    expect(status).toBe(200);
    expect(body.date).toBe('2024-06-14');
    expect(body.ports.rows.map((r: Json) => ({ port: r.port, proto: r.proto, events: r.events, sources: r.sources, targets: r.targets }))).toEqual(EXPECTED_PORTS);
    expect(body.totals).toMatchObject({ scans: 10, sources: 6, targets: 1, ports: 3 });
    expect(body.totals.classes).toMatchObject({ scan: 10, late: 1, outbound: 30 });
    // Unique sources per hour: 09 (.3), 10 (.1), 11 (.2, .50), 12 (.1, .4), 13 (.5).
    expect(body.hours.sources.slice(9, 14)).toEqual([1, 1, 2, 2, 1]);
    // 23/tcp against the one day before with data (2 scans): up ×3; no "×∞" anywhere.
    expect(body.baselineDays).toBe(1);
    expect(body.ports.rows[0]).toMatchObject({ baseline: 2, ratio: 3, trend: 'up', spike: false });
    expect(body.ports.rows[1]).toMatchObject({ baseline: 0, ratio: null, trend: 'new' });
    const db = openReadOnly(file);
    try {
      expect(portsReport(db, { from: '2024-06-14', to: '2024-06-14' }).map(({ date: _d, ...r }) => r)).toEqual(EXPECTED_PORTS);
    } finally {
      db.close();
    }
  });

  test('the first day of a database has no trend and no spike', async () => {
    const { body } = await json(s, '/api/overview?date=2024-06-13');
    expect(body.baselineDays).toBe(0);
    expect(body.ports.rows[0]).toMatchObject({ port: 23, events: 2, baseline: null, ratio: null, trend: 'none', spike: false });
  });

  test('every count links to what it counts: the explorer lists the same events and sources', async () => {
    const ev = await json(s, '/api/events?date=2024-06-14&class=scan&port=23&proto=tcp');
    expect(ev.body.total).toBe(6);
    expect(ev.body.events).toHaveLength(6);
    const src = await json(s, '/api/events?date=2024-06-14&class=scan&port=23&proto=tcp&group=src');
    expect(src.body.total).toBe(4);
    expect(src.body.groups[0]).toMatchObject({ value: '198.51.100.1', events: 3 });
    const hour = await json(s, '/api/events?date=2024-06-14&class=scan&hour=11');
    expect(hour.body.total).toBe(2);
    expect((await json(s, '/api/events?date=2024-06-14&port=99999')).status).toBe(400);
  });

  test('port and address pages', async () => {
    const p = await json(s, '/api/port/445');
    expect(p.status).toBe(200);
    expect(p.body.entry.name).toMatch(/SMB/);
    expect(p.body.daily.labels).toHaveLength(30);
    expect(p.body.daily.series).toEqual([expect.objectContaining({ proto: 'tcp', events: [...new Array(29).fill(0), 3] })]);
    expect(p.body.hourly.series[0].sources[12]).toBe(2);
    const top = await json(s, '/api/port/445/sources');
    expect(top.body).toMatchObject({ date: '2024-06-14', sources: 2 });
    expect(top.body.top[0]).toMatchObject({ src: '198.51.100.4', events: 2 });
    const ip = await json(s, `/api/ip/198.51.100.1?from=2024-06-13&to=2024-06-14`);
    expect(ip.body.asSource.events).toBe(4);
    expect(ip.body.range).toEqual({ from: '2024-06-13', to: '2024-06-14' });
    expect((await json(s, '/api/ip/not-an-ip')).status).toBe(400);
  });

  test('security headers: a strict CSP on pages and API, no inline script or style allowed', async () => {
    for (const p of ['/', '/api/overview', '/port/23', '/static/app.js']) {
      const r = await fetch(new URL(p, s.url));
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
    const html = await (await fetch(s.url)).text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|style=/);
  });

  test('reports download, and the HTML report is sandboxed', async () => {
    const r = await fetch(new URL('/api/reports/daily?date=2024-06-14&format=html&view=1', s.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('inline; filename="portledger-2024-06-14.html"');
    expect(r.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(await r.text()).toContain('Attacks on 2024-06-14');
    const csv = await fetch(new URL('/api/reports/daily?date=2024-06-14&format=csv&part=sources', s.url));
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="portledger-2024-06-14-sources.csv"');
    expect(await csv.text()).toMatch(/^ip,events/);
  });

  test('no path from a URL to the filesystem', async () => {
    for (const p of ['/static/../package.json', '/static/%2e%2e%2fpackage.json', '/static/..%2F..%2Fpackage.json', '/static/style.css/../../schema/001_init.sql']) {
      const r = await fetch(new URL(p, s.url));
      expect(r.status).toBe(404);
      expect(await r.text()).not.toMatch(/"name": "portledger"|CREATE TABLE/);
    }
  });

  test('a foreign Host header is refused (DNS rebinding)', async () => {
    const status = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1', () => sock.write('GET /api/overview HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('end', () => resolve(data.split('\r\n')[0]));
      sock.on('error', reject);
    });
    expect(status).toMatch(/ 421 /);
  });

  test('trusting a source through the API takes it out of the per-port table; untrusting brings it back', async () => {
    const token = await csrf(s);
    const h = { 'X-CSRF-Token': token, Origin: s.url.replace(/\/$/, '') };
    const t = await post(s, '/api/trust', { cidr: TRUSTED_CANDIDATE, note: 'our monitoring', days: 7 }, h);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ cidr: `${TRUSTED_CANDIDATE}/32`, events: 2 });
    const o = await json(s, '/api/overview');
    expect(o.body.ports.rows[0]).toMatchObject({ port: 23, events: 5, sources: 3 });
    expect(o.body.totals).toMatchObject({ scans: 9, sources: 5 });
    const ip = await json(s, `/api/ip/${TRUSTED_CANDIDATE}?from=2024-06-14`);
    expect(ip.body.trusted[0]).toMatchObject({ cidr: `${TRUSTED_CANDIDATE}/32`, note: 'our monitoring' });
    expect(ip.body.trusted[0].expires).toMatch(/^\d{4}-/);
    const u = await post(s, '/api/trust/remove', { cidr: TRUSTED_CANDIDATE }, h);
    expect(u.status).toBe(200);
    expect((await json(s, '/api/overview')).body.ports.rows[0]).toMatchObject({ port: 23, events: 6, sources: 4 });
  });

  test('acknowledging an alert closes it, with the note, who and how', async () => {
    const open = await json(s, '/api/alerts');
    expect(open.body.counts).toEqual({ open: 1, closed: 0 });
    const id = open.body.rows[0].id as number;
    const r = await post(s, `/api/alerts/${id}`, { action: 'close', note: 'the NAS, patched', by: 'ana' }, { 'X-CSRF-Token': await csrf(s) });
    expect(r.status).toBe(200);
    expect((await json(s, '/api/alerts')).body.counts).toEqual({ open: 0, closed: 1 });
    const d = await json(s, `/api/alerts/${id}`);
    expect(d.body.status).toBe('closed');
    expect(d.body.notes).toEqual([expect.objectContaining({ action: 'close', by: 'ana', via: 'loopback 127.0.0.1', note: 'the NAS, patched' })]);
    expect((await post(s, '/api/alerts/99999', { action: 'close' }, { 'X-CSRF-Token': await csrf(s) })).status).toBe(404);
  });

  test('state changes need the CSRF token and refuse other origins', async () => {
    const good = await csrf(s);
    expect((await post(s, '/api/trust', { cidr: '198.51.100.77' }, {})).status).toBe(403);
    expect((await post(s, '/api/trust', { cidr: '198.51.100.77' }, { 'X-CSRF-Token': 'forged' })).status).toBe(403);
    expect((await post(s, '/api/trust', { cidr: '198.51.100.77' }, { 'X-CSRF-Token': good, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(s, '/api/trust', { cidr: '198.51.100.77' }, { 'X-CSRF-Token': good, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // A form post (what a cross-site page can send without a preflight) is not JSON.
    const form = await json(s, '/api/trust', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': good }, body: 'cidr=198.51.100.77' });
    expect(form.status).toBe(415);
    expect((await json(s, `/api/ip/198.51.100.77`)).body.trusted).toEqual([]);
  });

  test('the live stream says hello, then pushes new events and the counts they change', async () => {
    const ac = new AbortController();
    const r = await fetch(new URL('/api/live', s.url), { signal: ac.signal });
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = r.body!.getReader();
    let buf = '';
    const next = async (event: string, ms: number): Promise<Json | undefined> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const m = new RegExp(`event: ${event}\\ndata: (.*)\\n`).exec(buf);
        if (m) {
          buf = buf.slice(m.index + m[0].length);
          return JSON.parse(m[1]) as Json;
        }
        const chunk = await Promise.race([reader.read(), sleep(end - Date.now()).then(() => undefined)]);
        if (!chunk || chunk.done) break;
        buf += new TextDecoder().decode(chunk.value);
      }
      return undefined;
    };
    try {
      expect(await next('hello', 5000)).toHaveProperty('lastId');
      const db = openDb(file);
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'more.log'), inboundLine('Jun 14 18:00:00', '198.51.100.200', 8080) + '\n');
      const t0 = Date.now();
      await ingest(db, [path.join(dir, 'more.log')], { tz: 'UTC', year: 2024 });
      closeDb(db);
      // Updates also come on their own (the day's summary, once a second): wait for the one that
      // carries the new event. How fast it comes is measured by bench/serve-live.ts, not here.
      // The event and the counts may come in two updates (the summary is throttled to once a second).
      let u: Json | undefined;
      let seen = false;
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        u = await next('update', until - Date.now());
        if (!u) break;
        seen ||= (u.events as Json[]).some((e: Json) => e.src === '198.51.100.200');
        if (seen && u.overview?.ports.rows.some((p: Json) => p.port === 8080)) break;
      }
      expect(u).toBeDefined();
      process.stderr.write(`live: new event pushed after ${Date.now() - t0} ms\n`);
      expect(seen).toBe(true);
      expect(u!.overview.ports.rows.find((p: Json) => p.port === 8080)).toMatchObject({ events: 1, sources: 1 });
    } finally {
      ac.abort();
    }
  });
});

maybe('serve: beyond loopback', () => {
  jest.setTimeout(60_000);
  let file: string;
  beforeAll(async () => {
    ({ file } = await fixtureDb());
  });

  test('binding anything but loopback without a token is refused', async () => {
    await expect(startServe({ dbFile: file, listen: '0.0.0.0:0' })).rejects.toThrow(/give --token or --token-file/);
    await expect(startServe({ dbFile: file, listen: '0.0.0.0:0', token: 'short' })).rejects.toThrow(/at least 16 characters/);
  });

  test('with a token: 401 without it; bearer and login cookie work; a forged cross-site POST is refused', async () => {
    const s = await startServe({ dbFile: file, listen: '0.0.0.0:0', token: TOKEN });
    try {
      const page = await fetch(new URL('/', s.url));
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('Access token');
      expect((await json(s, '/api/overview')).status).toBe(401);
      expect((await json(s, '/api/live')).status).toBe(401);
      expect((await json(s, '/api/overview', { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await json(s, '/api/overview', { headers: { Authorization: `Bearer ${TOKEN}` } })).body.date).toBe('2024-06-14');
      // The static files carry no data: the login page needs its stylesheet.
      expect((await fetch(new URL('/static/style.css', s.url))).status).toBe(200);

      const bad = await fetch(new URL('/login', s.url), { method: 'POST', body: new URLSearchParams({ token: 'nope', next: '/' }), redirect: 'manual' });
      expect(bad.status).toBe(401);
      const login = await fetch(new URL('/login', s.url), { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '/alerts' }), redirect: 'manual' });
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/alerts');
      const cookie = login.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const session = cookie.split(';')[0];
      expect((await json(s, '/api/overview', { headers: { Cookie: session } })).status).toBe(200);
      // A page elsewhere making the browser post with its cookie: no CSRF token, another origin.
      const forged = await post(s, '/api/trust', { cidr: '198.51.100.1' }, { Cookie: session, Origin: 'https://evil.example' });
      expect(forged.status).toBe(403);
      const noToken = await post(s, '/api/trust', { cidr: '198.51.100.1' }, { Cookie: session });
      expect(noToken.status).toBe(403);
      // The loopback CSRF token is not this session's.
      const other = await post(s, '/api/trust', { cidr: '198.51.100.1' }, { Cookie: session, 'X-CSRF-Token': 'x'.repeat(43) });
      expect(other.status).toBe(403);
      const t = await csrf(s, { Cookie: session });
      const ok = await post(s, '/api/alerts/1', { action: 'note', note: 'seen', by: 'bo' }, { Cookie: session, 'X-CSRF-Token': t });
      expect(ok.status).toBe(200);
      expect((await json(s, '/api/alerts/1', { headers: { Cookie: session } })).body.notes[0]).toMatchObject({ by: 'bo', via: 'cookie 127.0.0.1' });
      // A redirect after login never leaves the site.
      const away = await fetch(new URL('/login', s.url), { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '//evil.example/' }), redirect: 'manual' });
      expect(away.headers.get('location')).toBe('/');
    } finally {
      await s.close();
    }
  });

  test('the API is rate limited', async () => {
    const s = await startServe({ dbFile: file, listen: '127.0.0.1:0' });
    try {
      const token = await csrf(s);
      const codes: number[] = [];
      for (let i = 0; i < 62; i++) codes.push((await post(s, '/api/alerts/99999', { action: 'note', note: 'x' }, { 'X-CSRF-Token': token })).status);
      expect(codes.slice(0, 60).every((c) => c === 404)).toBe(true);
      expect(codes.at(-1)).toBe(429);
    } finally {
      await s.close();
    }
  });

  test('country and ASN on address pages when a GeoIP database is configured', async () => {
    const dir = tempDir();
    const mmdb = path.join(dir, 'GeoLite2-ASN.mmdb');
    fs.writeFileSync(mmdb, buildMmdb([['198.51.100.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Example <b>Transit</b>' }]], { databaseType: 'GeoLite2-ASN' }));
    await expect(startServe({ dbFile: file, listen: '127.0.0.1:0', geoip: [path.join(dir, 'none.mmdb')] })).rejects.toThrow(/--geoip .*none\.mmdb: no such file/);
    const s = await startServe({ dbFile: file, listen: '127.0.0.1:0', geoip: [mmdb] });
    try {
      const r = await json(s, '/api/ip/198.51.100.1?from=2024-06-14');
      expect(r.body.geoip).toEqual([{ file: mmdb, type: 'GeoLite2-ASN', found: true, asn: 64500, asOrg: 'Example <b>Transit</b>' }]);
    } finally {
      await s.close();
    }
  });

  test('a port in use and an address this host does not have are clear errors', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startServe({ dbFile: file, listen: `127.0.0.1:${port}` })).rejects.toThrow(/the port is in use/);
    } finally {
      blocker.close();
    }
    await expect(startServe({ dbFile: file, listen: '192.0.2.1:8514', token: TOKEN })).rejects.toThrow(/this host has no such address/);
    await expect(startServe({ dbFile: file, listen: '127.0.0.1:99999' })).rejects.toThrow(/not a number from 0 to 65535/);
    await expect(startServe({ dbFile: path.join(tempDir(), 'none.db') })).rejects.toThrow(/no database at/);
  });
});
