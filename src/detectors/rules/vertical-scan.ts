/**
 * **Vertical scan**: one source probing many distinct ports of one of your addresses — a port
 * scan of a host (`nmap 203.0.113.10`).
 *
 * Thresholds and their sources (settings in scan-settings.ts):
 * - `verticalPorts` = 15 distinct ports of one target within one window: Zeek
 *   `policy/misc/scan.zeek` `Scan::port_scan_threshold` = 15; CrowdSec
 *   `crowdsecurity/iptables-scan-multi_ports` fills its bucket at 15 distinct `dst_port`.
 * - fast window 5 minutes (Zeek `Scan::port_scan_interval`), long window 24 hours (slow scans:
 *   one probe every few minutes never shows 15 ports within 5).
 * - `minLevel` = 2: the source's packets must also reach psad's danger level 2 (15 packets; see
 *   danger.ts). With the defaults 15 distinct ports are already 15 packets.
 *
 * The episode (one per source; on the key's unit, whose activity is the source's):
 * - **opens** when the event's target has ≥ `verticalPorts` distinct ports in the fast window and
 *   the source's fast run reached `minLevel`; else the same in the long window. `first`, the
 *   first line and `events` are those of the run (since the source was last quiet for a whole
 *   window of that size); `destinations` the distinct ports of that target in the window.
 * - **updates** on every later packet of the source, on any target: `events`, `last`, the level,
 *   `peak` (most ports of one target in the window), new ports (`destinations`, exact up to
 *   65,536) and up to 20 sampled ports and targets.
 * - **closes** at the first packet after the source was quiet for the episode's window: what the
 *   source probed is forgotten, so a new episode has to meet the threshold again.
 */
import { detach } from '../../util/detach';
import type { DistinctWindows } from '../distinct/distinct-windows';
import { portNumber, protocolOf } from '../distinct/item-codes';
import { Episode, type TargetGroup } from '../distinct/records';
import type { Tracked } from '../distinct/tracked';
import type { Observation, Rule } from '../distinct/rule';
import { scanTypeIds } from '../../contract/scan-types';
import { dangerLevel, type DangerLevels } from './danger';
import { countScanPacket, MAX_EPISODE_DESTINATIONS, SAMPLE, type ScanAlert } from './scan-alert';

/** Zeek scan.zeek `Scan::port_scan_threshold`; CrowdSec `iptables-scan-multi_ports` capacity. */
export const VERTICAL_PORTS = 15;

export interface VerticalScanSettings {
  verticalPorts: number;
  minLevel: number;
  dangerLevels: DangerLevels;
}

export class VerticalScan implements Rule {
  readonly threshold: number;

  constructor(private readonly w: DistinctWindows, private readonly s: VerticalScanSettings) {
    this.threshold = s.verticalPorts;
  }

  closeIfQuiet(o: Observation): void {
    const ep = o.heavy.episode;
    if (ep === undefined || o.ts - ep.alert.last <= ep.windowMs) return;
    o.heavy.episode = undefined;
    this.w.table.charge(o.key, -ep.seen.size);
    this.w.restartKey(o.key);
  }

  afterCount(o: Observation): void {
    const k = o.key;
    const hv = o.heavy;
    const tg = o.target;
    const ep = hv.episode as Episode<ScanAlert> | undefined;
    if (ep !== undefined) this.update(o, ep, tg === undefined ? 0 : ep.slow ? tg.long : tg.fast);
    else if (tg === undefined) return;
    else if (tg.fast >= this.threshold && this.level(k.runPackets) >= this.s.minLevel) hv.episode = this.open(o, tg, false);
    else if (this.w.slowOn && tg.long >= this.threshold && this.level(k.longRunPackets) >= this.s.minLevel) hv.episode = this.open(o, tg, true);
  }

  private open(o: Observation, tg: TargetGroup, slow: boolean): Episode<ScanAlert> {
    const { w } = this;
    const k: Tracked = o.key;
    const seen = new Set<number>();
    o.heavy.portsOf(tg, slow, (port) => seen.add(port));
    w.table.charge(k, seen.size);
    const protos: number[] = [];
    const samplePorts: number[] = [];
    for (const port of seen) {
      if (!protos.includes(protocolOf(port))) protos.push(protocolOf(port));
      if (samplePorts.length < SAMPLE) samplePorts.push(portNumber(port));
    }
    const events = slow ? k.longRunPackets : k.runPackets;
    const windowMs = slow ? w.longMs : w.fastMs;
    const alert: ScanAlert = {
      kind: 'vertical-scan', host: w.codes.keyName(k.key), port: 0, proto: this.protoList(protos),
      first: w.clock.absolute(slow ? k.longRunFirst : k.runFirst), last: o.ts, destinations: seen.size, events,
      peak: slow ? tg.long : tg.fast, threshold: this.threshold, windowS: Math.round(windowMs / 1000), level: this.level(events),
      evidence: {
        firstLine: w.text(slow ? k.longRunLine : k.runLine), lastLine: w.kept.now(o.raw), window: slow ? 'long' : 'fast',
        samplePorts, sampleTargets: [detach(o.dst)], scanTypes: scanTypeIds(k.probes | o.probe), targets: 1, raisedAt: o.ts,
      },
    };
    const ep = new Episode(alert, slow, windowMs, seen);
    ep.protos.push(...protos);
    ep.targets.push(tg.code);
    ep.targetSet = new Set([tg.code]);
    ep.probes = k.probes | o.probe;
    w.changed.add(ep);
    return ep;
  }

  private update(o: Observation, ep: Episode<ScanAlert>, inWindow: number): void {
    countScanPacket(o, ep, inWindow, this.s.dangerLevels);
    const a = ep.alert;
    const ev = a.evidence;
    const port = o.portCode;
    if (!ep.seen.has(port) && ep.seen.size < MAX_EPISODE_DESTINATIONS) {
      ep.seen.add(port);
      this.w.table.charge(o.key, 1);
      a.destinations = ep.seen.size;
      if (ev.samplePorts.length < SAMPLE) ev.samplePorts.push(portNumber(port));
      if (!ep.protos.includes(protocolOf(port))) {
        ep.protos.push(protocolOf(port));
        a.proto = this.protoList(ep.protos);
      }
    }
    const targets = (ep.targetSet ??= new Set(ep.targets));
    if (!targets.has(o.targetCode) && targets.size < MAX_EPISODE_DESTINATIONS) {
      targets.add(o.targetCode);
      // Exact while the episode lives in this process; a restored one counts on from its number.
      ev.targets = (ev.targets ?? targets.size - 1) + 1;
      if (ev.sampleTargets.length < SAMPLE) {
        ep.targets.push(o.targetCode);
        ev.sampleTargets.push(detach(o.dst));
      }
    }
    this.w.changed.add(ep);
  }

  private level(packets: number): number {
    return dangerLevel(packets, this.s.dangerLevels);
  }

  /** `tcp`, `tcp+udp`, …: the protocols of the ports probed. */
  private protoList(codes: number[]): string {
    return codes.map((c) => this.w.codes.protocols[c]).join('+');
  }
}
