#!/usr/bin/env node
/**
 * The command line: the only face of portledger. Each command lives in commands/<name>.ts,
 * registers itself with one `register(program)`, parses its options and calls into the
 * pipeline, store, config or reports; no rule lives here.
 *
 * Exit codes: 0 success, 1 runtime error (one line on stderr), 2 usage error. A closed pipe
 * (`| head`) ends the command quietly.
 */
import { Command, CommanderError } from 'commander';
import { checkNode } from './runtime';
import { packageVersion } from './version';
import { terminalSafe } from '../util/terminal-text';
import * as ingest from './commands/ingest';
import * as parse from './commands/parse';
import * as reports from './commands/reports';
import * as daily from './commands/daily';
import * as port from './commands/port';
import * as ip from './commands/ip';
import * as trust from './commands/trust';
import * as config from './commands/config';
import * as sources from './commands/sources';
import * as coverage from './commands/coverage';
import * as formats from './commands/formats';
import * as exporter from './commands/export';
import * as watch from './commands/watch';
import * as listen from './commands/listen';
import * as demo from './commands/demo';
import * as prune from './commands/prune';
import * as shell from './commands/shell';
import * as serve from './commands/serve';

const COMMANDS: { register(program: Command): void }[] = [ingest, parse, reports, daily, port, ip, trust, config, prune, sources, coverage, formats, exporter, watch, listen, serve, demo, shell];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('portledger')
    .description("A ledger of everything that knocks on your network's ports: firewall and router logs in, per-port reports out.")
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  for (const cmd of allCommands(program)) cmd.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** Ends the process quietly when the reader of stdout or stderr went away (`| head`). */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

async function main(): Promise<void> {
  quietOnClosedPipe();
  checkNode();
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit 0; anything commander refused is a usage error (its message is printed already).
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    // One line: messages name files and values from the command line, never raw to the terminal.
    process.stderr.write(`portledger: ${terminalSafe(msg)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
