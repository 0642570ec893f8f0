/**
 * Worm-like outbound volume: one inside host reaching many distinct outside hosts on one port
 * (TCP 445 by default: Sasser, Conficker, WannaCry). Distinct destinations are counted in a
 * sliding window; crossing the threshold opens an episode, which is updated (not re-raised)
 * until the host has been quiet for a whole window. A host that talks to one or a few file
 * servers never crosses it, however busy.
 */

import { detach } from '../util/detach';
import { lineText, type LineRef, type LineTable } from './lines';
import type { Alert } from './alert';

export interface WormSettings {
  /** Distinct destinations within the window that make an episode (Zeek's address-scan: 25). */
  threshold: number;
  windowMs: number;
  port: number;
}

export const DEFAULT_WORM: WormSettings = { threshold: 25, windowMs: 5 * 60_000, port: 445 };

/**
 * The worm alert. `events` counts connection attempts: the distinct ones that opened the
 * episode, then every one after.
 */
export interface WormAlert extends Alert {
  kind: 'worm';
  proto: 'tcp';
  evidence: { firstLine: string; lastLine: string; sampleDestinations: string[] };
}

interface HostState {
  /** Destinations in the window and when each was last reached. */
  recent: Map<string, number>;
  /** (time, destination) in arrival order, for eviction. */
  queue: { ts: number; dst: string }[];
  queueHead: number;
  /** Raw lines that brought a new destination into the window: evidence if an episode opens. */
  lines: { ts: number; raw: string }[];
  episode?: { alert: WormAlert; seen: Set<string> };
}

const SAMPLE = 20;
const MAX_TRACKED_DESTINATIONS = 1_000_000;

export class WormDetector {
  /** Fed with outbound rows by the sink. */
  readonly feeds = 'outbound' as const;
  private readonly hosts = new Map<string, HostState>();
  private readonly changed = new Set<WormAlert>();
  /** The current batch's lines, which line indexes passed to `observe` point into. */
  private table: LineTable | undefined = undefined;

  constructor(private readonly settings: WormSettings = DEFAULT_WORM) {}

  /** The pipeline hands over each batch's line table before feeding its rows. */
  readLinesFrom(table: LineTable): void {
    this.table = table;
  }

  /** Feed one outbound event. Returns the alert when this event opened or updated an episode. */
  observe(host: string, dst: string, dstPort: number | undefined, transport: string, ts: number, raw: LineRef): WormAlert | undefined {
    if (dstPort !== this.settings.port || transport !== 'tcp') return undefined;
    const w = this.settings.windowMs;
    let st = this.hosts.get(host);
    if (!st) {
      st = { recent: new Map(), queue: [], queueHead: 0, lines: [] };
      this.hosts.set(detach(host), st);
    }
    // Kept for up to a window: copies, so they do not pin the batch text they were cut from.
    dst = detach(dst);
    this.evict(st, ts - w);
    // A destination is refreshed at most once a second, which bounds the queue for a host
    // that hammers one file server, at the cost of expiring it up to a second early.
    const prev = st.recent.get(dst);
    if (prev === undefined || ts - prev >= 1000) {
      st.queue.push({ ts, dst });
      st.recent.set(dst, ts);
      // Raw lines are only needed as evidence for an episode still to open.
      if (prev === undefined && !st.episode) st.lines.push({ ts, raw: lineText(raw, this.table) });
    }

    let ep = st.episode;
    if (ep && ts - ep.alert.last > w) {
      st.episode = ep = undefined; // quiet for a whole window: that episode is over
    }
    const distinct = st.recent.size;
    if (!ep) {
      if (distinct < this.settings.threshold) return undefined;
      const lastLine = lineText(raw, this.table);
      const firstInWindow = st.lines[0] ?? { ts, raw: lastLine };
      const alert: WormAlert = {
        kind: 'worm', host, port: this.settings.port, proto: 'tcp',
        first: firstInWindow.ts, last: ts, destinations: 0, events: distinct, peak: distinct,
        threshold: this.settings.threshold, windowS: Math.round(w / 1000),
        evidence: { firstLine: firstInWindow.raw, lastLine, sampleDestinations: [] },
      };
      ep = { alert, seen: new Set() };
      st.lines = [];
      for (const d of st.recent.keys()) this.remember(ep, d);
      st.episode = ep;
    } else {
      ep.alert.events += 1;
      ep.alert.last = ts;
      ep.alert.evidence.lastLine = lineText(raw, this.table);
      ep.alert.peak = Math.max(ep.alert.peak, distinct);
      this.remember(ep, dst);
    }
    this.changed.add(ep.alert);
    return ep.alert;
  }

  /** Alerts opened or updated since the last call; the store writes them with the batch. */
  drainChanged(): WormAlert[] {
    const out = [...this.changed];
    this.changed.clear();
    return out;
  }

  private remember(ep: { alert: WormAlert; seen: Set<string> }, dst: string): void {
    if (ep.seen.has(dst) || ep.seen.size >= MAX_TRACKED_DESTINATIONS) return;
    ep.seen.add(dst);
    ep.alert.destinations = ep.seen.size;
    if (ep.alert.evidence.sampleDestinations.length < SAMPLE) ep.alert.evidence.sampleDestinations.push(dst);
  }

  private evict(st: HostState, cutoff: number): void {
    while (st.queueHead < st.queue.length && st.queue[st.queueHead].ts < cutoff) {
      const { ts, dst } = st.queue[st.queueHead++];
      if (st.recent.get(dst) === ts) st.recent.delete(dst);
    }
    if (st.queueHead > 1024 && st.queueHead * 2 > st.queue.length) {
      st.queue = st.queue.slice(st.queueHead);
      st.queueHead = 0;
    }
    let drop = 0;
    while (drop < st.lines.length && st.lines[drop].ts < cutoff) drop++;
    if (drop > 0) st.lines.splice(0, drop);
  }
}
