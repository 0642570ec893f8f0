/**
 * **Horizontal sweep**: one source probing one port on many of your addresses — looking for every
 * telnet or RDP server on a network (masscan, Mirai-style bots).
 *
 * Thresholds and their sources (settings in scan-settings.ts):
 * - `horizontalTargets` = 25 distinct targets on one port and protocol within one window: Zeek
 *   `policy/misc/scan.zeek` `Scan::addr_scan_threshold` = 25. psad rates any scan by its packets
 *   only (danger.ts); the psad.conf we checked (mrash/psad) has no distinct-host threshold.
 * - fast window 5 minutes (Zeek `Scan::addr_scan_interval`), long window 24 hours.
 * - `minLevel` = 2: the source's packets on that port must also reach psad's danger level 2.
 *
 * The episode (one per source, port and protocol; on the key's port unit):
 * - **opens** when the port has ≥ `horizontalTargets` distinct targets in the fast window and the
 *   source's fast run on the port reached `minLevel`; else the same in the long window. `first`,
 *   the first line and `events` are those of the run on the port.
 * - **updates** on every later packet of the source on that port: `events`, `last`, the level,
 *   `peak`, new targets (`destinations`, exact up to 65,536 per source) and up to 20 sampled.
 * - **closes** at the first packet on the port after the source was quiet there for the episode's
 *   window: the source's probes on that port are forgotten (its other ports are not).
 */
import { detach } from '../../util/detach';
import type { DistinctWindows } from '../distinct/distinct-windows';
import { portNumber, protocolOf } from '../distinct/item-codes';
import { Episode, type PortGroup } from '../distinct/records';
import type { Observation, Rule } from '../distinct/rule';
import { closeQuietPortEpisode } from '../distinct/port-episode';
import { scanTypeIds } from '../../contract/scan-types';
import { dangerLevel, type DangerLevels } from './danger';
import { countScanPacket, MAX_EPISODE_DESTINATIONS, SAMPLE, type ScanAlert } from './scan-alert';

/** Zeek scan.zeek `Scan::addr_scan_threshold`. */
export const HORIZONTAL_TARGETS = 25;

export interface HorizontalSweepSettings {
  horizontalTargets: number;
  minLevel: number;
  dangerLevels: DangerLevels;
}

export class HorizontalSweep implements Rule {
  readonly threshold: number;

  constructor(private readonly w: DistinctWindows, private readonly s: HorizontalSweepSettings) {
    this.threshold = s.horizontalTargets;
  }

  closeIfQuiet(o: Observation): void {
    closeQuietPortEpisode(this.w, o);
  }

  afterCount(o: Observation): void {
    const po = o.port;
    if (po === undefined) return;
    const ep = po.episode as Episode<ScanAlert> | undefined;
    if (ep !== undefined) this.update(o, ep, ep.slow ? po.long : po.fast);
    else if (po.fast >= this.threshold && this.level(po.runPackets) >= this.s.minLevel) po.episode = this.open(o, po, false);
    else if (this.w.slowOn && po.long >= this.threshold && this.level(po.longRunPackets) >= this.s.minLevel) po.episode = this.open(o, po, true);
  }

  private open(o: Observation, po: PortGroup, slow: boolean): Episode<ScanAlert> {
    const { w } = this;
    const seen = new Set<number>();
    o.heavy.targetsOn(o.portCode, slow, (target) => seen.add(target));
    w.table.charge(o.key, seen.size);
    o.heavy.portEpisodeEntries += seen.size;
    const sampleTargets: string[] = [];
    for (const target of seen) {
      if (sampleTargets.length >= SAMPLE) break;
      const name = w.codes.targetName(target);
      if (name !== undefined) sampleTargets.push(name);
    }
    const events = slow ? po.longRunPackets : po.runPackets;
    const windowMs = slow ? w.longMs : w.fastMs;
    const port = portNumber(o.portCode);
    const alert: ScanAlert = {
      kind: 'horizontal-scan', host: w.codes.keyName(o.key.key), port, proto: w.codes.protocols[protocolOf(o.portCode)],
      first: w.clock.absolute(slow ? po.longRunFirst : po.runFirst), last: o.ts, destinations: seen.size, events,
      peak: slow ? po.long : po.fast, threshold: this.threshold, windowS: Math.round(windowMs / 1000), level: this.level(events),
      evidence: {
        firstLine: w.text(slow ? po.longRunLine : po.runLine), lastLine: w.kept.now(o.raw), window: slow ? 'long' : 'fast',
        samplePorts: [port], sampleTargets, scanTypes: scanTypeIds(po.probes | o.probe), raisedAt: o.ts,
      },
    };
    const ep = new Episode(alert, slow, windowMs, seen);
    ep.probes = po.probes | o.probe;
    ep.protos.push(protocolOf(o.portCode));
    w.changed.add(ep);
    return ep;
  }

  private update(o: Observation, ep: Episode<ScanAlert>, inWindow: number): void {
    countScanPacket(o, ep, inWindow, this.s.dangerLevels);
    const a = ep.alert;
    const target = o.targetCode;
    if (!ep.seen.has(target) && ep.seen.size < MAX_EPISODE_DESTINATIONS && o.heavy.portEpisodeEntries < MAX_EPISODE_DESTINATIONS) {
      ep.seen.add(target);
      this.w.table.charge(o.key, 1);
      o.heavy.portEpisodeEntries++;
      a.destinations = ep.seen.size;
      if (a.evidence.sampleTargets.length < SAMPLE) a.evidence.sampleTargets.push(detach(o.dst));
    }
    this.w.changed.add(ep);
  }

  private level(packets: number): number {
    return dangerLevel(packets, this.s.dangerLevels);
  }
}
