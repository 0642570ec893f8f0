import type { Command } from 'commander';
import { FileWatch, type CatchUp } from '../../pipeline/watch-files';
import { liveLog, startLive, type LiveFlags } from '../live-run';
import { collect, parseIntOption } from '../inputs';
import { terminalSafe } from '../../util/terminal-text';
import { serveAlongside, serveOptions } from './serve';

/** How often a catch-up is reported on stderr when there is no panel. */
const CATCH_UP_NOTE_MS = 3000;

const mb = (n: number) => (n / 1e6).toFixed(1);

/** `catching up: 12.3 of 200.0 MB read (6 %), 81,234 lines, 41.0 MB/s — /var/log/kern.log` (the numbers first: a narrow panel cuts the end). */
export function catchUpText(c: CatchUp): string {
  const pct = c.size ? Math.floor((100 * c.offset) / c.size) : 100;
  const secs = c.elapsedMs / 1000;
  const rate = secs > 0.5 ? `, ${mb(c.bytesRead / secs)} MB/s` : '';
  return terminalSafe(`catching up: ${mb(c.offset)} of ${mb(c.size)} MB read (${pct} %), ${c.lines.toLocaleString('en-US')} lines${rate} — ${c.path}`);
}

/** The files still catching up, one line each, and those that have finished since the last look. */
function sayCatchUp(watch: FileWatch, log: (line: string) => void): void {
  for (const c of watch.caughtUp()) {
    log(terminalSafe(`caught up with ${c.path}: ${c.linesRead.toLocaleString('en-US')} lines (${mb(c.bytesRead)} MB) in ${(c.elapsedMs / 1000).toFixed(1)} s; following it live`));
  }
  for (const c of watch.catchingUp()) log(catchUpText(c));
}

/** Options shared by `watch` and `listen` (the same as `ingest`, plus alert outputs). */
export function liveOptions(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)')
    .option('--tz <zone>', "IANA time zone the logs are written in (default: this machine's zone)")
    .option('--year <yyyy>', 'year for syslog stamps without one (default: now; New Year handled)', parseIntOption('--year'))
    .option('--format <id>', 'force one log format instead of detecting it')
    .option('--home <cidr>', 'a home network (repeatable, comma lists accepted)', collect)
    .option('--wan-if <iface>', 'an interface facing the Internet (repeatable)', collect)
    .option('--alerts-file <file>', 'append every alert as a JSON line to this file')
    .option('--webhook <url>', 'POST every alert as JSON to this URL (retried with backoff)')
    .option('-q, --quiet', 'no live panel and no console lines')
    .option('--json', 'NDJSON of events and alerts on stdout, as Elastic Common Schema documents (event.kind event / alert), instead of the panel')
    .option('--original', "with --json: each event's log line as event.original")
    .option('--no-slow-scans', 'detect scans within 5 minutes only, not also those spread over 24 hours')
    .option('--slow-scans', 'also detect scans spread over 24 hours, remembered across runs (the default)');
}

/** `liveOptions` and the in-process dashboard's. */
function withServe(cmd: Command): Command {
  return serveOptions(liveOptions(cmd));
}

export function register(program: Command): void {
  withServe(program.command('watch').argument('<paths...>', 'files or globs (quote globs so new files are picked up)'))
    .description('follow growing log files (rotation of every kind handled) into the database, alerting as attacks happen')
    .action(async (paths: string[], f: LiveFlags & Parameters<typeof serveAlongside>[1]) => {
      const run = startLive(f, 'watch');
      await serveAlongside(run, f);
      // Without the panel, a large existing file's catch-up is a stderr line every few seconds.
      const log = liveLog(f);
      const watch = new FileWatch(paths, run.live, {
        onError: (e) => process.stderr.write(`portledger: ${terminalSafe(e.message)}\n`),
        onNotice: (m) => process.stderr.write(`portledger: ${terminalSafe(m)}\n`),
        onCatchUp: (c) => (log && !process.stdout.isTTY ? log(catchUpText(c)) : undefined),
      });
      run.onStop(() => watch.stop());
      run.status = () => {
        const problem = watch.storeProblem();
        return [`following ${watch.followed().length} file(s)${problem ? ` — not storing (${problem}), retrying` : ''}`, ...watch.catchingUp().map(catchUpText)];
      };
      const progress = log && !process.stdout.isTTY ? setInterval(() => sayCatchUp(watch, log), CATCH_UP_NOTE_MS) : undefined;
      run.onStop(() => clearInterval(progress));
      await watch.start();
      if (log && !process.stdout.isTTY) {
        process.stdout.write(`following ${terminalSafe(watch.followed().join(', ')) || 'nothing yet'}\n`);
      }
      if (!(await run.done)) process.exitCode = 1;
    });
}
