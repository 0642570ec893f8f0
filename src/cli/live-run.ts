/**
 * What `watch` and `listen` share: the live pipeline with its alert outputs, the live panel on
 * a terminal (or NDJSON with --json, or nothing with --quiet), periodic rollup recounts, and a
 * clean exit on SIGTERM / SIGINT.
 *
 * A daemon must not die of its database: a recount refused because another process holds the
 * lock, or the disk is full, is retried with backoff (said once on stderr and in the panel),
 * never an exit. And it must not run without purpose: everything that can fail at start (zone,
 * database, settings) fails before a timer or a signal handler exists, so a failed start exits.
 */
import v8 from 'node:v8';
import { checkZone } from '../../parsers/clock';
import { readingZone } from '../config/settings';
import { closeDb, openDb, resolveDbPath, storeUnavailable, type DB } from '../store/db';
import { addToSettings, loadSettings } from '../store/settings';
import { splitList } from '../classify/networks';
import { LivePipeline } from '../pipeline/live';
import { batchToEcs } from '../pipeline/batch-ecs';
import { alertEcsDocument } from '../../parsers/ecs';
import { AlertOutputs, Webhook } from '../act/alert-outputs';
import { liveSnapshot, PANEL_WIDTH, panelText, renderPanel } from '../../reports/live';

export interface LiveFlags {
  db?: string;
  tz?: string;
  year?: number;
  format?: string;
  home?: string[];
  wanIf?: string[];
  alertsFile?: string;
  webhook?: string;
  quiet?: boolean;
  json?: boolean;
  /** With --json: each event's log line as event.original. */
  original?: boolean;
  /** `--no-slow-scans` gives false. */
  slowScans?: boolean;
}

export interface LiveRun {
  db: DB;
  live: LivePipeline;
  /** Extra status for the panel header, set by the command: one part, or several (each on its own line when they do not fit one). */
  status: () => string | string[];
  /** Registers what to stop on exit (the watcher, the servers); a returned string is a problem to report. */
  onStop: (fn: () => Promise<string | void> | string | void) => void;
  /** Called after every committed batch (the in-process dashboard's hook). */
  onCommit: (fn: () => void) => void;
  /** Stops the run as a signal would (a part that failed to start). */
  stop: () => Promise<void>;
  /** Resolves when a signal asked the run to stop and everything was flushed; false when something was left unsaved. */
  done: Promise<boolean>;
}

const SETTLE_MS = 5000;
const SETTLE_MAX_BACKOFF_MS = 60_000;

export interface LiveRunOptions {
  /**
   * How long one write waits for another process's lock before it is retried later (default: the
   * store's 5 s). `listen` keeps it short: while SQLite waits, no datagram is read.
   */
  busyTimeoutMs?: number;
  /** Parse and classify in a worker thread (`listen`; `watch` keeps it in-process, its text comes a line at a time). */
  parseThread?: boolean;
}

/** Informational stderr lines of a live run (bound addresses, …): on unless --quiet or --json. */
export function liveLog(f: LiveFlags): ((line: string) => void) | undefined {
  return f.quiet || f.json ? undefined : liveWarn;
}

/**
 * Problems a live run works around (the database refusing writes, a recount postponed): always on
 * stderr, --quiet included — a service's journal is where they must be seen.
 */
export function liveWarn(line: string): void {
  process.stderr.write(`portledger: ${line}\n`);
}

/** Flags checked before anything is opened (startLive checks them again). */
export function checkLiveFlags(f: LiveFlags): void {
  if (f.tz === undefined) return;
  try {
    checkZone(f.tz);
  } catch (e) {
    throw new Error(`--tz: ${(e as Error).message}`);
  }
}

/**
 * V8 sizes the heap by the machine's memory and, between full collections, lets it grow to
 * several times what is alive: `listen` went from 90 MB idle to 450–670 MB under load. A daemon
 * runs for months, so its heap grows by 30 % over what is alive instead (the flag is read at
 * each collection; set at run time it takes effect from the next one). Measured on a million
 * messages from distinct sources: peak RSS 348 → 219 MB at the same rate.
 */
function keepHeapClose(): void {
  v8.setFlagsFromString('--heap-growing-percent=30');
}

