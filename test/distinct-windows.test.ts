/**
 * The mechanism every detector rule is a policy on (src/detectors/distinct/): distinct items per
 * key in a fast and a long window, counted per target and per port, the light and heavy forms,
 * epoch rebasing and evidence lines kept by handle. A probe rule records what the windows show
 * it of each event.
 */
import { RawLineTable, RawLineWriter } from '../src/contract/batch/raw-lines';
import { DistinctWindows, type WindowSettings } from '../src/detectors/distinct/distinct-windows';
import type { Observation, Rule } from '../src/detectors/distinct/rule';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const SRC = '198.51.100.7';

interface Seen {
  /** Distinct ports of the event's target, distinct targets on its port, in each window. */
  portsFast?: number;
  portsLong?: number;
  targetsFast?: number;
  targetsLong?: number;
  runFirst?: number;
  runLine?: string;
  portRunLine?: string;
}

/** A rule that opens nothing and records what it was shown. */
class Probe implements Rule {
  readonly seen: Seen[] = [];
  constructor(private readonly w: DistinctWindows, readonly threshold: number) {}
  closeIfQuiet(): void {}
  afterCount(o: Observation): void {
    this.seen.push({
      portsFast: o.target?.fast, portsLong: o.target?.long, targetsFast: o.port?.fast, targetsLong: o.port?.long,
      runFirst: this.w.clock.absolute(o.key.runFirst), runLine: this.w.text(o.key.runLine),
      portRunLine: o.port === undefined ? undefined : this.w.text(o.port.runLine),
    });
  }
  get last(): Seen {
    return this.seen[this.seen.length - 1];
  }
}

function windows(settings: Partial<WindowSettings> = {}, threshold = 2): { w: DistinctWindows; probe: Probe } {
  let probe: Probe | undefined;
  const w = new DistinctWindows(
    { windowMs: 5 * MIN, longWindowMs: 24 * HOUR, maxKeys: 1000, maxEntriesPerKey: 4096, maxEntries: 100_000, ...settings },
    (x) => [(probe = new Probe(x, threshold))],
  );
  return { w, probe: probe! };
}

const probe = (w: DistinctWindows, dst: string, port: number, ts: number, line = `${dst}:${port}`, src = SRC) => w.observe(src, dst, port, 'tcp', ts, line, 1);

