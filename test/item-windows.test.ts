/**
 * The heavy form (src/detectors/distinct/item-windows.ts): one arrival queue walked by a fast
 * and a long cursor, counts per target and per port, the per-key cap, compaction.
 */
import { ITEM_SPAN, ItemWindows } from '../src/detectors/distinct/item-windows';
import { Episode, GROUP_COST, PortGroup, type Budget, type Charged } from '../src/detectors/distinct/records';
import type { Alert } from '../src/detectors/alert';

const FAST = 60_000;
const LONG = 3_600_000;

/** A key's heavy form with a budget that only adds up. */
function heavy() {
  const hv = new ItemWindows();
  const k: Charged = { cost: 0 };
  const budget: Budget = { charge: (x, n) => void (x.cost += n) };
  /** Counts `target:port` seen at `t`, as the windows do for an event at `t`. */
  const see = (target: number, port: number, t: number) => {
    hv.advance(k, budget, t - FAST, t - LONG, t);
    let po = hv.ports.get(port);
    if (po === undefined) {
      hv.ports.set(port, (po = new PortGroup(t, 0, '')));
      budget.charge(k, GROUP_COST);
    }
    const tg = hv.targetGroup(k, budget, target);
    const item = tg.index * ITEM_SPAN + port;
    const v = hv.items.get(item);
    if (v === undefined) hv.add(k, budget, tg, po, item, t, t - FAST);
    else hv.refresh(tg, po, item, v, t);
  };
  const counts = () => ({
    targets: Object.fromEntries([...hv.targets].map(([c, g]) => [c, [g.fast, g.long]])),
    ports: Object.fromEntries([...hv.ports].map(([c, g]) => [c, [g.fast, g.long]])),
  });
  return { hv, k, budget, see, counts };
}

describe('item windows', () => {
  test('items move from the fast window to the long one and are then forgotten with their records', () => {
    const { hv, k, see, counts } = heavy();
    see(1, 22, 0);
    see(1, 23, 1000);
    see(2, 22, 2000);
    expect(counts()).toEqual({ targets: { 1: [2, 2], 2: [1, 1] }, ports: { 22: [2, 2], 23: [1, 1] } });
    see(3, 80, 61_500); // 0 and 1000 have left the fast window
    expect(counts()).toEqual({ targets: { 1: [0, 2], 2: [1, 1], 3: [1, 1] }, ports: { 22: [1, 2], 23: [0, 1], 80: [1, 1] } });
    see(3, 80, LONG + 1500); // 0 and 1000 are forgotten; target 1 and port 23 go with them
    expect(counts()).toEqual({ targets: { 2: [0, 1], 3: [1, 1] }, ports: { 22: [0, 1], 80: [1, 1] } });
    expect(k.cost).toBe(2 + 4 * GROUP_COST);
    expect(hv.items.size).toBe(2);
  });

  test('an item refreshed thousands of times keeps one live entry; counts and budget stay exact', () => {
    const { hv, k, see, counts } = heavy();
    see(2, 1, 0);
    see(3, 1, 0);
    for (let t = 0; t < 20_000_000; t += 1000) see(1, 1, t); // refreshed every second for 5.5 hours
    expect(counts()).toEqual({ targets: { 1: [1, 1] }, ports: { 1: [1, 1] } });
    expect(hv.items.size).toBe(1);
    expect(k.cost).toBe(1 + 2 * GROUP_COST);
  });

  test('the per-key cap drops the oldest item, fast or not, and keeps the counts right', () => {
    const { hv, k, budget, see, counts } = heavy();
    see(1, 10, 0);
    see(1, 11, 100_000);
    see(1, 12, 100_500);
    expect(hv.dropOldest(k, budget, 100_500)).toBe(true); // the long-only one
    expect(counts()).toEqual({ targets: { 1: [2, 2] }, ports: { 11: [1, 1], 12: [1, 1] } });
    expect(hv.dropOldest(k, budget, 100_500)).toBe(true); // a fast one
    expect(counts()).toEqual({ targets: { 1: [1, 1] }, ports: { 12: [1, 1] } });
    see(1, 13, 101_000);
    expect(counts()).toEqual({ targets: { 1: [2, 2] }, ports: { 12: [1, 1], 13: [1, 1] } });
    hv.dropOldest(k, budget, 101_000);
    hv.dropOldest(k, budget, 101_000);
    expect(hv.dropOldest(k, budget, 101_000)).toBe(false);
    expect(k.cost).toBe(0);
  });

  test('forgetting one port leaves the others; clearing keeps only ports with an episode', () => {
    const { hv, k, budget, see, counts } = heavy();
    for (let t = 1; t <= 5; t++) see(t, 23, t * 10);
    see(1, 22, 100);
    see(2, 22, 110);
    hv.forgetPort(k, budget, 23);
    expect(counts()).toEqual({ targets: { 1: [1, 1], 2: [1, 1] }, ports: { 22: [2, 2], 23: [0, 0] } });
    const alert = { last: 110 } as Alert;
    hv.ports.get(23)!.episode = new Episode(alert, false, FAST, new Set());
    hv.clear(k, budget);
    expect(counts()).toEqual({ targets: {}, ports: { 23: [0, 0] } });
    expect(k.cost).toBe(GROUP_COST);
  });

  test('a port holding an episode outlives its items until the episode has been quiet for its window', () => {
    const { hv, k, budget, see } = heavy();
    see(1, 23, 0);
    const ep = new Episode({ last: 0 } as Alert, false, FAST, new Set([1, 2]));
    hv.ports.get(23)!.episode = ep;
    hv.portEpisodeEntries = 2;
    budget.charge(k, 2);
    see(9, 80, LONG + 10); // item on 23 forgotten; its episode, last at 0, quiet far longer than its window
    expect(hv.ports.has(23)).toBe(false);
    expect(hv.portEpisodeEntries).toBe(0);
    const { hv: hv2, k: k2, budget: b2, see: see2 } = heavy();
    see2(1, 23, 0);
    hv2.ports.get(23)!.episode = new Episode({ last: LONG } as Alert, false, LONG, new Set([1]));
    see2(9, 80, LONG + 10); // quiet for 10 ms only: the port stays, for its episode
    expect(hv2.ports.get(23)).toMatchObject({ fast: 0, long: 0 });
    expect(k2.cost).toBe(1 + 3 * GROUP_COST);
    void b2;
  });
});
