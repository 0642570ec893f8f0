/**
 * The vertical-scan rule (src/detectors/rules/vertical-scan.ts) alone on the windows: when its
 * episode opens, what it updates, when it closes — and that a sweep is not its business.
 */
import { DistinctWindows } from '../src/detectors/distinct/distinct-windows';
import { VerticalScan } from '../src/detectors/rules/vertical-scan';
import { PSAD_DANGER_LEVELS } from '../src/detectors/rules/danger';
import type { ScanAlert } from '../src/detectors/rules/scan-alert';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const MIN = 60_000;
const SRC = '198.51.100.7';

function vertical(settings: { verticalPorts?: number; minLevel?: number; longWindowMs?: number } = {}) {
  // Level 1 (5 packets) by default here, so a handful of probes can open an episode.
  const s = { verticalPorts: 15, minLevel: 1, dangerLevels: PSAD_DANGER_LEVELS, ...settings };
  const w = new DistinctWindows(
    { windowMs: 5 * MIN, longWindowMs: settings.longWindowMs ?? 24 * 60 * MIN, maxKeys: 1000, maxEntriesPerKey: 4096, maxEntries: 100_000 },
    (x) => [new VerticalScan(x, s)],
  );
  const feed = (dst: string, port: number, ts: number, line = `${dst}:${port}`, packets = 1, proto = 'tcp') => w.observe(SRC, dst, port, proto, ts, line, packets);
  return { w, feed, drain: () => w.drain<ScanAlert>() };
}

describe('vertical scan rule', () => {
  test('opens at the threshold of distinct ports of one target, with the run it met it in', () => {
    const { feed, drain } = vertical({ verticalPorts: 5 });
    feed('192.0.2.1', 80, T0, 'first', 3); // repeats of one port count packets, not ports
    feed('192.0.2.1', 80, T0 + 1000, 'again');
    for (let p = 1; p <= 3; p++) feed('192.0.2.1', p, T0 + 2000 + p);
    feed('192.0.2.2', 4, T0 + 3000); // another target: not the same count
    expect(drain()).toEqual([]);
    feed('192.0.2.1', 4, T0 + 4000, 'fifth port');
    const [a] = drain();
    expect(a).toMatchObject({
      kind: 'vertical-scan', host: SRC, port: 0, proto: 'tcp', first: T0, last: T0 + 4000, destinations: 5, events: 9, peak: 5, threshold: 5,
      windowS: 300, level: 1,
    });
    expect(a.evidence).toEqual({ firstLine: 'first', lastLine: 'fifth port', window: 'fast', samplePorts: [80, 1, 2, 3, 4], sampleTargets: ['192.0.2.1'], scanTypes: [], targets: 1, raisedAt: T0 + 4000 });
  });

  test('needs the minimum danger level as well as the ports', () => {
    const { feed, drain } = vertical({ verticalPorts: 5, minLevel: 3 }); // 150 packets
    for (let p = 1; p <= 20; p++) feed('192.0.2.1', p, T0 + p);
    expect(drain()).toEqual([]);
    feed('192.0.2.1', 1, T0 + 100, 'flow', 130);
    expect(drain()).toMatchObject([{ events: 150, level: 3, destinations: 20 }]);
  });

  test('updates on every packet of the source, on any target; ports and targets are sampled', () => {
    const { feed, drain } = vertical({ verticalPorts: 5 });
    for (let p = 1; p <= 5; p++) feed('192.0.2.1', p, T0 + p);
    const [a] = drain();
    a.id = 7;
    feed('192.0.2.9', 1, T0 + 100, 'other target');
    feed('192.0.2.1', 53, T0 + 200, 'udp 53', 1, 'udp');
    expect(drain()).toEqual([a]);
    // TCP 1 of another target is no new port; UDP 53 is.
    expect(a).toMatchObject({ id: 7, destinations: 6, events: 7, proto: 'tcp+udp', last: T0 + 200 });
    expect(a.evidence).toMatchObject({ lastLine: 'udp 53', samplePorts: [1, 2, 3, 4, 5, 53], sampleTargets: ['192.0.2.1', '192.0.2.9'] });
    for (let p = 100; p < 200; p++) feed('192.0.2.1', p, T0 + 1000 + p);
    expect(a.destinations).toBe(106);
    expect(a.peak).toBe(106);
    expect(a.evidence.samplePorts).toHaveLength(20);
  });

  test('closes after a quiet window and forgets what the source probed', () => {
    const { feed, drain } = vertical({ verticalPorts: 5 });
    for (let p = 1; p <= 5; p++) feed('192.0.2.1', p, T0 + p);
    const [first] = drain();
    feed('192.0.2.1', 6, T0 + 6 * MIN, 'after the gap'); // quiet 6 minutes (> 5)
    expect(drain()).toEqual([]);
    for (let p = 7; p <= 10; p++) feed('192.0.2.1', p, T0 + 6 * MIN + p);
    const [second] = drain();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ first: T0 + 6 * MIN, destinations: 5, events: 5 });
    expect(second.evidence.firstLine).toBe('after the gap');
    expect(first).toMatchObject({ destinations: 5, last: T0 + 5 });
  });

  test('the long window catches a slow scan the fast one misses, and an episode it opened lasts a day', () => {
    const { feed, drain } = vertical({ verticalPorts: 5 });
    for (let p = 1; p <= 5; p++) feed('192.0.2.1', p, T0 + p * 30 * MIN, `slow ${p}`);
    const [a] = drain();
    expect(a).toMatchObject({ windowS: 86_400, first: T0 + 30 * MIN, destinations: 5 });
    expect(a.evidence).toMatchObject({ window: 'long', firstLine: 'slow 1' });
    feed('192.0.2.1', 6, T0 + 20 * 60 * MIN); // 17.5 hours later: the same episode
    expect(drain()).toEqual([a]);
    const off = vertical({ verticalPorts: 5, longWindowMs: 0 });
    for (let p = 1; p <= 5; p++) off.feed('192.0.2.1', p, T0 + p * 30 * MIN);
    expect(off.drain()).toEqual([]);
  });

  test('a sweep (one port, many targets) is not a vertical scan', () => {
    const { feed, drain } = vertical({ verticalPorts: 5 });
    for (let i = 1; i <= 100; i++) feed(`192.0.2.${i}`, 23, T0 + i);
    expect(drain()).toEqual([]);
  });
});
