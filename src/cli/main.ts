#!/usr/bin/env node
/**
 * The command line: the only face of portledger. Each command parses its options and calls
 * into the pipeline, store or reports; no logic lives here.
 */
import { Command, Option } from 'commander';
import { collect, parseIntOption } from './inputs';
import { ingestCommand } from './commands/ingest';
import { parseCommand } from './commands/parse';
import { alertsCommand, portsCommand, sourcesPerHourCommand } from './commands/reports';
import { configSet, configShow, formatsList, migrate, trustAdd, trustList, trustRemove } from './commands/admin';
import { demoCommand } from './commands/demo';
import { coverageCommand } from './commands/coverage';
import { registerSources } from './commands/sources';
import { registerWatch } from './commands/watch';
import { registerListen } from './commands/listen';
import { registerIp } from './commands/ip';
import { registerExport } from './commands/export';
import { registerPort } from './commands/port';
import { registerDaily } from './commands/daily';

const program = new Command();
const out = (s: string) => process.stdout.write(s);

const dbOption = () => new Option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)');
const tzOption = (what: string) => new Option('--tz <zone>', `IANA time zone ${what} (default: this machine's zone)`);
const formatOut = () => new Option('--format <fmt>', 'table | csv | json | md (default: table on a terminal, json in a pipe)');

function readOptions(cmd: Command): Command {
  return cmd
    .addOption(dbOption())
    .addOption(tzOption('the logs were written in'))
    .option('--year <yyyy>', 'year for syslog stamps without one (default: from the file time; New Year handled)', parseIntOption('--year'))
    .option('--format <id>', 'force one log format instead of detecting it (see: portledger formats)')
    .option('--home <cidr>', 'a home network (repeatable, comma lists accepted); RFC 1918, loopback, link-local and ULA always count', collect)
    .option('--wan-if <iface>', 'an interface facing the Internet (repeatable), the best direction evidence', collect);
}

program
  .name('portledger')
  .description('A ledger of everything that knocks on your network\'s ports: firewall and router logs in, per-port reports out.')
  .showHelpAfterError();

readOptions(program.command('ingest').argument('[paths...]', 'files, globs, .gz files, or - for stdin', []))
  .description('read logs into the database (already-ingested text is recognized and skipped)')
  .option('-q, --quiet', 'no progress bar and no summary')
  .option('--slow-scans', 'also detect scans spread over 24 hours, remembered across runs (slower; watch and listen always do)')
  .action(async (paths: string[], o) => {
    await ingestCommand(paths, o);
  });

readOptions(program.command('parse').argument('[paths...]', 'files, globs, .gz files, or - for stdin', []))
  .description('print normalized events as NDJSON with Elastic Common Schema names; summary on stderr')
  .action(async (paths: string[], o) => {
    await parseCommand(paths, o);
  });

const report = program.command('report').description('reports over the stored events');
report
  .command('ports')
  .description('per port, protocol and day: events, unique sources and unique targets of inbound scans (trusted left out)')
  .option('--from <date>', 'first day, YYYY-MM-DD (default: 6 days before --to)')
  .option('--to <date>', 'last day, YYYY-MM-DD (default: the latest day with data)')
  .option('--port <n>', 'one port only', parseIntOption('--port'))
  .option('--proto <p>', 'one protocol only (tcp, udp, icmp, …)')
  .addOption(formatOut())
  .addOption(tzOption('to render in'))
  .addOption(dbOption())
  .action((o) => {
    out(portsCommand(o));
  });
report
  .command('sources-per-hour')
  .description('per port, protocol and hour of one day: unique source addresses of inbound scans')
  .option('--date <date>', 'the day, YYYY-MM-DD (default: the latest day with data)')
  .option('--port <n>', 'one port only', parseIntOption('--port'))
  .option('--proto <p>', 'one protocol only')
  .addOption(formatOut())
  .addOption(tzOption('to render in'))
  .addOption(dbOption())
  .action((o) => {
    out(sourcesPerHourCommand(o));
  });

program
  .command('alerts')
  .description('alerts raised by the detectors (worm-like outbound volume on 445, …) with their evidence')
  .addOption(formatOut())
  .addOption(tzOption('to render in'))
  .addOption(dbOption())
  .action((o) => {
    out(alertsCommand(o));
  });

const trust = program.command('trust').description('sources you trust; retroactive for every report');
trust
  .command('add')
  .argument('<ip-or-cidr>')
  .option('--note <text>', 'why it is trusted')
  .addOption(dbOption())
  .action((t: string, o) => {
    out(trustAdd(t, o));
  });
trust.command('remove').argument('<ip-or-cidr>').addOption(dbOption()).action((t: string, o) => {
    out(trustRemove(t, o));
  });
trust.command('list').addOption(formatOut()).addOption(dbOption()).action((o) => {
    out(trustList(o));
  });

const config = program.command('config').description('settings stored in the database (home networks, WAN interfaces, zone, worm thresholds)');
config.command('show').addOption(formatOut()).addOption(dbOption()).action((o) => {
    out(configShow(o));
  });
config
  .command('set')
  .argument('<key>', 'home | wan-if | tz | worm-threshold | worm-window | scan-ports | scan-hosts | scan-window | scan-min-level')
  .argument('<value>', 'comma list for home and wan-if')
  .addOption(dbOption())
  .action((k: string, v: string, o) => {
    out(configSet(k, v, o));
  });

program
  .command('migrate')
  .description('bring a database written by an older portledger to this version (writing commands also do it)')
  .addOption(dbOption())
  .action((o) => {
    out(migrate(o));
  });

program
  .command('coverage')
  .description('parse coverage of log files, grouped by folder: events per format, skips and rejects per reason (stores nothing)')
  .argument('<paths...>', 'files or folders')
  .addOption(tzOption('the logs were written in'))
  .option('--year <yyyy>', 'year for syslog stamps without one', parseIntOption('--year'))
  .option('--format <id>', 'force one log format')
  .option('--output <fmt>', 'table | csv | json | md (default: table on a terminal, json in a pipe)')
  .action(async (paths: string[], o) => {
    out(await coverageCommand(paths, o));
  });

program.command('formats').description('the log formats portledger reads, with an example line each').addOption(formatOut()).action((o) => {
    out(formatsList(o));
  });

program
  .command('demo')
  .description('ingest the bundled fixtures into a fresh database and print the reports')
  .option('--db <file>', 'database to (re)create', 'portledger-demo.db')
  .action((o) => demoCommand(o));

// Commands registered by their own modules (one line each).
registerDaily(program);
registerPort(program);
registerIp(program);
registerExport(program);
registerSources(program);
registerWatch(program);
registerListen(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`portledger: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
