/**
 * psad's danger levels: the packets of an episode set its level, 1 to 5. psad.conf documents
 * `DANGER_LEVEL1..5` as "the total number of packets required for a scan to reach each danger
 * level" and ships 5 / 15 / 150 / 1,500 / 10,000. Level 1 (5 packets) is background noise, so
 * the scan rules raise an alert from level 2 by default (`minLevel`).
 */

export type DangerLevels = readonly [number, number, number, number, number];

/** psad.conf `DANGER_LEVEL1` … `DANGER_LEVEL5`. */
export const PSAD_DANGER_LEVELS: DangerLevels = Object.freeze([5, 15, 150, 1_500, 10_000]) as DangerLevels;

/** The danger level (0–5) of `packets`. */
export function dangerLevel(packets: number, levels: DangerLevels): number {
  let l = 0;
  while (l < 5 && packets >= levels[l]) l++;
  return l;
}

/** Whether `levels` is usable: 5 ascending positive integers. */
export function validDangerLevels(levels: unknown): levels is DangerLevels {
  return Array.isArray(levels) && levels.length === 5 && levels.every((x, i) => Number.isInteger(x) && x >= 1 && (i === 0 || x > levels[i - 1]));
}
