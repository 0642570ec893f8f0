import { DEFAULT_SCAN, ScanDetector, type ScanAlert } from '../src/detectors/scan';
import { classify, type ClassifierSettings } from '../src/classify/classifier';
import { CidrSet, DEFAULT_HOME } from '../src/classify/networks';
import type { FirewallEvent } from '../parsers/types';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const SCANNER = '198.51.100.7';
const TARGET = '192.168.1.10';

/** Feeds a vertical scan: `count` distinct ports of one target, `stepMs` apart, from port `from`. */
function vertical(d: ScanDetector, count: number, opts: { src?: string; dst?: string; from?: number; t0?: number; stepMs?: number } = {}): void {
  const { src = SCANNER, dst = TARGET, from = 1000, t0 = T0, stepMs = 1000 } = opts;
  for (let i = 0; i < count; i++) d.observe(src, dst, from + i, 'tcp', t0 + i * stepMs, `v ${src} ${from + i}`);
}

describe('scan detector', () => {
  test('a vertical scan fires at the 15th distinct port of one target, not before', () => {
    const d = new ScanDetector();
    for (let p = 1; p <= 14; p++) {
      d.observe(SCANNER, TARGET, 1000 + p, 'tcp', T0 + p * 1000, `line ${p}`);
      expect(d.drainChanged()).toEqual([]);
    }
    d.observe(SCANNER, TARGET, 1015, 'tcp', T0 + 15_000, 'line 15');
    const alerts = d.drainChanged();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'vertical-scan', host: SCANNER, port: 0, proto: 'tcp', first: T0 + 1000, last: T0 + 15_000,
      destinations: 15, events: 15, peak: 15, threshold: 15, windowS: 300, level: 2,
    });
    expect(alerts[0].evidence).toMatchObject({ firstLine: 'line 1', lastLine: 'line 15', window: 'fast', sampleTargets: [TARGET] });
    expect(alerts[0].evidence.samplePorts).toHaveLength(15);
    expect(alerts[0].evidence.samplePorts).toContain(1001);
  });

  test('a horizontal sweep fires at the 25th distinct target on one port, not before', () => {
    const d = new ScanDetector();
    for (let i = 1; i <= 24; i++) d.observe(SCANNER, `192.168.1.${i}`, 23, 'tcp', T0 + i * 500, `sweep ${i}`);
    expect(d.drainChanged()).toEqual([]);
    d.observe(SCANNER, '192.168.1.25', 23, 'tcp', T0 + 25 * 500, 'sweep 25');
    const alerts = d.drainChanged();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'horizontal-scan', host: SCANNER, port: 23, proto: 'tcp', first: T0 + 500, last: T0 + 12_500,
      destinations: 25, events: 25, threshold: 25, windowS: 300, level: 2,
    });
    expect(alerts[0].evidence.firstLine).toBe('sweep 1');
    expect(alerts[0].evidence.samplePorts).toEqual([23]);
    expect(alerts[0].evidence.sampleTargets).toHaveLength(20);
    expect(alerts[0].evidence.sampleTargets).toContain('192.168.1.1');
  });

  test('a busy but benign source (many packets to one port of one target) never fires', () => {
    const d = new ScanDetector();
    for (let i = 0; i < 100_000; i++) d.observe('203.0.113.50', TARGET, 443, 'tcp', T0 + i * 50, 'busy');
    // A few ports of a few targets, many times, stay below both thresholds too.
    for (let i = 0; i < 20_000; i++) d.observe('203.0.113.51', `192.168.1.${1 + (i % 3)}`, [22, 80, 443, 8443][i % 4], 'tcp', T0 + i * 100, 'x');
    // 14 ports of one target and 24 targets on one port: one short of each threshold.
    vertical(d, 14, { src: '203.0.113.52' });
    for (let i = 0; i < 24; i++) d.observe('203.0.113.53', `192.168.2.${i}`, 3389, 'tcp', T0 + i, 'y');
    expect(d.drainChanged()).toEqual([]);
    expect(d.stats().sources).toBe(4);
  });

  test('danger levels rise with packets (psad 5/15/150/1,500/10,000)', () => {
    const d = new ScanDetector();
    vertical(d, 15);
    const a = d.drainChanged()[0];
    expect(a.level).toBe(2);
    const levels: number[] = [];
    for (let i = 15; i < 10_000; i++) {
      d.observe(SCANNER, TARGET, 1000 + (i % 15), 'tcp', T0 + 15_000 + i * 10, 'again');
      if ([149, 150, 1499, 1500, 9999, 10_000].includes(a.events)) levels.push(a.level);
    }
    expect(a.events).toBe(10_000);
    expect(levels).toEqual([2, 3, 3, 4, 4, 5]);
    expect(d.drainChanged()).toEqual([a]);
  });

  test('below the minimum level nothing is raised, even past the distinct threshold', () => {
    const d = new ScanDetector({ minLevel: 3 });
    vertical(d, 40); // 40 distinct ports, 40 packets: level 2
    expect(d.drainChanged()).toEqual([]);
    for (let i = 0; i < 110; i++) d.observe(SCANNER, TARGET, 1000, 'tcp', T0 + 40_000 + i * 100, 'more');
    const [a] = d.drainChanged();
    expect(a).toMatchObject({ kind: 'vertical-scan', level: 3, events: 150, destinations: 40, first: T0 });
  });

  test('one alert per episode, updated not duplicated; the store id sticks', () => {
    const d = new ScanDetector();
    const seen = new Set<ScanAlert>();
    for (let i = 0; i < 100; i++) {
      d.observe(SCANNER, TARGET, 2000 + i, 'tcp', T0 + i * 1000, `p ${i}`);
      for (const a of d.drainChanged()) {
        seen.add(a);
        a.id ??= 42; // what the store does on first write
      }
    }
    expect(seen.size).toBe(1);
    const [a] = [...seen];
    expect(a).toMatchObject({ id: 42, destinations: 100, events: 100, peak: 100, last: T0 + 99_000, level: 2 });
    expect(a.evidence.lastLine).toBe('p 99');
    expect(a.evidence.samplePorts).toHaveLength(20);
    // Its horizontal side stays quiet: one target only.
    expect([...seen].every((x) => x.kind === 'vertical-scan')).toBe(true);
  });

  test('a quiet window closes the episode; the next one needs the threshold again', () => {
    const d = new ScanDetector();
    vertical(d, 15);
    const [first] = d.drainChanged();
    // Ten quiet minutes, then one probe: the episode is over and the old ports are forgotten,
    // although they are still within the 24 h window.
    d.observe(SCANNER, TARGET, 5000, 'tcp', T0 + 25 * MIN, 'lone probe');
    expect(d.drainChanged()).toEqual([]);
    vertical(d, 14, { from: 6000, t0: T0 + 26 * MIN });
    const [second] = d.drainChanged();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ destinations: 15, events: 15, first: T0 + 25 * MIN });
    expect(first).toMatchObject({ destinations: 15, events: 15, last: T0 + 14_000 });
  });

  test('a slow scan over 6 h is caught by the long window, not by the fast one', () => {
    const slow = (d: ScanDetector) => {
      for (let i = 0; i < 19; i++) d.observe(SCANNER, TARGET, 100 + i, 'tcp', T0 + i * 20 * MIN, `slow ${i}`); // 0 … 6 h
    };
    const fastOnly = new ScanDetector({ longWindowMs: 0 });
    slow(fastOnly);
    expect(fastOnly.drainChanged()).toEqual([]);

    const d = new ScanDetector();
    slow(d);
    const alerts = d.drainChanged();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'vertical-scan', windowS: 86_400, first: T0, last: T0 + 6 * HOUR, destinations: 19, events: 19, peak: 19, level: 2,
    });
    expect(alerts[0].evidence).toMatchObject({ window: 'long', firstLine: 'slow 0', lastLine: 'slow 18' });

    // A slow sweep: one more target every 10 minutes on port 22.
    const h = new ScanDetector();
    for (let i = 0; i < 30; i++) h.observe(SCANNER, `192.168.1.${i + 1}`, 22, 'tcp', T0 + i * 10 * MIN, `sweep ${i}`);
    const [sweep] = h.drainChanged();
    expect(sweep).toMatchObject({ kind: 'horizontal-scan', port: 22, windowS: 86_400, destinations: 30, first: T0 });
    expect(sweep.evidence.window).toBe('long');
  });

  test('toJSON/fromJSON: an episode and a slow scan continue across a restart', () => {
    const a = new ScanDetector();
    vertical(a, 20);
    const [alert] = a.drainChanged();
    alert.id = 7;
    // Half of a slow scan from another source.
    for (let i = 0; i < 10; i++) a.observe('203.0.113.9', TARGET, 3000 + i, 'udp', T0 + i * 15 * MIN, `slow ${i}`);
    const json = a.toJSON();
    expect(JSON.parse(json)).toMatchObject({ format: 'portledger-scan', version: 2 });

    const b = ScanDetector.fromJSON(json);
    expect(b.stats()).toEqual(a.stats());
    vertical(b, 10, { from: 1020, t0: T0 + 20_000 });
    for (let i = 10; i < 15; i++) b.observe('203.0.113.9', TARGET, 3000 + i, 'udp', T0 + i * 15 * MIN, `slow ${i}`);
    const out = b.drainChanged();
    expect(out).toHaveLength(2);
    const cont = out.find((x) => x.kind === 'vertical-scan' && x.host === SCANNER)!;
    expect(cont).toMatchObject({ id: 7, destinations: 30, events: 30, first: T0, last: T0 + 29_000 });
    expect(cont.evidence.firstLine).toBe(`v ${SCANNER} 1000`);
    const slow = out.find((x) => x.host === '203.0.113.9')!;
    expect(slow).toMatchObject({ kind: 'vertical-scan', proto: 'udp', first: T0, destinations: 15, windowS: 86_400 });
    expect(slow.evidence.firstLine).toBe('slow 0');

    // A round trip of the restored detector is stable.
    expect(ScanDetector.fromJSON(b.toJSON()).toJSON()).toBe(b.toJSON());
  });

  test('fromJSON refuses other documents and versions', () => {
    expect(() => ScanDetector.fromJSON('{"format":"portledger-scan","version":99}')).toThrow(/version 99/);
    expect(() => ScanDetector.fromJSON('{"hello":1}')).toThrow(/not a portledger-scan/);
    expect(() => ScanDetector.fromJSON('not json')).toThrow();
    expect(ScanDetector.fromJSON(new ScanDetector().toJSON()).stats().sources).toBe(0);
  });

  test('memory stays bounded under 1 M distinct sources', () => {
    const d = new ScanDetector();
    let maxSeen = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const src = `${10 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.${(i * 7) & 255}`;
      d.observe(src, TARGET, [23, 22, 445][i % 3], 'tcp', T0 + i, `SRC=${src} DPT=23`);
      if ((i & 0xffff) === 0) maxSeen = Math.max(maxSeen, d.stats().sources);
    }
    const s = d.stats();
    expect(Math.max(maxSeen, s.sources)).toBeLessThanOrEqual(DEFAULT_SCAN.maxSources);
    expect(s.sources).toBe(DEFAULT_SCAN.maxSources);
    expect(s.evicted).toBe(1_000_000 - DEFAULT_SCAN.maxSources);
    expect(s.keys).toBeLessThanOrEqual(DEFAULT_SCAN.maxKeys);
    expect(d.drainChanged()).toEqual([]);
  });

  test('smaller caps hold too; a source quiet for the long window is dropped', () => {
    const d = new ScanDetector({ maxSources: 1000 });
    for (let i = 0; i < 50_000; i++) {
      d.observe(`10.1.${i >>> 8}.${i & 255}`, TARGET, 23, 'tcp', T0 + i, 'x');
      if (i % 997 === 0) expect(d.stats().sources).toBeLessThanOrEqual(1000);
    }
    expect(d.stats().sources).toBe(1000);
    // Two days later, one more event: everything else has expired (checked every 1,024 events).
    for (let i = 0; i < 1024; i++) d.observe('10.9.9.9', TARGET, 23, 'tcp', T0 + 48 * HOUR + i, 'x');
    expect(d.stats().sources).toBe(1);
  });

  test('per-source memory is capped while a full port scan is still counted exactly', () => {
    const d = new ScanDetector();
    for (let p = 1; p <= 65_535; p++) d.observe(SCANNER, TARGET, p, 'tcp', T0 + p * 2, `p ${p}`);
    const [a] = d.drainChanged();
    expect(a).toMatchObject({ kind: 'vertical-scan', destinations: 65_535, events: 65_535 });
    expect(a.peak).toBeLessThanOrEqual(DEFAULT_SCAN.maxKeysPerSource);
    expect(a.peak).toBeGreaterThan(300);
    // Window memory ≤ the per-source cap; the episode's own port set on top of it.
    expect(d.stats().keys).toBeLessThanOrEqual(DEFAULT_SCAN.maxKeysPerSource + 65_536);
  });

  test('pipeline contract: a trusted source is class `trusted`, never fed, so it never alerts', () => {
    const settings: ClassifierSettings = { home: new CidrSet(DEFAULT_HOME), wanIf: new Set(), trusted: new CidrSet(['203.0.113.0/24']) };
    const d = new ScanDetector();
    const fed: string[] = [];
    for (const src of ['203.0.113.77', '198.51.100.77']) {
      for (let p = 1; p <= 100; p++) {
        const e: FirewallEvent = {
          ts: T0 + p * 100, format: 'netfilter', action: 'deny', transport: 'tcp', srcIp: src, dstIp: TARGET, srcPort: 40000, dstPort: p, tcpFlags: 'SYN',
        };
        const c = classify(e, settings);
        if (src.startsWith('203.')) expect(c.class).toBe('trusted');
        // What the pipeline does: only class `scan` reaches the detector.
        if (c.class !== 'scan') continue;
        fed.push(src);
        d.observe(e.srcIp, e.dstIp, e.dstPort!, e.transport, e.ts, `SRC=${src} DPT=${p}`);
      }
    }
    const alerts = d.drainChanged();
    expect(new Set(fed)).toEqual(new Set(['198.51.100.77']));
    expect(alerts.map((a) => a.host)).toEqual(['198.51.100.77']);
  });

  test('IPv6, portless protocols and flow counts', () => {
    const d = new ScanDetector();
    // A ping sweep (no port) over 25 IPv6 targets from an IPv6 source.
    for (let i = 0; i < 25; i++) d.observe('2001:db8::bad', `2001:db8:1::${(i + 1).toString(16)}`, NaN, 'ipv6-icmp', T0 + i * 100, `ping ${i}`);
    const [ping] = d.drainChanged();
    expect(ping).toMatchObject({ kind: 'horizontal-scan', host: '2001:db8::bad', port: 0, proto: 'ipv6-icmp', destinations: 25 });
    expect(ping.evidence.sampleTargets).toContain('2001:db8:1::1');
    // A flow log line standing for 200 packets counts 200 towards the level.
    vertical(d, 14, { src: '198.51.100.8' });
    d.observe('198.51.100.8', TARGET, 9999, 'tcp', T0 + 20_000, 'flow', 200);
    const [flow] = d.drainChanged();
    expect(flow).toMatchObject({ kind: 'vertical-scan', events: 214, level: 3 });
    // The sink passes undefined for a missing port.
    for (let i = 0; i < 25; i++) d.observe('198.51.100.9', `192.168.3.${i}`, undefined, 'icmp', T0 + i, 'echo');
    expect(d.drainChanged()).toMatchObject([{ kind: 'horizontal-scan', port: 0, proto: 'icmp', destinations: 25 }]);
  });

  test('TCP and UDP ports are told apart; a mixed vertical scan lists both protocols', () => {
    const d = new ScanDetector();
    for (let p = 0; p < 8; p++) d.observe(SCANNER, TARGET, 53 + p, 'tcp', T0 + p * 100, 't');
    for (let p = 0; p < 8; p++) d.observe(SCANNER, TARGET, 53 + p, 'udp', T0 + 1000 + p * 100, 'u');
    const [a] = d.drainChanged();
    expect(a).toMatchObject({ kind: 'vertical-scan', proto: 'tcp+udp', destinations: 16 });
    expect(a.evidence.samplePorts.filter((p) => p === 53)).toEqual([53, 53]);
  });

  test('weeks of log time: relative clocks are rebased without losing an episode', () => {
    const d = new ScanDetector();
    const DAY = 24 * HOUR;
    const probe = (i: number) => d.observe('203.0.113.30', TARGET, 22, 'tcp', T0 + i * 6 * HOUR, 'ssh');
    // A persistent prober, once every 6 hours for 40 days (the clock is rebased every ~6 days
    // after the first 12), with a slow scan straddling day 25.
    for (let i = 0; i < 100; i++) probe(i);
    const start = T0 + 25 * DAY - 2 * HOUR;
    for (let i = 0; i < 16; i++) d.observe(SCANNER, TARGET, 400 + i, 'tcp', start + i * 15 * MIN, `s ${i}`);
    for (let i = 100; i < 160; i++) probe(i);
    const alerts = d.drainChanged();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ host: SCANNER, first: start, last: start + 15 * 15 * MIN, destinations: 16, windowS: 86_400 });
    const restored = ScanDetector.fromJSON(d.toJSON());
    restored.observe(SCANNER, TARGET, 999, 'tcp', start + 16 * 15 * MIN, 's 16');
    const [cont] = restored.drainChanged();
    expect(cont).toMatchObject({ first: start, destinations: 17 });
  });

  test('settings are validated', () => {
    expect(() => new ScanDetector({ verticalPorts: 1 })).toThrow(RangeError);
    expect(() => new ScanDetector({ dangerLevels: [5, 5, 150, 1500, 10000] })).toThrow(/ascending/);
    expect(() => new ScanDetector({ minLevel: 6 })).toThrow(RangeError);
    expect(() => new ScanDetector({ maxKeysPerSource: 20 })).toThrow(/maxKeysPerSource/);
    expect(new ScanDetector().settings).toEqual(DEFAULT_SCAN);
    // The class of rows the sink feeds it.
    expect(new ScanDetector().feeds).toBe('scan');
  });
});
