/**
 * What rules with an episode per (key, port) — a horizontal sweep, a worm burst — do when the
 * episode has gone quiet: close it, give back what its destinations were charged, and forget the
 * items on that port, so a new episode has to meet the threshold again.
 */
import type { DistinctWindows } from './distinct-windows';
import type { Observation } from './rule';

export function closeQuietPortEpisode(w: DistinctWindows, o: Observation): void {
  const ep = o.port?.episode;
  if (ep === undefined || o.ts - ep.alert.last <= ep.windowMs) return;
  o.port!.episode = undefined;
  o.heavy.portEpisodeEntries -= ep.seen.size;
  w.table.charge(o.key, -ep.seen.size);
  w.restartPort(o.key, o.portCode);
}
