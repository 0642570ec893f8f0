/**
 * What every route of the dashboard shares: the read-only connection of the main thread (fast,
 * rollup-backed queries), the two worker threads (slow reads; writes), the authentication, the
 * live hub, and the cache of day totals (rebuilt when the database's zone changes).
 */
import type { Context } from 'hono';
import type { DB } from '../store/db';
import type { DayTotalsCache } from '../../reports/day-totals';
import type { Auth, AuthResult } from './auth';
import type { DbWorker } from './workers';
import type { LiveHub } from './live';
import type { Asset } from './assets';

export interface ServeContext {
  dbFile: string;
  db: DB;
  auth: Auth;
  /** Questions that read many events (explorer, addresses, a port's sources, cold days). */
  reader: DbWorker;
  /** The daily and range reports: seconds on a busy day, so they wait in a queue of their own. */
  reports: DbWorker;
  /** Null when the database cannot be written by this user: the dashboard is then read-only. */
  writer: DbWorker | null;
  readOnlyReason: string | null;
  hub: LiveHub;
  assets: Map<string, Asset>;
  totals: () => DayTotalsCache;
  /** Host names a loopback dashboard answers to (DNS rebinding); undefined with a token. */
  hosts?: Set<string>;
  log: (line: string) => void;
}

/** Hono's environment: node-server puts the request in `incoming`; routes set `auth`. */
export interface Env {
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } };
  Variables: { auth: AuthResult; csp?: string };
}

/** The peer's address (rate limits, the "via" of triage notes). */
export function remoteAddress(c: Context<Env>): string {
  const a = c.env?.incoming?.socket?.remoteAddress ?? 'local';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
