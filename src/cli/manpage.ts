/**
 * The man page, written from the command tree (every command, its arguments and options, as
 * --help shows them), so `man portledger` and `--help` always agree. The build writes it to
 * dist/man/portledger.1 (package.json "man"); `portledger man` prints it.
 */
import type { Argument, Command, Option } from 'commander';

/** roff text: backslashes and leading dots or quotes cannot start requests. */
function roff(s: string): string {
  return s.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

function commands(c: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  const own = c.commands.filter((x) => !(x as unknown as { _hidden?: boolean })._hidden);
  return own.flatMap((x) => [{ path: [...path, x.name()], cmd: x }, ...commands(x, [...path, x.name()])]);
}

function synopsis(path: string[], cmd: Command): string {
  const args = (cmd.registeredArguments as readonly Argument[]).map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
  return ['portledger', ...path, cmd.options.length ? '[options]' : '', ...args].filter(Boolean).join(' ');
}

export function manPage(program: Command, version: string, date: string): string {
  const out: string[] = [
    `.TH PORTLEDGER 1 "${date}" "portledger ${version}" "User Commands"`,
    '.SH NAME',
    `portledger \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    '.B portledger',
    '.I command',
    '[options]',
    '.SH DESCRIPTION',
    roff(
      'portledger reads the logs a router or firewall writes (netfilter and its router flavours, pf, Cisco, Windows Firewall, MikroTik, FortiGate, Palo Alto, Juniper, consumer routers, flow logs), stores them normalized in one SQLite file, tells inbound scans from outbound traffic and from late packets of finished sessions, detects port scans and worm-like outbound volume on 445, and reports per port and per day.',
    ),
    '.SH COMMANDS',
  ];
  for (const { path, cmd } of commands(program)) {
    if (cmd.commands.length > 0 && cmd.options.length === 0 && (cmd.registeredArguments as readonly Argument[]).length === 0) {
      out.push('.SS ' + roff(['portledger', ...path].join(' ')), roff(cmd.description()));
      continue;
    }
    out.push('.SS ' + roff(synopsis(path, cmd)), roff(cmd.description()));
    for (const o of (cmd.options as Option[]).filter((x) => !x.hidden)) {
      out.push('.TP', `.B ${roff(o.flags)}`, roff(o.description + (o.argChoices ? ` (one of: ${o.argChoices.join(', ')})` : '')));
    }
  }
  out.push(
    '.SH ENVIRONMENT',
    '.TP',
    '.B PORTLEDGER_DB',
    roff('the database file when --db is not given (default ./portledger.db)'),
    '.TP',
    '.B NO_COLOR',
    roff('no colour in tables and alerts, even on a terminal (also TERM=dumb)'),
    '.TP',
    '.B FORCE_COLOR',
    roff('colour in a pipe too (0 or false: never)'),
    '.TP',
    '.B PORTLEDGER_PAGER, PAGER',
    roff('the pager for output longer than the terminal (default: less -FRX when installed; empty or cat: none; never in a pipe; --no-pager)'),
    '.TP',
    '.B COLUMNS',
    roff('the width tables are fitted to (default: the terminal\'s; in a pipe nothing is cut unless it is set)'),
    '.SH EXIT STATUS',
    roff('0 on success, 1 when the command failed (one line on standard error says why), 2 for a usage error. A closed pipe ends a command quietly with 0.'),
    '.SH FILES',
    roff('The database is one SQLite file; open it with sqlite3 and start with the view events_named.'),
  );
  return out.join('\n') + '\n';
}
