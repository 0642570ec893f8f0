/**
 * Persistence by field name (src/detectors/distinct/snapshot.ts, scan.ts `toJSON`/`fromJSON`):
 * the saved memory names what it holds, a restored detector carries on exactly as one that never
 * stopped, and a document of another version or a damaged one starts a fresh detector.
 */
import { ScanDetector, type ScanAlert } from '../src/detectors/scan';
import { runDetectors } from '../src/pipeline/detectors';
import { saveDetectorState } from '../src/store/detector-state';
import { freshDb } from './helpers/db';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const MIN = 60_000;

/** Deterministic mixed traffic: scanners (fast and slow), sweepers, one-off sources, IPv6, UDP, ICMP. */
function* traffic(n: number): Generator<[string, string, number | undefined, string, number, string, number]> {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rnd() ** 2 * 60);
    const src = s % 9 === 0 ? `2001:db8::${s.toString(16)}` : `198.51.100.${s}`;
    const dst = s % 2 === 0 ? `192.0.2.${Math.floor(rnd() * 40)}` : `2001:db8:1::${Math.floor(rnd() * 3)}`;
    const proto = rnd() < 0.8 ? 'tcp' : rnd() < 0.8 ? 'udp' : 'icmp';
    const port = proto === 'icmp' ? undefined : s % 2 === 0 ? 23 + Math.floor(rnd() * 3) : Math.floor(rnd() * 3000);
    yield [src, dst, port, proto, T0 + i * 20_000, `#${i} ${src} ${dst} ${port}`, rnd() < 0.05 ? 40 : 1];
  }
}

function feed(d: ScanDetector, events: ReturnType<typeof traffic>, out: ScanAlert[][]): void {
  for (const [src, dst, port, proto, ts, line, packets] of events) {
    d.observe(src, dst, port, proto, ts, line, packets);
    const drained = d.drainChanged().map((a) => structuredClone(a));
    if (drained.length > 0) out.push(drained);
  }
}

describe('scan detector memory, saved by name', () => {
  test('the document names its tables and columns; addresses and ports are text and numbers, not codes', () => {
    const d = new ScanDetector();
    for (let p = 1; p <= 20; p++) d.observe('198.51.100.7', '192.0.2.1', p, 'tcp', T0 + p, `v ${p}`);
    d.observe('2001:db8::9', '2001:db8:1::1', undefined, 'ipv6-icmp', T0 + 50, 'ping');
    const doc = JSON.parse(d.toJSON());
    expect(doc).toMatchObject({ format: 'portledger-scan', version: 2, epoch: T0 + 1, protocols: ['tcp', 'udp', 'ipv6-icmp'] });
    expect(doc.keys.address).toEqual(['198.51.100.7', '2001:db8::9']);
    expect(doc.keys.form).toEqual(['heavy', 'light']);
    expect(doc.targets).toEqual(expect.arrayContaining(['192.0.2.1', '2001:db8:1::1']));
    expect(Object.keys(doc.lightItems).sort()).toEqual(['first', 'key', 'last', 'line', 'packets', 'port', 'protocol', 'target']);
    expect(doc.lightItems).toMatchObject({ key: [1], protocol: [2], port: [0], packets: [1] });
    expect(doc.lines[doc.lightItems.line[0]]).toBe('ping');
    expect(doc.windowItems.port).toHaveLength(20);
    expect(doc.ports.port).toHaveLength(20);
    expect(doc.episodes).toHaveLength(1);
    expect(doc.episodes[0]).toMatchObject({ key: 0, port: null, window: 'fast', changed: true, alert: { kind: 'vertical-scan', destinations: 20 } });
    expect(doc.episodes[0].seenPorts.port).toHaveLength(20);
  });

  test('a detector restored at any point raises exactly what one that never stopped raises', () => {
    const straight: ScanAlert[][] = [];
    feed(new ScanDetector(), traffic(6000), straight);
    expect(straight.flat().length).toBeGreaterThan(50);
    expect(new Set(straight.flat().map((a) => a.kind))).toEqual(new Set(['vertical-scan', 'horizontal-scan']));
    const restarted: ScanAlert[][] = [];
    let d = new ScanDetector();
    const events = [...traffic(6000)];
    for (let at = 0; at < events.length; at += 700) {
      feed(d, events.slice(at, at + 700).values() as ReturnType<typeof traffic>, restarted);
      const json = d.toJSON();
      d = ScanDetector.fromJSON(json);
      expect(d.toJSON()).toBe(json); // stable
    }
    expect(restarted).toEqual(straight);
  });

  test('smaller limits on load forget the stalest sources', () => {
    const d = new ScanDetector();
    for (let i = 0; i < 50; i++) d.observe(`198.51.100.${i}`, '192.0.2.1', 22, 'tcp', T0 + i * MIN, `s ${i}`);
    const small = ScanDetector.fromJSON(d.toJSON(), { maxSources: 10 });
    expect(small.stats()).toMatchObject({ sources: 10, evicted: 40 });
    expect(JSON.parse(small.toJSON()).keys.address[0]).toBe('198.51.100.40');
  });

  test('another version, the positional version 1 and damaged documents are refused', () => {
    const v1 = JSON.stringify({ format: 'portledger-scan', version: 1, epoch: T0, now: 0, protos: ['tcp', 'udp'], names: [], lines: ['x'], sources: [[-1070333177, 0, 0, 1, 0, 0, 1, 0, [1, 22, 0, 0, 1, 0]]] });
    expect(() => ScanDetector.fromJSON(v1)).toThrow(/version 1 is not supported/);
    const good = JSON.parse(new ScanDetector().toJSON());
    const d = new ScanDetector();
    d.observe('198.51.100.7', '192.0.2.1', 22, 'tcp', T0, 'x');
    const doc = JSON.parse(d.toJSON());
    delete doc.lightItems.port;
    expect(() => ScanDetector.fromJSON(JSON.stringify(doc))).toThrow(/table "lightItems" has no column "port"/);
    doc.lightItems.port = [22, 23];
    expect(() => ScanDetector.fromJSON(JSON.stringify(doc))).toThrow(/lightItems.port" has 2 rows, not 1/);
    expect(ScanDetector.fromJSON(JSON.stringify(good)).stats().sources).toBe(0);
  });

  test('the pipeline starts a fresh detector from a document it cannot load', () => {
    const { db } = freshDb();
    saveDetectorState(db, 'scan', JSON.stringify({ format: 'portledger-scan', version: 1, sources: [[1, 2, 3]] }));
    const run = runDetectors(db, { slowScans: true });
    expect(run.scan.stats().sources).toBe(0);
    run.scan.observe('198.51.100.7', '192.0.2.1', 22, 'tcp', T0, 'x');
    run.save();
    expect(runDetectors(db, { slowScans: true }).scan.stats().sources).toBe(1);
  });
});
