/**
 * Options several commands share, defined once so that their names, help and checks agree.
 * `--format` is always the output format; the log format is `--log-format`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { collect } from './inputs';

export const DB_HELP = 'database file (env PORTLEDGER_DB, default ./portledger.db)';

export const dbOption = () => new Option('--db <file>', DB_HELP);

/** The zone logs were written in (reading commands). */
export const logZoneOption = () =>
  new Option('--tz <zone>', "IANA zone the logs were written in (default: the zone stored in the database, else this machine's)");

/** The zone a report renders days and hours in. */
export const renderZoneOption = () => new Option('--tz <zone>', "IANA zone to render days and hours in (default: the database's zone)");

/** `--format` for output, with the formats a command offers; the default is named in the help. */
export const outputOption = (formats: readonly string[], dflt = formats[0]) =>
  new Option('--format <fmt>', `output: ${formats.join(' | ')} (default: ${dflt})`).choices(formats as string[]);

export const TABLE_FORMATS = ['table', 'json', 'csv', 'md'] as const;

/** A whole number within bounds; a value outside is a usage error (exit 2), not an empty result. */
export function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, not "${v}"`);
    }
    return n;
  };
}

export const portArg = intArg('a port', 0, 65535);
export const levelArg = intArg('a danger level', 1, 5);

const PROTOCOLS = /^(tcp|udp|icmp|ipv6-icmp|sctp|gre|esp|ah|igmp|udplite|dccp|\d{1,3})$/;

/** A protocol name as stored (`tcp`, `udp`, `icmp`, …) or its number. */
export function protoArg(v: string): string {
  const p = v.trim().toLowerCase();
  if (!PROTOCOLS.test(p)) throw new InvalidArgumentError(`"${v}" is not a protocol: use tcp, udp, icmp, ipv6-icmp, sctp, gre, esp, … or a number`);
  return p;
}

/** `--limit N` (or `--top N`): at most N rows (listings). */
export const limitOption = () => new Option('--limit <n>', 'show at most N rows (--top N says the same)').argParser(intArg('--limit', 1));
const topOption = () => new Option('--top <n>', 'the same as --limit').argParser(intArg('--top', 1)).hideHelp();

/** `--no-pager`: long output on a terminal is not sent through $PAGER / less. */
export const pagerOption = () => new Option('--no-pager', 'print long output straight to the terminal instead of through $PAGER (default: less -FRX)');

/**
 * For reports made of several lists (ip, port): `--top N` bounds each list; `--limit N` says
 * the same.
 */
export function topOptions(cmd: Command, what: string): Command {
  return cmd
    .addOption(new Option('--top <n>', what).argParser(intArg('--top', 1)))
    .addOption(new Option('--limit <n>', 'the same as --top').argParser(intArg('--limit', 1)).hideHelp())
    .addOption(pagerOption());
}

/** What every listing takes: the output format, --limit / --top, --no-pager. */
export function listingOptions(cmd: Command, formats: readonly string[] = TABLE_FORMATS): Command {
  return cmd.addOption(outputOption(formats)).addOption(limitOption()).addOption(topOption()).addOption(pagerOption());
}

/**
 * What the reading commands share (ingest, parse, watch, listen): where the database is, the
 * zone and year of the stamps, the log format, home networks and WAN interfaces.
 */
export function readingOptions(cmd: Command): Command {
  return cmd
    .addOption(dbOption())
    .addOption(logZoneOption())
    .option('--year <yyyy>', 'year for syslog stamps without one (default: from the file time, now for streams; New Year handled)', intArg('--year', 1990, 9999))
    .option('--log-format <id>', 'force one log format instead of detecting it per line (see: portledger formats)')
    .addOption(new Option('--format <id>', 'deprecated spelling of --log-format').hideHelp())
    .option('--home <cidr>', 'a home network (repeatable, comma lists accepted); RFC 1918, loopback, link-local and ULA always count', collect)
    .option('--wan-if <iface>', 'an interface facing the Internet (repeatable), the best direction evidence', collect);
}

/** The log format a reading command was given; the old `--format` still works, with a warning. */
export function logFormatOf(o: { logFormat?: string; format?: string }): string | undefined {
  if (o.format !== undefined) {
    process.stderr.write('portledger: --format on this command is deprecated: use --log-format (--format now always means the output format)\n');
  }
  return o.logFormat ?? o.format;
}
