/**
 * A thread of the dashboard server with its own database connection, so that slow work never
 * stalls the event loop that answers the pages and feeds the live connections:
 *
 * - `read`: queries that read many events (the explorer, an address's history, a port's top
 *   sources, the daily and range reports), on a read-only connection;
 * - `write`: trust, untrust, alert triage and trust expiry, on a writing connection (a trust
 *   change reclassifies a source's past events and recounts their days: seconds on a big
 *   database).
 *
 * Requests are handled one at a time, in order; each answer carries the request's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb, openReadOnly, closeDb, type DB } from '../store/db';
import { addTrusted, expireTrusted, removeTrusted } from '../store/trust-store';
import { triageAlert, type Actor, type TriageAction } from '../store/alert-triage';
import { exploreEvents, type ExploreFilter, type ExploreGroup } from '../../reports/events-feed';
import { geoLookup, ipHistory, reverseLookup, systemResolver } from '../../reports/ip-history';
import { portSources } from '../../reports/port-page';
import { latestDay, overview, type OverviewOptions } from '../../reports/overview';
import { dayTotalsFor } from '../../reports/day-totals';
import { buildReport } from '../../reports/daily-data';
import { renderDailyHtml } from '../../reports/daily-html';
import { renderDailyCsv } from '../../reports/daily-md';
import { loadSettings } from '../store/settings';
import { dayStartUtc } from '../../reports/daily-data';
import { dayLabel, dayNumber } from '../store/rollups/buckets';
import { EventLocator } from '../../reports/event-locator';
import { DaySources } from '../../reports/day-sources';
import { AddressDays, AHEAD_ADDRESSES, AHEAD_DAYS as ADDRESS_DAYS } from '../../reports/address-days';
import { DailyReportCache } from '../../reports/report-cache';
import { KeptAnswers } from '../../reports/kept-answers';
import type { DailyReport } from '../../reports/daily-shape';

export type Role = 'read' | 'write';
/**
 * `ahead`: what this read thread does when idle — `questions`: recent days' totals, then the
 * event locator (reports/event-locator.ts); `reports`: the report of the day before the latest.
 */
export interface WorkerInit { role: Role; file: string; geoip: string[]; resolve: boolean; ahead?: 'questions' | 'reports' }

type Handler = (db: DB, args: never) => unknown;

const DNS_TIMEOUT_MS = 2000;

/** This thread's day totals (its own connection, its own memory). */
let dayTotals: ReturnType<typeof dayTotalsFor> | undefined;
/** This thread's daily reports of finished days (reports/report-cache.ts). */
let reports: DailyReportCache | undefined;
/** This thread's index of events by address and port, when it keeps one. */
let locator: EventLocator | undefined;

/** This thread's scanning sources per port of the days asked about, when it keeps them. */
let daySources: DaySources | undefined;

/** This thread's addresses' days (the address page), when it keeps them. */
let addressDays: AddressDays | undefined;

/** This thread's answers about given days, kept while those days stay as they are. */
let answers: KeptAnswers | undefined;

/** An answer about local days first..last (given: the latest day's is not a fixed question), kept. */
function kept<T>(db: DB, op: string, args: unknown, first: string | undefined, last: string | undefined, compute: () => T): T {
  if (!first) return compute();
  const tz = loadSettings(db).tz;
  const from = dayStartUtc(dayNumber(first), tz);
  const until = dayStartUtc(dayNumber(last ?? first) + 1, tz);
  return (answers ??= new KeptAnswers(db)).get(`${op} ${JSON.stringify(args)}`, from, until, compute);
}