describe('distinct windows', () => {
  test('count distinct ports per target and distinct targets per port, repeats not counted', () => {
    const { w, probe: p } = windows();
    for (let i = 0; i < 10; i++) probe(w, '192.0.2.1', 1000 + i, T0 + i * S);
    expect(p.last).toMatchObject({ portsFast: 10, portsLong: 10, targetsFast: 1 });
    for (let i = 0; i < 50; i++) probe(w, '192.0.2.1', 1000 + (i % 10), T0 + 10 * S + i * S);
    expect(p.last).toMatchObject({ portsFast: 10, targetsFast: 1 });
    for (let i = 2; i <= 6; i++) probe(w, `192.0.2.${i}`, 1000, T0 + 70 * S + i * S);
    expect(p.last).toMatchObject({ portsFast: 1, targetsFast: 6 });
    // TCP and UDP 1000 are different ports.
    w.observe(SRC, '192.0.2.1', 1000, 'udp', T0 + 80 * S, 'udp', 1);
    expect(p.last).toMatchObject({ portsFast: 11, targetsFast: 1 });
  });

  test('items leave the fast window after windowMs and are forgotten after longWindowMs', () => {
    const { w, probe: p } = windows({ windowMs: MIN, longWindowMs: 10 * MIN });
    for (let i = 0; i < 5; i++) probe(w, '192.0.2.1', 1 + i, T0 + i * S);
    probe(w, '192.0.2.1', 100, T0 + 2 * MIN);
    expect(p.last).toMatchObject({ portsFast: 1, portsLong: 6 });
    probe(w, '192.0.2.1', 101, T0 + 11 * MIN);
    expect(p.last).toMatchObject({ portsFast: 1, portsLong: 2 });
    // With the long window off, the long count is the fast one.
    const fast = windows({ windowMs: MIN, longWindowMs: 0 });
    for (let i = 0; i < 5; i++) probe(fast.w, '192.0.2.1', 1 + i, T0 + i * S);
    probe(fast.w, '192.0.2.1', 100, T0 + 2 * MIN);
    expect(fast.probe.last).toMatchObject({ portsFast: 1, portsLong: 1 });
  });

  test('an item seen again is refreshed, unless within a second (it may leave up to a second early)', () => {
    const { w, probe: p } = windows({ windowMs: MIN });
    probe(w, '192.0.2.1', 1, T0);
    probe(w, '192.0.2.1', 2, T0 + 100);
    probe(w, '192.0.2.1', 1, T0 + 50 * S); // refreshed
    probe(w, '192.0.2.1', 2, T0 + 50 * S + 500); // refreshed
    probe(w, '192.0.2.1', 2, T0 + 50 * S + 900); // within a second of its last time: keeps 50.5 s
    probe(w, '192.0.2.1', 3, T0 + 109 * S);
    expect(p.last).toMatchObject({ portsFast: 3, portsLong: 3 });
    probe(w, '192.0.2.1', 4, T0 + 110 * S + 700); // the fast window starts at 50.7 s
    expect(p.last).toMatchObject({ portsFast: 2, portsLong: 4 });
  });

  test('an item back after leaving the fast window counts as fast again', () => {
    const { w, probe: p } = windows({ windowMs: MIN });
    for (let i = 0; i < 3; i++) probe(w, '192.0.2.1', 1 + i, T0 + i * S);
    probe(w, '192.0.2.1', 9, T0 + 5 * MIN);
    expect(p.last).toMatchObject({ portsFast: 1, portsLong: 4 });
    probe(w, '192.0.2.1', 1, T0 + 5 * MIN + S);
    expect(p.last).toMatchObject({ portsFast: 2, portsLong: 4 });
  });

  test('a late event is counted, placed in the windows as of its own time, and leaves them with its neighbours', () => {
    const { w, probe: p } = windows({ windowMs: MIN });
    for (let i = 0; i < 3; i++) probe(w, '192.0.2.1', 1 + i, T0 + HOUR + i * S);
    probe(w, '192.0.2.1', 50, T0 + HOUR - 10 * MIN); // ten minutes late
    expect(p.last).toMatchObject({ portsFast: 4, portsLong: 4 });
    probe(w, '192.0.2.1', 51, T0 + HOUR + 2 * MIN);
    expect(p.last).toMatchObject({ portsFast: 1, portsLong: 5 });
  });

  test('keys stay light below the rules threshold, and promotion replays their items', () => {
    const { w, probe: p } = windows({}, 6); // light form: up to 5 items (threshold − 1)
    for (let i = 0; i < 5; i++) probe(w, '192.0.2.1', 1 + i, T0 + i * S);
    expect(w.stats()).toMatchObject({ keys: 1, heavyKeys: 0, entries: 5 });
    expect(p.seen).toEqual([]); // rules are not asked about light keys
    probe(w, '192.0.2.2', 1, T0 + 5 * S);
    expect(w.stats()).toMatchObject({ keys: 1, heavyKeys: 1 });
    expect(p.last).toMatchObject({ portsFast: 1, targetsFast: 2, runFirst: T0, runLine: '192.0.2.1:1', portRunLine: '192.0.2.1:1' });
    probe(w, '192.0.2.1', 99, T0 + 6 * S);
    expect(p.last).toMatchObject({ portsFast: 6, targetsFast: 1 });
  });

  test('a key quiet for a whole long window starts afresh', () => {
    const { w } = windows({ windowMs: MIN, longWindowMs: HOUR }, 6);
    for (let i = 0; i < 4; i++) probe(w, '192.0.2.1', 1 + i, T0 + i * S);
    expect(w.stats().entries).toBe(4);
    probe(w, '192.0.2.1', 9, T0 + 2 * HOUR);
    expect(w.stats().entries).toBe(1);
  });

  test('relative times are rebased over weeks of log time without changing a count', () => {
    const { w, probe: p } = windows({ windowMs: MIN, longWindowMs: 6 * HOUR });
    // One new port an hour for 40 days: the clock is rebased every ~6 days after the first 12.
    for (let h = 0; h < 40 * 24; h++) {
      probe(w, '192.0.2.1', 1 + (h % 60_000), T0 + h * HOUR);
      const { portsFast, portsLong, runFirst } = p.last ?? {};
      if (h > 10) expect([portsFast, portsLong, runFirst]).toEqual([1, 7, T0 + h * HOUR]);
    }
    expect(w.clock.epoch).toBeGreaterThan(T0 + 30 * 24 * HOUR);
  });

  test('evidence lines given as indexes come back as text after their batch has left', () => {
    const { w, probe: p } = windows();
    const batch = (lines: string[]) => {
      const writer = new RawLineWriter();
      lines.forEach((l, i) => writer.add(i, l));
      w.readLinesFrom(new RawLineTable(writer.take()));
    };
    // The key's first line, then one event per batch for ten batches (the last four are kept).
    batch(['first é']);
    w.observe(SRC, '192.0.2.1', 1, 'tcp', T0, 0, 1);
    for (let b = 1; b <= 10; b++) {
      batch([`noise ${b}`, `probe ${b}`]);
      w.observe(SRC, '192.0.2.1', 1 + b, 'tcp', T0 + b * S, 1, 1);
    }
    expect(p.last).toMatchObject({ runLine: 'first é', portsFast: 11 });
    // A port's run line is held by the port's own record: settled with its batch too.
    expect(p.seen[0]).toMatchObject({ runLine: 'first é' });
    expect(p.seen.map((s) => s.portRunLine).slice(-1)).toEqual(['probe 10']);
    expect(() => w.observe('203.0.113.1', '192.0.2.1', 1, 'tcp', T0, 99_999_999, 1)).toThrow(/out of range/);
  });

  test('a run\'s first line stays right over many batches, while batch handles are reused', () => {
    const { w, probe: p } = windows({ maxKeys: 700 });
    for (let b = 0; b < 150; b++) {
      const writer = new RawLineWriter();
      for (let i = 0; i < 100; i++) writer.add(i, `noise ${b}.${i}`);
      writer.add(100, `keeper ${b}`);
      w.readLinesFrom(new RawLineTable(writer.take()));
      // One source that keeps its run, and 100 seen once (each forgotten ~7 batches later, after its batch left).
      w.observe(SRC, '192.0.2.1', 1 + b, 'tcp', T0 + b * 100, 100, 1);
      for (let i = 0; i < 100; i++) w.observe(`10.0.${b}.${i}`, '192.0.2.9', 22, 'tcp', T0 + b * 100, i, 1);
      if (b === 0) continue; // one item: light, not shown to the rules
      expect(p.last.runLine).toBe('keeper 0');
      expect(p.last.portRunLine).toBe(`keeper ${b}`);
    }
    expect(p.last).toMatchObject({ runLine: 'keeper 0', portsFast: 150 });
  });

  test('bad input is ignored, not counted: NaN times, no packets', () => {
    const { w } = windows();
    w.observe(SRC, '192.0.2.1', 1, 'tcp', NaN, 'x', 1);
    w.observe(SRC, '192.0.2.1', 1, 'tcp', T0, 'x', 0);
    expect(w.stats().keys).toBe(0);
  });
});
