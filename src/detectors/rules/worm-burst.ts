/**
 * **Worm burst**: one inside host reaching many distinct outside hosts on one port — worm-like
 * outbound volume on TCP 445 (Sasser, Conficker, WannaCry spread over SMB). It is a sweep seen
 * from the inside, so it counts like one: distinct targets of the host on the port, in a window.
 * A host that talks often to one or a few file servers never reaches it, however busy.
 *
 * Thresholds and their sources (settings: `worm-threshold`, `worm-window`):
 * - `threshold` = 25 distinct outside hosts: Zeek `policy/misc/scan.zeek`
 *   `Scan::addr_scan_threshold` = 25, the same address-scan count the sweep rule uses.
 * - `windowMs` = 5 minutes: Zeek `Scan::addr_scan_interval`. No long window: a worm spreads fast.
 * - `port` = 445 over TCP (the pipeline feeds outbound events; others are not counted).
 *
 * The episode (one per host; on the host's port unit):
 * - **opens** when the host has reached ≥ `threshold` distinct destinations on the port within
 *   the window. `first`, the first line and `events` are those of the host's run on the port
 *   (since it was last quiet there for a whole window).
 * - **updates** on every later attempt: `events` (packets), `last`, `peak` (most destinations
 *   within one window), new destinations (`destinations`) and up to 20 sampled.
 * - **closes** at the first attempt after the host was quiet for a whole window.
 */
import { detach } from '../../util/detach';
import type { Alert } from '../alert';
import type { DistinctWindows } from '../distinct/distinct-windows';
import { Episode, type PortGroup } from '../distinct/records';
import type { Observation, Rule } from '../distinct/rule';
import { closeQuietPortEpisode } from '../distinct/port-episode';
import { dangerLevel, PSAD_DANGER_LEVELS, type DangerLevels } from './danger';
import { SAMPLE } from './scan-alert';

export interface WormSettings {
  /** Distinct destinations within the window that make an episode (Zeek's address-scan: 25). */
  threshold: number;
  windowMs: number;
  port: number;
  /** Packets for danger levels 1–5 (psad's scale, as scans): a burst carries its level too. */
  dangerLevels?: DangerLevels;
}

export const DEFAULT_WORM: WormSettings = { threshold: 25, windowMs: 5 * 60_000, port: 445 };

/** Distinct destinations counted per episode. */
const MAX_EPISODE_DESTINATIONS = 1_000_000;

/** The worm alert: `host` is the inside host; `events` its packets on the port (see above). */
export interface WormAlert extends Alert {
  kind: 'worm';
  proto: 'tcp';
  evidence: { firstLine: string; lastLine: string; sampleDestinations: string[]; raisedAt: number };
}

export class WormBurst implements Rule {
  readonly threshold: number;
  /** The episode the last event opened or updated (the detector returns its alert). */
  private touched: Episode<WormAlert> | undefined = undefined;

  constructor(private readonly w: DistinctWindows, private readonly s: WormSettings) {
    this.threshold = s.threshold;
  }

  /** The episode the event just counted opened or updated, if any. */
  takeTouched(): Episode<WormAlert> | undefined {
    const ep = this.touched;
    this.touched = undefined;
    return ep;
  }

  closeIfQuiet(o: Observation): void {
    closeQuietPortEpisode(this.w, o);
  }

  afterCount(o: Observation): void {
    const po = o.port;
    if (po === undefined) return;
    const ep = po.episode as Episode<WormAlert> | undefined;
    if (ep !== undefined) this.update(o, ep, po);
    else if (po.fast >= this.threshold) po.episode = this.open(o, po);
  }

  private open(o: Observation, po: PortGroup): Episode<WormAlert> {
    const { w } = this;
    const seen = new Set<number>();
    o.heavy.targetsOn(o.portCode, false, (target) => seen.add(target));
    w.table.charge(o.key, seen.size);
    o.heavy.portEpisodeEntries += seen.size;
    const sampleDestinations: string[] = [];
    for (const target of seen) {
      if (sampleDestinations.length >= SAMPLE) break;
      const name = w.codes.targetName(target);
      if (name !== undefined) sampleDestinations.push(name);
    }
    const alert: WormAlert = {
      kind: 'worm', host: w.codes.keyName(o.key.key), port: this.s.port, proto: 'tcp',
      first: w.clock.absolute(po.runFirst), last: o.ts, destinations: seen.size, events: po.runPackets, peak: po.fast,
      threshold: this.threshold, windowS: Math.round(w.fastMs / 1000), level: this.level(po.runPackets),
      evidence: { firstLine: w.text(po.runLine), lastLine: w.kept.now(o.raw), sampleDestinations, raisedAt: o.ts },
    };
    const ep = new Episode(alert, false, w.fastMs, seen);
    w.changed.add(ep);
    this.touched = ep;
    return ep;
  }

  private update(o: Observation, ep: Episode<WormAlert>, po: PortGroup): void {
    const a = ep.alert;
    a.events += o.packets;
    if (o.ts >= a.last) {
      a.last = o.ts;
      ep.lastRaw = o.raw;
    }
    if (po.fast > a.peak) a.peak = po.fast;
    a.level = this.level(a.events);
    if (!ep.seen.has(o.targetCode) && ep.seen.size < MAX_EPISODE_DESTINATIONS) {
      ep.seen.add(o.targetCode);
      this.w.table.charge(o.key, 1);
      o.heavy.portEpisodeEntries++;
      a.destinations = ep.seen.size;
      if (a.evidence.sampleDestinations.length < SAMPLE) a.evidence.sampleDestinations.push(detach(o.dst));
    }
    this.w.changed.add(ep);
    this.touched = ep;
  }

  private level(packets: number): number {
    return dangerLevel(packets, this.s.dangerLevels ?? PSAD_DANGER_LEVELS);
  }
}