const read: Record<string, Handler> = {
  explore: (db, a: { filter: ExploreFilter; group?: ExploreGroup; limit?: number; offset?: number; before?: [number, number] }) =>
    kept(db, 'explore', a, a.filter.from, a.filter.to, () => exploreEvents(db, a.filter, { group: a.group, limit: a.limit, offset: a.offset, before: a.before, locator, daySources })),
  portSources: (db, a: { port: number; proto?: string; date?: string }) => kept(db, 'portSources', a, a.date, a.date, () => portSources(db, a.port, { ...a, locator, daySources })),
  // A day not yet in the main thread's memory is counted here, off the event loop.
  overview: (db, a: OverviewOptions) => overview(db, (dayTotals ??= dayTotalsFor(db))(), a),
  ip: async (db, a: { address: string; from?: string; to?: string }) => {
    const init = workerData as WorkerInit;
    const tz = loadSettings(db).tz;
    const range: [number, number] | undefined = a.from ? [dayStartUtc(dayNumber(a.from), tz), dayStartUtc(dayNumber(a.to ?? a.from) + 1, tz)] : undefined;
    const h = ipHistory(db, a.address, { range, top: 15, locator, addressDays });
    if (init.resolve) h.reverseDns = await reverseLookup(h.address, systemResolver(DNS_TIMEOUT_MS), DNS_TIMEOUT_MS);
    if (init.geoip.length) h.geoip = await geoLookup(h.address, init.geoip);
    return h;
  },
  report: (db, a: { from: string; to: string; range: boolean; format: 'html' | 'json' | 'csv'; part?: string }) => {
    const render = (r: DailyReport): string => {
      if (a.format === 'html') return renderDailyHtml(r);
      if (a.format === 'json') return JSON.stringify(r, null, 2) + '\n';
      const parts = renderDailyCsv(r);
      const part = parts.find((p) => p.suffix === (a.part ? `-${a.part}` : ''));
      if (!part) throw new Error(`part is one of: ${parts.map((p) => p.suffix.slice(1) || 'ports').join(', ')}`);
      return part.text;
    };
    // A day's report (and its text) is kept while its day and the past before it stay as they are.
    if (!a.range && a.from === a.to) return { text: (reports ??= new DailyReportCache(db)).rendered(a.from, `${a.format} ${a.part ?? ''}`, render) };
    return { text: render(buildReport(db, a.from, a.to, { range: a.range })) };
  },
};

const write: Record<string, Handler> = {
  trustAdd: (db, a: { cidr: string; note?: string; expires?: number | null }) => addTrusted(db, a.cidr, a.note, { expires: a.expires }),
  trustRemove: (db, a: { cidr: string }) => removeTrusted(db, a.cidr),
  triage: (db, a: { id: number; action: TriageAction; note?: string; actor: Actor }) => triageAlert(db, a.id, a.action, a.actor, a.note),
  expire: (db) => expireTrusted(db),
};

function open(init: WorkerInit): DB {
  // The writer migrates the file if this build's schema is newer, as every writing command does.
  if (init.role === 'write') return openDb(init.file, { mustExist: true });
  const db = openReadOnly(init.file);
  // Temporary tables (an address's events) in memory, and room for the pages a question re-reads.
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  return db;
}

/**
 * Work ahead starts after this long without a question (a step, 0.1 to 1 s, delays a question
 * that comes meanwhile: none while someone is clicking through pages), then goes on step after
 * step until done, and looks again for new work every IDLE_RECHECK_MS.
 */
const IDLE_QUIET_MS = 3000;
const IDLE_STEP_MS = 0;
const IDLE_RECHECK_MS = 5000;
/** Days before the latest whose totals are counted ahead (the Overview's day picker). */
const AHEAD_DAYS = 7;

/**
 * One step ahead; false when nothing is left. Questions: the totals of a recent day not counted
 * yet, else a chunk of the locator. Reports: the last finished day's report (the one a user
 * opens the morning after), kept until its day or the past before it changes.
 */
function stepAhead(db: DB, what: 'questions' | 'reports'): boolean {
  const latest = latestDay(db);
  if (what === 'reports') {
    if (latest === null) return false;
    const cache = (reports ??= new DailyReportCache(db));
    return cache.keepAhead(dayLabel(latest)) || cache.keepAhead(dayLabel(latest - 1));
  }
  if (latest !== null) {
    if (warmStep(db, latest)) return true;
    if (daySources?.countAhead(latest - 1)) return true;
    const totals = (dayTotals ??= dayTotalsFor(db))();
    for (let d = latest - 1; d >= latest - AHEAD_DAYS; d--) if (totals.countAhead(d)) return true;
  }
  return locator?.step() ?? false;
}

