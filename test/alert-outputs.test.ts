import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AlertOutputs, Webhook, alertDocument, alertLine, type AlertDocument } from '../src/act/alert-outputs';
import type { Alert } from '../src/contract/alert';
import { tempDir } from './helpers/db';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 1, kind: 'worm', host: '192.168.1.50', port: 445, proto: 'tcp', first: Date.UTC(2024, 5, 14, 14, 2), last: Date.UTC(2024, 5, 14, 14, 3),
  destinations: 30, events: 31, peak: 30, threshold: 25, windowS: 300, evidence: { firstLine: 'a', lastLine: 'b' }, ...over,
});

/** A local HTTP server (127.0.0.1, ephemeral port) that records JSON bodies; `fail` answers 500. */
function server(): Promise<{ url: string; got: AlertDocument[]; fail: { on: boolean }; close: () => Promise<void> }> {
  const got: AlertDocument[] = [];
  const fail = { on: false };
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (fail.on) {
        res.writeHead(500).end();
        return;
      }
      got.push(JSON.parse(body) as AlertDocument);
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`, got, fail, close: () => new Promise((r) => { s.close(() => r()); s.closeAllConnections(); }) }),
    ),
  );
}

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('alert outputs', () => {
  test('webhook delivers the alert as JSON', async () => {
    const srv = await server();
    const hook = new Webhook(srv.url, { baseDelayMs: 20 });
    hook.send(alertDocument(alert(), 'opened'));
    await waitFor(() => srv.got.length === 1 && hook.stats.sent === 1);
    expect(srv.got[0]).toMatchObject({ id: 1, status: 'opened', kind: 'worm', host: '192.168.1.50', destinations: 30, first: '2024-06-14T14:02:00.000Z' });
    expect(hook.stats).toMatchObject({ sent: 1, failed: 0, dropped: 0 });
    await srv.close();
  });

  test('webhook retries with backoff while the server fails, without blocking the caller', async () => {
    const srv = await server();
    srv.fail.on = true;
    const hook = new Webhook(srv.url, { baseDelayMs: 30, maxAttempts: 10 });
    hook.send(alertDocument(alert(), 'opened'));
    // send() returned before any delivery attempt finished: ingest never waits for the network.
    expect(hook.stats).toMatchObject({ sent: 0, failed: 0, queued: 1 });
    await waitFor(() => hook.stats.failed >= 2);
    expect(srv.got).toHaveLength(0);
    srv.fail.on = false;
    await waitFor(() => srv.got.length === 1 && hook.stats.sent === 1);
    expect(hook.stats.sent).toBe(1);
    expect(hook.stats.failed).toBeGreaterThanOrEqual(2);
    await srv.close();
  });

  test('webhook to a server that is down: failures counted, gives up after the last attempt', async () => {
    const srv = await server();
    const url = srv.url;
    await srv.close(); // nothing listens there now
    const hook = new Webhook(url, { baseDelayMs: 10, maxAttempts: 3, timeoutMs: 500 });
    hook.send(alertDocument(alert(), 'opened'));
    await waitFor(() => hook.stats.dropped === 1);
    expect(hook.stats).toMatchObject({ sent: 0, failed: 3, dropped: 1, queued: 0 });
    expect(() => new Webhook('file:///etc/passwd')).toThrow(/http/);
  });

  test('outputs: opened, then at most one update a minute unless the level rises; JSON Lines file', () => {
    const file = path.join(tempDir(), 'alerts.jsonl');
    const lines: string[] = [];
    const out = new AlertOutputs({ console: (l) => lines.push(l), jsonFile: file });
    out.publish([alert()]);
    out.publish([alert({ destinations: 31 })]); // same minute: quiet
    out.publish([alert({ id: 2, kind: 'vertical-scan', host: '198.51.100.7', port: 0, level: 2 })]);
    out.publish([alert({ id: 2, kind: 'vertical-scan', host: '198.51.100.7', port: 0, level: 3 })]); // level rose
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ALERT new worm-like outbound volume: 192\.168\.1\.50 reached 30 outside hosts on tcp\/445/);
    expect(lines[2]).toMatch(/ALERT continues \[danger 3\/5\] vertical port scan: 198\.51\.100\.7/);
    const docs = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => [d.id, d.status])).toEqual([[1, 'opened'], [2, 'opened'], [2, 'updated']]);
  });

  test('a console line never carries control characters from a log', () => {
    const doc = alertDocument(alert({ host: 'evil\x1b[2Jhost' }), 'opened');
    expect(alertLine(doc)).not.toMatch(/\x1b/);
  });
});
