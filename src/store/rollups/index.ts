/**
 * The one home of the report rollups (`port_day`, `port_hour`, and `hour_sources`: every port
 * together): counting scans in memory as batches are written (counter, aggregate), writing them
 * under the per-day ownership rule that keeps them exact with several writers (writer),
 * recounting dirty days from the events in small steps (settle), rebuilding them for a new zone
 * (rebuild), and the local hour and day numbers they are keyed by (buckets).
 */
import { randomUUID } from 'node:crypto';
import type { DB } from '../db';
import { RollupCounter } from './counter';
import { RollupWriter, daysWithRollups } from './writer';
import { adoptFromEvents } from './settle';

export { RollupCounter, type RollupDelta, type RollupScan } from './counter';
export { RollupWriter, daysWithRollups } from './writer';
export { settleRollups, markDaysDirty, countFromEvents, dirtyDays, dayRange, type SettleResult } from './settle';
export { rebuildRollups } from './rebuild';
export { PORT_NOT_LOGGED, reportPort, rollupPort, rollupPortSql, ScanAggregate } from './aggregate';

/** What one writing session counts rollups with. */
export interface RollupSession {
  counter: RollupCounter;
  writer: RollupWriter;
}

/**
 * `live`: long-running input (watch, listen) takes days over from the events when it can, so a
 * busy day is counted in memory rather than recounted again and again.
 */
export function rollupSession(db: DB, tz: string, opts: { live: boolean }): RollupSession {
  const counter = new RollupCounter(tz, daysWithRollups(db), opts.live ? adoptFromEvents(db, tz) : undefined);
  return { counter, writer: new RollupWriter(db, randomUUID()) };
}
