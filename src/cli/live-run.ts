/**
 * What `watch` and `listen` share: the live pipeline with its alert outputs, the live panel on
 * a terminal (or NDJSON with --json, or nothing with --quiet), periodic rollup recounts, and a
 * clean exit on SIGTERM / SIGINT.
 */
import { systemZone } from '../../parsers/clock';
import { closeDb, openDb, resolveDbPath, type DB } from '../store/db';
import { addToSettings, loadSettings } from '../store/settings';
import { splitList } from '../classify/networks';
import { LivePipeline } from '../pipeline/live';
import { batchToEcs } from '../pipeline/batch-ecs';
import { alertEcsDocument } from '../../parsers/ecs';
import { AlertOutputs, Webhook } from '../act/alert-outputs';
import { liveSnapshot, renderPanel } from '../../reports/live';

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
}

export interface LiveRun {
  db: DB;
  live: LivePipeline;
  /** Extra status for the panel header, set by the command. */
  status: () => string;
  /** Registers what to stop on exit (the watcher, the servers). */
  onStop: (fn: () => Promise<void> | void) => void;
  /** Resolves when a signal asked the run to stop and everything was flushed. */
  done: Promise<void>;
}

export function startLive(f: LiveFlags, title: string): LiveRun {
  const db = openDb(resolveDbPath(f.db));
  addToSettings(db, splitList(f.home), splitList(f.wanIf));
  const webhook = f.webhook ? new Webhook(f.webhook) : undefined;
  const panel = !f.quiet && !f.json && process.stdout.isTTY;
  const outputs = new AlertOutputs({
    console: f.quiet || f.json || panel ? undefined : (l) => process.stdout.write(l + '\n'),
    json: f.json ? (d) => process.stdout.write(JSON.stringify(alertEcsDocument(d)) + '\n') : undefined,
    jsonFile: f.alertsFile,
    webhook,
  });
  const live = new LivePipeline(db, {
    tz: f.tz ?? systemZone(),
    year: f.year,
    format: f.format,
    onAlerts: (a) => outputs.publish(a),
    onBatch: f.json ? (b) => { for (const doc of batchToEcs(b, { original: f.original })) process.stdout.write(JSON.stringify(doc) + '\n'); } : undefined,
    everyLine: f.json && f.original,
  });
  const stops: (() => Promise<void> | void)[] = [];
  const run: LiveRun = { db, live, status: () => '', onStop: (fn) => stops.push(fn), done: Promise.resolve() };
  const tz = loadSettings(db).tz;
  // A recount the database refuses now (locked by another writer, full) is tried again at the
  // next tick; said once, and never the end of the run.
  let settleProblem: string | undefined;
  const settleTimer = setInterval(() => {
    try {
      live.settle();
      settleProblem = undefined;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (why !== settleProblem) process.stderr.write(`portledger: rollup recount postponed (${why}); retrying\n`);
      settleProblem = why;
    }
  }, 5000);
  const panelTimer = panel
    ? setInterval(() => {
        const hook = webhook ? `  webhook sent ${webhook.stats.sent} failed ${webhook.stats.failed} dropped ${webhook.stats.dropped}` : '';
        const lines = renderPanel(liveSnapshot(db, tz), `portledger ${title} — ${live.tally.events} events, ${live.tally.skips} skipped, ${live.tally.rejects} rejected${hook}  ${run.status()}`);
        process.stdout.write('\x1b[H\x1b[2J' + lines.join('\n') + '\n');
      }, 1500)
    : undefined;
  run.done = new Promise<void>((resolve) => {
    const stop = async () => {
      clearInterval(settleTimer);
      if (panelTimer) clearInterval(panelTimer);
      for (const fn of stops) await fn();
      try {
        live.close();
      } catch (e) {
        // Every batch is committed already; what is left (a recount, the detectors' memory) waits for the next run.
        process.stderr.write(`portledger: could not finish the rollup recount on exit (${e instanceof Error ? e.message : String(e)})\n`);
      }
      await webhook?.flush(3000);
      closeDb(db);
      resolve();
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });
  return run;
}
