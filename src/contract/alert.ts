/**
 * What every detector raises. One alert stands for one episode (a burst, a scan) and is
 * updated while the episode lasts; the store assigns `id` on first write.
 */
export interface Alert {
  id?: number;
  /** `worm`, `vertical-scan`, `horizontal-scan`. */
  kind: string;
  /** The host the alert is about: the inside host for worm, the scanning source for scans. */
  host: string;
  /** The port concerned (0 when many: a vertical scan). */
  port: number;
  proto: string;
  /** UTC epoch ms of the first and last event of the episode. */
  first: number;
  last: number;
  /** Distinct destinations (worm, horizontal scan) or ports (vertical scan) in the episode. */
  destinations: number;
  /** Packets or connection attempts counted in the episode. */
  events: number;
  /** Most distinct destinations (or ports) within one window. */
  peak: number;
  threshold: number;
  windowS: number;
  /** Danger level 1–5 from the episode's packets (psad's scale, DANGER_LEVEL1..5). */
  level?: number;
  /** Triage state (schema 012): `closed` once someone acknowledged it; the store tells. */
  state?: 'open' | 'closed';
  /** JSON-able: at least firstLine and lastLine (raw log lines); detector-specific details. */
  evidence: { firstLine: string; lastLine: string; [k: string]: unknown };
}
