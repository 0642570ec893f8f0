/**
 * What the dashboard writes and caches, below the server: alert triage, trust with an expiry,
 * and the day totals kept in memory (caught up as events arrive, recounted after a trust change).
 */
import fs from 'node:fs';
import path from 'node:path';
import { count, freshDb, inboundLine, ingest } from './helpers/db';
import { triageAlert } from '../src/store/alert-triage';
import { addTrusted, expireTrusted, listTrusted, loadTrusted } from '../src/store/trust-store';
import { DayTotalsCache } from '../reports/day-totals';
import { overview } from '../reports/overview';
import { alertDetail, alertsInbox } from '../reports/alerts-inbox';
import { dayNumber } from '../src/store/rollups/buckets';
import { fixtureLines } from './helpers/serve';

async function fixture() {
  const { db, dir } = freshDb();
  const file = path.join(dir, 'fw.log');
  fs.writeFileSync(file, fixtureLines().join('\n') + '\n');
  await ingest(db, [file], { tz: 'UTC', year: 2024 });
  return { db, dir };
}

describe('alert triage', () => {
  test('close, note, reopen: status and the history with who, how and when', async () => {
    const { db } = await fixture();
    const id = alertsInbox(db).rows[0].id;
    expect(triageAlert(db, id, 'close', { by: '  ana ', via: 'loopback 127.0.0.1' }, 'patched')).toMatchObject({ id, status: 'closed' });
    expect(alertsInbox(db).counts).toEqual({ open: 0, closed: 1 });
    expect(alertsInbox(db, { status: 'closed' }).rows[0]).toMatchObject({ id, status: 'closed', updatedSinceClosed: false });
    triageAlert(db, id, 'note', { by: '', via: 'token 192.0.2.4' }, 'asked the owner');
    triageAlert(db, id, 'reopen', { by: 'bo', via: 'cookie 192.0.2.5' });
    expect(alertDetail(db, id)!.notes.map((n) => [n.action, n.by, n.via, n.note])).toEqual([
      ['close', 'ana', 'loopback 127.0.0.1', 'patched'],
      ['note', 'anonymous', 'token 192.0.2.4', 'asked the owner'],
      ['reopen', 'bo', 'cookie 192.0.2.5', null],
    ]);
    expect(alertsInbox(db).counts).toEqual({ open: 1, closed: 0 });
    expect(() => triageAlert(db, id, 'note', { by: 'x', via: 'y' }, '  ')).toThrow(/needs some text/);
    expect(() => triageAlert(db, 999, 'close', { by: 'x', via: 'y' })).toThrow(/no alert 999/);
  });

  test('a closed alert the detector updates afterwards is flagged', async () => {
    const { db } = await fixture();
    const id = alertsInbox(db).rows[0].id;
    triageAlert(db, id, 'close', { by: 'ana', via: 'test' }, undefined, 1000);
    db.prepare('UPDATE alerts SET updated = 2000 WHERE id = ?').run(id);
    expect(alertsInbox(db, { status: 'closed' }).rows[0].updatedSinceClosed).toBe(true);
  });
});

describe('trust with an expiry', () => {
  test('applies until it expires, then is removed retroactively', async () => {
    const { db } = await fixture();
    const now = Date.now();
    expect(addTrusted(db, '192.0.2.50', 'for a week', { expires: now + 7 * 86_400_000, now }).events).toBe(2);
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'trusted'")).toBe(2);
    expect(expireTrusted(db, now + 86_400_000)).toEqual([]);
    expect(loadTrusted(db, now + 8 * 86_400_000)).toEqual([]); // past its expiry: no longer applied to new events
    expect(expireTrusted(db, now + 8 * 86_400_000)).toEqual([{ cidr: '192.0.2.50/32', events: 2 }]);
    expect(listTrusted(db)).toEqual([]);
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'trusted'")).toBe(0);
    expect(() => addTrusted(db, '192.0.2.50', undefined, { expires: now - 1, now })).toThrow(/must lie in the future/);
  });
});

