/**
 * Raw lines travel from the compute half to the detectors as UTF-8 bytes with end offsets, and
 * detectors get an index into them: the text must come back exactly, across a thread boundary,
 * and the alerts must be the ones the same lines given as text produce.
 */
import { MessageChannel } from 'node:worker_threads';
import { RawLineTable, RawLineWriter, type RawLines } from '../src/contract/batch/raw-lines';
import { columnBuffers, Utf8ColumnReader, Utf8ColumnWriter } from '../src/contract/batch/utf8-column';
import { COL, NUMS, RowEncoder, RowReader } from '../src/contract/batch/codec';
import type { FirewallEvent } from '../parsers/types';
import { ScanDetector } from '../src/detectors/scan';
import { WormDetector } from '../src/detectors/worm';
import type { LineRef } from '../src/detectors/lines';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);

describe('raw line batches', () => {
  const lines = ['plain ascii', '', 'é à ü', 'emoji 🚀 and CJK 防火墙', 'x'.repeat(5000), 'tab\there'];

  test('every line reads back as written, across buffer growth and a second batch', () => {
    const w = new RawLineWriter(8); // tiny, so it has to grow
    lines.forEach((l, i) => w.add(i * 3, l));
    const first = w.take();
    expect(Array.from(first.rows)).toEqual([0, 3, 6, 9, 12, 15]);
    const t = new RawLineTable(first);
    expect(lines.map((_, i) => t.text(i))).toEqual(lines);
    w.add(7, 'second batch');
    const second = w.take();
    expect(Array.from(second.rows)).toEqual([7]);
    expect(new RawLineTable(second).text(0)).toBe('second batch');
    const empty = w.take();
    expect([empty.rows.length, empty.lines.ends.length, empty.lines.bytes.byteLength]).toEqual([0, 0, 0]);
  });

  test('short strings (copied by a loop while ASCII) are the bytes Buffer.from gives, whatever follows the ASCII', () => {
    const texts = ['203.0.113.7', '2001:db8::1', 'ab\u00e9cd', 'abc\ud800', 'x'.repeat(48), 'y'.repeat(47) + '\u20ac', '', '\u{1f680}z'];
    const w = new Utf8ColumnWriter(4);
    texts.forEach((t) => w.add(t));
    const col = w.take();
    expect(Buffer.from(col.bytes).toString('hex')).toBe(Buffer.concat(texts.map((t) => Buffer.from(t))).toString('hex'));
    expect(Array.from(col.ends)).toEqual(texts.map((_, i) => Buffer.byteLength(texts.slice(0, i + 1).join(''))));
  });

  test('transferred through a message port, the bytes are moved and read back whole', async () => {
    const w = new RawLineWriter();
    lines.forEach((l, i) => w.add(i, l));
    const raws = w.take();
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<RawLines>((resolve) => port2.once('message', resolve));
    port1.postMessage(raws, [raws.rows.buffer as ArrayBuffer, ...columnBuffers(raws.lines)]);
    const back = await got;
    port1.close();
    expect(raws.lines.bytes.byteLength).toBe(0); // moved, not copied
    const t = new RawLineTable(back);
    expect(lines.map((_, i) => t.text(i))).toEqual(lines);
  });

  test('a batch hands over buffers of exactly its bytes, its own: the writer reuses its buffer for the next', () => {
    const w = new Utf8ColumnWriter(8);
    const big = ['x'.repeat(3000), 'é'.repeat(100), '203.0.113.9'];
    big.forEach((t) => w.add(t));
    const first = w.take();
    const bytes = Buffer.byteLength(big.join(''));
    // The whole ArrayBuffer is what a transfer moves: no slack from the writer's growth.
    expect([first.bytes.byteOffset, first.bytes.buffer.byteLength, first.ends.buffer.byteLength]).toEqual([0, bytes, 3 * 4]);
    w.add('198.51.100.1');
    const second = w.take();
    expect(new Utf8ColumnReader(first).all()).toEqual(big); // not overwritten by the next batch
    expect(new Utf8ColumnReader(second).all()).toEqual(['198.51.100.1']);
    expect(second.bytes.buffer.byteLength).toBe(12);
  });

  test('encoded rows: the numbers of exactly the batch rows, not overwritten by the next batch', () => {
    const enc = new RowEncoder();
    const event = (src: string, dstPort: number): FirewallEvent => ({ ts: T0, format: 'netfilter', action: 'deny', transport: 'tcp', srcIp: src, dstIp: '198.51.100.7', dstPort, raw: '' }) as FirewallEvent;
    const cls = { direction: 'inbound', class: 'scan', reason: 'dropped' };
    for (let i = 0; i < 1500; i++) enc.add(event(`203.0.113.${i % 200}`, i), cls, i + 1); // past the first growth
    const first = enc.take();
    expect(first.nums.length).toBe(1500 * NUMS);
    enc.add(event('192.0.2.1', 9999), cls, 1);
    const second = enc.take();
    expect(second.nums.length).toBe(NUMS);
    const a = new RowReader(first);
    expect([a.count, a.num(1499, COL.dport), a.src(1499), a.num(0, COL.dport), a.src(0)]).toEqual([1500, 1499, '203.0.113.99', 0, '203.0.113.0']);
    const b = new RowReader(second);
    expect([b.count, b.num(0, COL.dport), b.src(0), b.dst(0)]).toEqual([1, 9999, '192.0.2.1', '198.51.100.7']);
  });
});