export function startLive(f: LiveFlags, title: string, opts: LiveRunOptions = {}): LiveRun {
  checkLiveFlags(f);
  keepHeapClose();
  const db = openDb(resolveDbPath(f.db));
  let live: LivePipeline;
  let webhook: Webhook | undefined;
  let outputs: AlertOutputs;
  const commits: (() => void)[] = [];
  try {
    if (opts.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs)}`);
    addToSettings(db, splitList(f.home), splitList(f.wanIf));
    webhook = f.webhook ? new Webhook(f.webhook) : undefined;
    const panelOn = !f.quiet && !f.json && process.stdout.isTTY;
    outputs = new AlertOutputs({
      console: f.quiet || f.json || panelOn ? undefined : (l) => process.stdout.write(l + '\n'),
      json: f.json ? (d) => process.stdout.write(JSON.stringify(alertEcsDocument(d)) + '\n') : undefined,
      jsonFile: f.alertsFile,
      webhook,
    });
    live = new LivePipeline(db, {
      tz: readingZone(f.tz, db),
      year: f.year,
      format: f.format,
      onAlerts: (a) => outputs.publish(a),
      onBatch: (b) => {
        if (f.json) for (const doc of batchToEcs(b, { original: f.original })) process.stdout.write(JSON.stringify(doc) + '\n');
        for (const fn of commits) fn();
      },
      everyLine: f.json && f.original,
      slowScans: f.slowScans,
      parseThread: opts.parseThread,
      onParseThreadFailure: (e) => liveWarn(`${e.message}: parsing goes on in the storing thread`),
    });
  } catch (e) {
    closeDb(db);
    throw e;
  }
  const log = liveWarn;
  const panel = !f.quiet && !f.json && process.stdout.isTTY;
  const stops: (() => Promise<string | void> | string | void)[] = [];
  const run: LiveRun = {
    db, live, status: () => '', onStop: (fn) => stops.push(fn), onCommit: (fn) => commits.push(fn), stop: () => Promise.resolve(), done: Promise.resolve(true),
  };
  const tz = loadSettings(db).tz;

  // The periodic recount, retried with backoff while the database refuses it.
  let settleProblem: { reason: string; since: number; failures: number } | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  const settle = () => {
    let next = SETTLE_MS;
    try {
      live.settle();
      if (settleProblem) log(`rollup recount done again after ${((Date.now() - settleProblem.since) / 1000).toFixed(1)} s (${settleProblem.reason})`);
      settleProblem = undefined;
    } catch (e) {
      const reason = storeUnavailable(e) ?? 'error';
      if (!settleProblem) {
        settleProblem = { reason, since: Date.now(), failures: 0 };
        log(`rollup recount postponed (${reason}: ${(e as Error).message}); retrying with backoff, events keep being stored`);
      }
      next = Math.min(SETTLE_MS * 2 ** ++settleProblem.failures, SETTLE_MAX_BACKOFF_MS);
    }
    settleTimer = setTimeout(settle, next);
  };
  settleTimer = setTimeout(settle, SETTLE_MS);

  const panelTimer = panel
    ? setInterval(() => {
        const hook = webhook ? `webhook sent ${webhook.stats.sent} failed ${webhook.stats.failed} dropped ${webhook.stats.dropped}` : '';
        const recount = settleProblem ? `recount postponed: ${settleProblem.reason}` : '';
        // The terminal's width now (it may have been resized), 80 when it does not say.
        const width = process.stdout.columns || PANEL_WIDTH;
        let lines: string[];
        try {
          lines = renderPanel(liveSnapshot(db, tz), [`portledger ${title} — ${live.tally.events} events, ${live.tally.skips} skipped, ${live.tally.rejects} rejected`, hook, recount, ...[run.status()].flat()], width);
        } catch (e) {
          lines = panelText([`portledger ${title}`, ...[run.status()].flat(), `panel unavailable: ${(e as Error).message}`], width);
        }
        process.stdout.write('\x1b[H\x1b[2J' + lines.join('\n') + '\n');
      }, 1500)
    : undefined;
  let stopping: Promise<void> | undefined;
  run.done = new Promise<boolean>((resolve) => {
    const stop = () => (stopping ??= (async () => {
      clearTimeout(settleTimer);
      if (panelTimer) clearInterval(panelTimer);
      let ok = true;
      for (const fn of stops) {
        const problem = await fn();
        if (problem) {
          process.stderr.write(`portledger: ${problem}\n`);
          ok = false;
        }
      }
      try {
        live.close();
      } catch (e) {
        // Every batch is committed already: the hours to recount stay marked for the next run (or
        // any writer); only the scan detector's memory since its last save (a minute at most) is lost.
        const reason = storeUnavailable(e) ?? (e instanceof Error ? e.message : String(e));
        process.stderr.write(`portledger: final save left undone (${reason}): the rollup recount waits for the next run; scan-detector memory since its last save (a minute at most) is not kept\n`);
      }
      await webhook?.flush(3000);
      closeDb(db);
      resolve(ok);
    })());
    run.stop = stop;
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });
  return run;
}