/** Busiest sources of the latest day whose days are read ahead: the top ones overall, and of its busiest ports (the port page's list). */
const AHEAD_PORTS = 3;
const AHEAD_PER_PORT = 15;

/**
 * What the first pages ask about, done ahead from the start (a slice per step, each question
 * answered between two): the latest day's sources per port (an hour of its scans per step), then
 * the last seven days of its busiest sources (a day of them per step, all in one pass).
 */
function warmStep(db: DB, latest: number): boolean {
  if (!daySources || !addressDays) return false;
  if (daySources.countAhead(latest)) return true;
  const ips = daySources.busiest(latest, AHEAD_ADDRESSES, AHEAD_PORTS, AHEAD_PER_PORT);
  const tz = loadSettings(db).tz;
  for (let d = latest; d > latest - ADDRESS_DAYS; d--) if (ips.length && addressDays.readAhead(ips, d, tz)) return true;
  return false;
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  let db: DB;
  try {
    db = open(init);
    port.postMessage({ ready: true });
  } catch (e) {
    port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code });
    process.exit(0);
  }
  const handlers = init.role === 'write' ? write : read;
  let queue = Promise.resolve();
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  const idle = (ms: number) => {
    if (init.role !== 'read' || !init.ahead) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (pending) return;
      let more = false;
      try {
        more = stepAhead(db, init.ahead!);
      } catch {
        // A busy or changing database: try again later; questions read the events meanwhile.
      }
      idle(more ? IDLE_STEP_MS : IDLE_RECHECK_MS);
    }, ms);
    timer.unref();
  };
  if (init.role === 'read' && init.ahead === 'questions') {
    locator = new EventLocator(db);
    daySources = new DaySources(db);
    addressDays = new AddressDays(db, locator);
  }
  // At start, what the first pages ask about, without waiting for a quiet moment: the latest
  // day's report on the reports thread; its sources per port and its busiest sources' days
  // here, a step at a time through the queue (a question that comes meanwhile waits one step).
  // The server asks for it (op 'warm') once the thread before it in the start-up sequence is
  // done, so the threads do not all compete for the CPU with the first questions.
  let closed = false;
  const warm = (done: () => void) => {
    if (closed) return;
    pending++;
    queue = queue.then(() => {
      let more = false;
      try {
        const latest = latestDay(db);
        if (latest !== null) {
          if (init.ahead === 'reports') (reports ??= new DailyReportCache(db)).keepAhead(dayLabel(latest));
          else more = warmStep(db, latest);
        }
      } catch {
        // Done when asked instead.
      } finally {
        if (--pending === 0) idle(IDLE_QUIET_MS);
      }
      // After the questions that came meanwhile (setImmediate runs after the messages waiting).
      if (more) setImmediate(() => warm(done));
      else done();
    });
  };
  idle(IDLE_QUIET_MS);
  port.on('message', (m: { id: number; op: string; args: unknown } | { close: true }) => {
    if ('close' in m) {
      closed = true;
      clearTimeout(timer);
      locator = undefined;
      queue = queue.then(() => {
        if (init.role === 'write') closeDb(db);
        else db.close();
        port.close();
      });
      return;
    }
    if (m.op === 'warm' && init.role === 'read' && init.ahead) {
      warm(() => port.postMessage({ id: m.id, ok: true, result: null }));
      return;
    }
    pending++;
    queue = queue.then(async () => {
      try {
        const h = handlers[m.op];
        if (!h) throw new Error(`unknown operation ${m.op}`);
        port.postMessage({ id: m.id, ok: true, result: await h(db, m.args as never) });
      } catch (e) {
        port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code });
      } finally {
        if (--pending === 0) idle(IDLE_QUIET_MS);
      }
    });
  });
}
