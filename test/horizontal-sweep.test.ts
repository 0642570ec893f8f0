/**
 * The horizontal-sweep rule (src/detectors/rules/horizontal-sweep.ts) alone on the windows: one
 * episode per source, port and protocol; closing one forgets that port only.
 */
import { DistinctWindows } from '../src/detectors/distinct/distinct-windows';
import { HorizontalSweep } from '../src/detectors/rules/horizontal-sweep';
import { PSAD_DANGER_LEVELS } from '../src/detectors/rules/danger';
import type { ScanAlert } from '../src/detectors/rules/scan-alert';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const MIN = 60_000;
const SRC = '198.51.100.7';

function sweep(settings: { horizontalTargets?: number; minLevel?: number } = {}) {
  const s = { horizontalTargets: 25, minLevel: 1, dangerLevels: PSAD_DANGER_LEVELS, ...settings };
  const w = new DistinctWindows(
    { windowMs: 5 * MIN, longWindowMs: 24 * 60 * MIN, maxKeys: 1000, maxEntriesPerKey: 4096, maxEntries: 100_000 },
    (x) => [new HorizontalSweep(x, s)],
  );
  const feed = (dst: string, port: number, ts: number, proto = 'tcp', line = `${dst}:${port}/${proto}`) => w.observe(SRC, dst, port, proto, ts, line, 1);
  return { feed, drain: () => w.drain<ScanAlert>() };
}

describe('horizontal sweep rule', () => {
  test('opens at the threshold of distinct targets on one port and protocol', () => {
    const { feed, drain } = sweep({ horizontalTargets: 5 });
    for (let i = 1; i <= 4; i++) feed(`192.0.2.${i}`, 23, T0 + i);
    for (let i = 1; i <= 4; i++) feed(`192.0.2.${i}`, 23, T0 + 10 + i, 'udp'); // UDP 23: another port
    for (let i = 1; i <= 4; i++) feed(`192.0.2.${i}`, 2323, T0 + 20 + i);
    expect(drain()).toEqual([]);
    feed('192.0.2.5', 23, T0 + 100);
    const [a] = drain();
    expect(a).toMatchObject({
      kind: 'horizontal-scan', host: SRC, port: 23, proto: 'tcp', first: T0 + 1, last: T0 + 100, destinations: 5, events: 5, peak: 5, threshold: 5,
      windowS: 300, level: 1,
    });
    expect(a.evidence).toEqual({
      firstLine: '192.0.2.1:23/tcp', lastLine: '192.0.2.5:23/tcp', window: 'fast', samplePorts: [23],
      sampleTargets: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'], scanTypes: [], raisedAt: T0 + 100,
    });
  });

  test('updates on the swept port only; other ports of the source leave it alone', () => {
    const { feed, drain } = sweep({ horizontalTargets: 5 });
    for (let i = 1; i <= 5; i++) feed(`192.0.2.${i}`, 23, T0 + i);
    const [a] = drain();
    feed('192.0.2.1', 22, T0 + 50);
    expect(drain()).toEqual([]);
    feed('192.0.2.6', 23, T0 + 60);
    feed('192.0.2.6', 23, T0 + 70);
    expect(drain()).toEqual([a]);
    expect(a).toMatchObject({ destinations: 6, events: 7, peak: 6, last: T0 + 70 });
  });

  test('closing one port episode forgets that port, not the others', () => {
    const { feed, drain } = sweep({ horizontalTargets: 5 });
    for (let i = 1; i <= 5; i++) feed(`192.0.2.${i}`, 23, T0 + i);
    for (let i = 1; i <= 4; i++) feed(`192.0.2.${i}`, 3389, T0 + 4 * MIN + i); // 4 targets on 3389
    const [first] = drain();
    feed('192.0.2.9', 23, T0 + 7 * MIN, 'tcp', 'telnet again'); // 23 quiet for 7 minutes: closed
    expect(drain()).toEqual([]);
    feed('192.0.2.5', 3389, T0 + 7 * MIN + 10); // 3389 still has its four
    const [rdp] = drain();
    expect(rdp).toMatchObject({ port: 3389, destinations: 5, first: T0 + 4 * MIN + 1 });
    for (let i = 10; i <= 13; i++) feed(`192.0.2.${i}`, 23, T0 + 7 * MIN + 100 + i);
    const [second] = drain();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ port: 23, destinations: 5, first: T0 + 7 * MIN });
    expect(second.evidence.firstLine).toBe('telnet again');
  });

  test('a vertical scan (many ports of one target) is not a sweep', () => {
    const { feed, drain } = sweep({ horizontalTargets: 5 });
    for (let p = 1; p <= 500; p++) feed('192.0.2.1', p, T0 + p);
    expect(drain()).toEqual([]);
  });
});
