import { Option, type Command } from 'commander';
import { resolveDbPath } from '../../store/db';
import { DEFAULT_SERVE, startServe, type RunningServe } from '../../serve/server';
import type { LiveRun } from '../live-run';
import { collect } from '../inputs';
import { dbOption } from '../options';

export interface ServeFlags {
  db?: string;
  listen?: string;
  token?: string;
  tokenFile?: string;
  geoip?: string[];
  resolve?: boolean;
}

const log = (l: string) => process.stderr.write(`portledger: ${l.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?')}\n`);

/** The token from --token, --token-file, or the environment (PORTLEDGER_TOKEN: kept out of `ps`). */
function tokenFlags(f: { token?: string; tokenFile?: string }): { token?: string; tokenFile?: string } {
  if (f.token === undefined && f.tokenFile === undefined && process.env.PORTLEDGER_TOKEN) return { token: process.env.PORTLEDGER_TOKEN };
  return { token: f.token, tokenFile: f.tokenFile };
}

function serveOf(f: ServeFlags, listen: string | undefined): Promise<RunningServe> {
  return startServe({ dbFile: resolveDbPath(f.db), listen, ...tokenFlags(f), geoip: f.geoip, resolve: f.resolve, log });
}

/**
 * `watch … --serve [addr]` and `listen … --serve [addr]`: the dashboard in the same process,
 * nudged by every committed batch. A dashboard that cannot start stops the run (exit 1).
 */
export async function serveAlongside(run: LiveRun, f: { db?: string; serve?: string | boolean; serveToken?: string; serveTokenFile?: string; geoip?: string[] }): Promise<void> {
  if (f.serve === undefined || f.serve === false) return;
  let s: RunningServe;
  try {
    s = await serveOf({ db: f.db, token: f.serveToken, tokenFile: f.serveTokenFile, geoip: f.geoip }, typeof f.serve === 'string' ? f.serve : undefined);
  } catch (e) {
    await run.stop();
    throw e;
  }
  run.onCommit(s.nudge);
  run.onStop(() => s.close());
  process.stderr.write(`portledger: dashboard on ${s.url}\n`);
}

/** The options `watch` and `listen` take for an in-process dashboard. */
export function serveOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--serve [addr]', `also serve the live dashboard (default ${DEFAULT_SERVE}; anything but loopback needs --serve-token)`))
    .option('--serve-token <token>', 'access token of the dashboard (at least 16 characters; env PORTLEDGER_TOKEN)')
    .option('--serve-token-file <file>', 'read the dashboard token from the first line of this file');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('the live web dashboard: overview, ports, addresses, alerts inbox, sources and reports, updated as events arrive')
    .option('--listen <[host:]port>', `address and port (default ${DEFAULT_SERVE}; anything but loopback needs a token)`)
    .addOption(dbOption())
    .option('--token <token>', 'require this access token (at least 16 characters; env PORTLEDGER_TOKEN keeps it out of ps)')
    .option('--token-file <file>', 'read the token from the first line of this file')
    .option('--geoip <file>', 'a MaxMind .mmdb (GeoLite2-Country, -City or -ASN) for country and ASN on address pages (repeatable)', collect)
    .option('--resolve', 'reverse DNS names on address pages (2 s timeout)')
    .action(async (f: ServeFlags) => {
      const s = await serveOf(f, f.listen);
      process.stdout.write(`portledger dashboard on ${s.url}${s.host === '0.0.0.0' || s.host === '::' ? ' (all addresses; token required)' : ''}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await s.close();
    });
}