describe('overview trends', () => {
  test('a busy port (on the page and a spike candidate) has its baseline counted once; a spike needs 3× and 10 scans', async () => {
    const { db, dir } = freshDb();
    const lines = [
      ...Array.from({ length: 4 }, (_, i) => inboundLine(`Jun 13 10:0${i}:00`, `198.51.100.${i + 1}`, 8443)),
      ...Array.from({ length: 12 }, (_, i) => inboundLine(`Jun 14 10:${String(i).padStart(2, '0')}:00`, `198.51.100.${i + 1}`, 8443)),
      ...Array.from({ length: 20 }, (_, i) => inboundLine(`Jun 14 11:${String(i).padStart(2, '0')}:00`, `198.51.100.${i + 1}`, 2222)),
    ];
    const file = path.join(dir, 'busy.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await ingest(db, [file], { tz: 'UTC', year: 2024 });
    const o = overview(db, new DayTotalsCache(db, 'UTC'), { date: '2024-06-14' });
    expect(o.ports.rows.map((r) => [r.port, r.events, r.baseline, r.ratio, r.trend, r.spike])).toEqual([
      [2222, 20, 0, null, 'new', true], // unseen in the days before, 20 scans: new, a spike (never "×∞")
      [8443, 12, 4, 3, 'up', false],
    ]);
    const more = path.join(dir, 'more.log');
    fs.writeFileSync(more, inboundLine('Jun 14 12:00:00', '198.51.100.99', 8443) + '\n');
    await ingest(db, [more], { tz: 'UTC', year: 2024 });
    const p = overview(db, new DayTotalsCache(db, 'UTC'), { date: '2024-06-14' });
    expect(p.spikes.map((r) => [r.port, r.events, r.ratio])).toEqual([[2222, 20, null], [8443, 13, 3.25]]);
  });
});

describe('day totals in memory', () => {
  test('counted once, caught up by new rows, recounted after a trust change', async () => {
    const { db, dir } = await fixture();
    const cache = new DayTotalsCache(db, 'UTC');
    const day = dayNumber('2024-06-14');
    const t = cache.get(day);
    expect(t).toMatchObject({ scans: 9, sources: 5, targets: 1, classes: { scan: 9, late: 1, outbound: 30 } });
    expect(t.hourSources.slice(10, 14)).toEqual([1, 2, 2, 1]);
    expect(cache.fullCounts).toBe(1);

    const more = path.join(dir, 'more.log');
    fs.writeFileSync(more, [inboundLine('Jun 14 10:30:00', '198.51.100.1', 23), inboundLine('Jun 14 22:00:00', '198.51.100.99', 8080)].join('\n') + '\n');
    await ingest(db, [more], { tz: 'UTC', year: 2024 });
    const u = cache.get(day);
    expect(u).toMatchObject({ scans: 11, sources: 6 });
    expect(u.hourSources[22]).toBe(1);
    expect(u.hourSources[10]).toBe(1); // the same source again in the same hour
    expect(cache.fullCounts).toBe(1); // caught up, not recounted

    addTrusted(db, '198.51.100.1');
    const v = cache.get(day);
    expect(v).toMatchObject({ scans: 6, sources: 5 });
    expect(cache.fullCounts).toBe(2);

    // Rows removed behind its back (a prune): the rollup disagrees and the day is counted again.
    db.prepare("DELETE FROM events WHERE src = '198.51.100.99'").run();
    db.prepare("UPDATE port_day SET events = events - 1 WHERE port = 8080").run();
    expect(cache.get(day)).toMatchObject({ scans: 5, sources: 4 });
    expect(cache.fullCounts).toBe(3);
  });
});

describe('alerts inbox: what every other alert output says', () => {
  test('a FIN scan shows its scan type with the nmap option, targets and ports counted, and when it was raised, in the database zone', async () => {
    const { db, dir } = freshDb();
    const file = path.join(dir, 'fin.log');
    const lines = Array.from({ length: 20 }, (_, i) => inboundLine(`Jun 14 10:00:${String(10 + i).padStart(2, '0')}`, '198.51.100.9', 1000 + i, 'FIN'));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await ingest(db, [file], { tz: 'Europe/Berlin', year: 2024 });
    const [row] = alertsInbox(db).rows;
    // 15 distinct ports meet the vertical threshold: raised on the 15th probe, at 10:00:24 Berlin time.
    expect(row).toMatchObject({ kind: 'vertical-scan', host: '198.51.100.9', scanType: 'FIN (-sF)', targets: 1, ports: 20, window: 'fast', raised: '2024-06-14T10:00:24+02:00' });
    expect(alertDetail(db, row.id)).toMatchObject({ scanType: 'FIN (-sF)', ports: 20, raised: '2024-06-14T10:00:24+02:00' });
  });
});