/** Feeds the same events to two detectors, one with the text, one with indexes into a batch table. */
function feedBoth<D extends ScanDetector | WormDetector>(make: () => D, events: [string, string, number, number, string][], batch: number): [unknown, unknown] {
  const byText = make();
  const byIndex = make();
  const textAlerts: unknown[] = [];
  const indexAlerts: unknown[] = [];
  for (let at = 0; at < events.length; at += batch) {
    const part = events.slice(at, at + batch);
    const w = new RawLineWriter();
    part.forEach((e, i) => w.add(i, e[4]));
    byIndex.readLinesFrom(new RawLineTable(w.take()));
    part.forEach(([src, dst, port, ts, line], i) => {
      byText.observe(src, dst, port, 'tcp', ts, line);
      byIndex.observe(src, dst, port, 'tcp', ts, i satisfies LineRef);
    });
    textAlerts.push(...byText.drainChanged().map((a) => structuredClone(a)));
    indexAlerts.push(...byIndex.drainChanged().map((a) => structuredClone(a)));
  }
  return [textAlerts, indexAlerts];
}

describe('detectors fed line indexes', () => {
  // Batches of one or two lines: the first lines of the scans leave the retained batches long
  // before the alerts open, so they are read back from handles made text on the way out.
  test.each([1, 2, 7, 1000])('the scan detector raises the same alerts with the same evidence lines (batches of %d)', (batch) => {
    const events: [string, string, number, number, string][] = [];
    for (let i = 0; i < 40; i++) events.push(['198.51.100.7', '192.0.2.1', 1000 + i, T0 + i * 1000, `vertical ${i} é`]);
    for (let i = 0; i < 30; i++) events.push(['198.51.100.8', `192.0.2.${i + 10}`, 23, T0 + 50_000 + i * 500, `sweep ${i}`]);
    for (let i = 0; i < 30; i++) events.push([`203.0.113.${i}`, '192.0.2.1', 22, T0 + 60_000 + i * 100, `single ${i}`]);
    const [text, index] = feedBoth(() => new ScanDetector(), events, batch);
    expect((text as unknown[]).length).toBeGreaterThan(0);
    expect(index).toEqual(text);
    const ev = (index as { evidence: { firstLine: string; lastLine: string } }[]).map((a) => a.evidence);
    expect(ev[0].firstLine).toBe('vertical 0 é');
    expect(ev.at(-1)!.lastLine).toBe('sweep 29');
  });

  test('the worm detector raises the same alert with the same first and last lines', () => {
    const events: [string, string, number, number, string][] = [];
    for (let i = 0; i < 40; i++) events.push(['192.168.1.50', `198.51.100.${i + 1}`, 445, T0 + i * 2000, `smb ${i}`]);
    const [text, index] = feedBoth(() => new WormDetector(), events, 9);
    expect(index).toEqual(text);
    expect((index as { evidence: { firstLine: string } }[])[0].evidence.firstLine).toBe('smb 0');
  });

  test('an index with no table is an error, not a silent empty line', () => {
    expect(() => new ScanDetector().observe('198.51.100.7', '192.0.2.1', 22, 'tcp', T0, 0)).toThrow(/line table/);
  });
});
