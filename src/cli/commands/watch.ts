import type { Command } from 'commander';
import { FileWatch } from '../../pipeline/watch-files';
import { startLive, type LiveFlags } from '../live-run';
import { collect, parseIntOption } from '../inputs';
import { terminalSafe } from '../../util/terminal-text';
import { serveAlongside, serveOptions } from './serve';

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
      const watch = new FileWatch(paths, run.live, {
        onError: (e) => process.stderr.write(`portledger: ${terminalSafe(e.message)}\n`),
        onNotice: (m) => process.stderr.write(`portledger: ${terminalSafe(m)}\n`),
      });
      run.onStop(() => watch.stop());
      run.status = () => {
        const problem = watch.storeProblem();
        return `following ${watch.followed().length} file(s)${problem ? ` — not storing (${problem}), retrying` : ''}`;
      };
      await watch.start();
      if (!f.quiet && !f.json && !process.stdout.isTTY) process.stdout.write(`following ${terminalSafe(watch.followed().join(', ')) || 'nothing yet'}
`);
      if (!(await run.done)) process.exitCode = 1;
    });
}
