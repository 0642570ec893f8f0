/**
 * Worm-like outbound volume: the worm-burst rule (rules/worm-burst.ts) on distinct windows
 * (distinct/), per inside host. Fed with outbound events; only those to the worm port over TCP
 * are counted. Pure, like every detector: time is the events' own.
 */
import type { LineRef, LineTable } from './lines';
import { DistinctWindows, type WindowSettings } from './distinct/distinct-windows';
import { DEFAULT_WORM, WormBurst, type WormAlert, type WormSettings } from './rules/worm-burst';

export { DEFAULT_WORM, type WormAlert, type WormSettings } from './rules/worm-burst';

/**
 * Memory. Inside hosts are few, but a worm reaches many hosts fast: one host may hold a quarter
 * of a million destinations in its window before its oldest go (WannaCry probed hundreds of
 * addresses a second); the whole detector stays within the scan detector's budget.
 */
const WORM_WINDOWS: Omit<WindowSettings, 'windowMs'> = { longWindowMs: 0, maxKeys: 65_536, maxEntriesPerKey: 262_144, maxEntries: 2_000_000 };

export class WormDetector {
  /** Fed with outbound rows by the sink. */
  readonly feeds = 'outbound' as const;
  private readonly windows: DistinctWindows;
  private readonly rule: WormBurst;

  constructor(private readonly settings: WormSettings = DEFAULT_WORM) {
    let rule: WormBurst | undefined;
    this.windows = new DistinctWindows({ ...WORM_WINDOWS, windowMs: settings.windowMs }, (w) => [(rule = new WormBurst(w, settings))]);
    this.rule = rule!;
  }

  /** The pipeline hands over each batch's line table before feeding its rows. */
  readLinesFrom(table: LineTable): void {
    this.windows.readLinesFrom(table);
  }

  /** Feed one outbound event. Returns the alert when this event opened or updated an episode. */
  observe(host: string, dst: string, dstPort: number | undefined, transport: string, ts: number, raw: LineRef, packets = 1): WormAlert | undefined {
    if (dstPort !== this.settings.port || transport !== 'tcp') return undefined;
    this.windows.observe(host, dst, dstPort, transport, ts, raw, packets);
    const ep = this.rule.takeTouched();
    if (ep === undefined) return undefined;
    this.windows.settle(ep);
    return ep.alert;
  }

  /** Alerts opened or updated since the last call; the store writes them with the batch. */
  drainChanged(): WormAlert[] {
    return this.windows.drain<WormAlert>();
  }
}
