/**
 * `portledger serve`: opens the database (a read-only connection on the main thread, a reading
 * and a writing thread), refuses to expose itself beyond loopback without a token, and listens.
 * A port in use or an address this host does not have is an error that says so; the caller
 * (the CLI) exits non-zero with it. `close` stops everything it started.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { openReadOnly, type DB } from '../store/db';
import { parseListenAddress, fmtAddr } from '../sources/syslog/address';
import { Auth, readToken } from './auth';
import { DbWorker, WorkerError } from './workers';
import { LiveHub } from './live';
import { loadAssets } from './assets';
import { createApp } from './app';
import type { ServeContext } from './context';
import { dayTotalsFor } from '../../reports/day-totals';
import { loopbackHosts } from './security';
import { latestDay } from '../../reports/overview';

/** The read threads' start-up work (reports/day-sources.ts, address-days.ts, the latest report): seconds, minutes under load. */
const WARM_TIMEOUT_MS = 600_000;

export const DEFAULT_SERVE = '127.0.0.1:8514';

export interface ServeOptions {
  dbFile: string;
  /** [HOST:]PORT (default 127.0.0.1:8514; a bare port binds loopback). */
  listen?: string;
  token?: string;
  tokenFile?: string;
  /** MaxMind databases for country and ASN on address pages. */
  geoip?: string[];
  /** Reverse DNS on address pages (2 s timeout). */
  resolve?: boolean;
  /** How often the live feed asks the database whether anything changed (ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface RunningServe {
  url: string;
  host: string;
  port: number;
  hub: LiveHub;
  /** The in-process hook of `watch --serve` / `listen --serve`: a batch was committed. */
  nudge: () => void;
  close: () => Promise<void>;
}

/** Loopback: 127.0.0.0/8 and ::1 (and their IPv4-mapped form). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^::ffff:/i, '');
  return (net.isIPv4(h) && h.startsWith('127.')) || h === '::1';
}

function listenError(where: string, e: NodeJS.ErrnoException): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return new Error(`cannot serve on ${where}: the port is in use (another portledger serve? pick another with --listen)`);
    case 'EADDRNOTAVAIL':
      return new Error(`cannot serve on ${where}: this host has no such address (use 127.0.0.1, 0.0.0.0, [::] or one of its own addresses)`);
    case 'EACCES':
      return new Error(`cannot serve on ${where}: ports below 1024 need privileges; use a higher port such as 8514`);
    default:
      return new Error(`cannot serve on ${where}: ${e.message}`);
  }
}

/** Why the write thread could not open the database, as one sentence for a read-only dashboard. */
function readOnlyReason(e: unknown): string | null {
  const code = (e as { code?: string }).code ?? '';
  const msg = e instanceof Error ? e.message : String(e);
  if (/READONLY|CANTOPEN|PERM|AUTH|EACCES|EROFS/.test(code) || /readonly|read-only|permission/i.test(msg)) {
    return `this user cannot write the database (${msg}); trust and triage are disabled`;
  }
  return null;
}

export async function startServe(o: ServeOptions): Promise<RunningServe> {
  const log = o.log ?? (() => {});
  const addr = parseListenAddress(o.listen ?? DEFAULT_SERVE, '127.0.0.1');
  const where = fmtAddr(addr.host, addr.port);
  const token = readToken(o.token, o.tokenFile);
  if (!isLoopback(addr.host) && token === undefined) {
    throw new Error(`serving on ${where} would show your logs to the network: give --token or --token-file (or --listen 127.0.0.1:${addr.port})`);
  }
  if (!fs.existsSync(o.dbFile)) throw new Error(`no database at ${o.dbFile}: run "portledger ingest" first, or point --db / PORTLEDGER_DB at yours`);
  for (const g of o.geoip ?? []) if (!fs.existsSync(g)) throw new Error(`--geoip ${g}: no such file`);

  const init = { file: o.dbFile, geoip: o.geoip ?? [], resolve: !!o.resolve };
  // The writer first: it migrates the file when this build's schema is newer.
  let writer: DbWorker | null = new DbWorker('write', init);
  let reason: string | null = null;
  try {
    await writer.ready;
  } catch (e) {
    await writer.close().catch(() => {});
    writer = null;
    reason = readOnlyReason(e);
    if (!reason) throw e instanceof WorkerError ? new Error(e.message) : e;
    log(reason);
  }
  const started: { close(): Promise<void> | void }[] = writer ? [writer] : [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.close();
  };
  let db: DB;
  let reader: DbWorker;
  let reports: DbWorker;
  try {
    db = openReadOnly(o.dbFile);
    started.push({ close: () => void db.close() });
    reader = new DbWorker('read', { ...init, ahead: 'questions' });
    started.push(reader);
    reports = new DbWorker('read', { ...init, ahead: 'reports' });
    started.push(reports);
    await Promise.all([reader.ready, reports.ready]);
  } catch (e) {
    await stopAll();
    throw e;
  }
  const totals = dayTotalsFor(db);
  const hub = new LiveHub(db, totals, o.pollMs ?? 500, log);
  const ctx: ServeContext = {
    dbFile: o.dbFile, db, auth: new Auth(token), reader, reports, writer, readOnlyReason: reason, hub, assets: loadAssets(), totals,
    hosts: token === undefined ? new Set<string>() : undefined, log,
  };
  const app = createApp(ctx);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: addr.host, port: addr.port }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(addr.port, addr.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await stopAll();
    throw listenError(where, e as NodeJS.ErrnoException);
  }
  server.on('error', (e) => log(`server error: ${e.message}`));
  hub.start();
  // Temporary trust ends on time even when no writer of events runs.
  const expiry = writer
    ? setInterval(() => {
        writer!.run('expire').then(
          (r) => (r as unknown[]).length && hub.nudge(),
          (e: Error) => log(`trust expiry: ${e.message}`),
        );
      }, 60_000)
    : undefined;
  expiry?.unref();
  if (writer) void writer.run('expire').catch(() => {});
  // The latest day's totals are counted once now, so the first Overview and the live feed find
  // them in memory (about a second on a busy day of a 10-million-event database); then the read
  // thread does what the first pages ask about (the latest day's sources per port, its busiest
  // sources' days), then the reports thread builds its report: one after the other, so that
  // only one of them competes with the first questions for the CPU.
  const warm = setTimeout(() => {
    try {
      const day = latestDay(db);
      if (day !== null) totals().get(day);
    } catch (e) {
      log(`warming the day totals: ${e instanceof Error ? e.message : String(e)}`);
    }
    reader
      .run('warm', {}, WARM_TIMEOUT_MS)
      .catch(() => {})
      .then(() => reports.run('warm', {}, WARM_TIMEOUT_MS))
      .catch(() => {});
  }, 0);
  const port = (server.address() as net.AddressInfo).port;
  // Known only now when port 0 (any free port) was asked for.
  for (const h of loopbackHosts(addr.host, port)) ctx.hosts?.add(h);
  const url = `http://${fmtAddr(addr.host === '0.0.0.0' ? '127.0.0.1' : addr.host === '::' ? '::1' : addr.host, port)}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    host: addr.host,
    port,
    hub,
    nudge: () => hub.nudge(),
    close: () =>
      (closing ??= (async () => {
        clearInterval(expiry);
        clearTimeout(warm);
        hub.stop();
        server.closeAllConnections?.();
        await new Promise<void>((r) => server.close(() => r()));
        await stopAll();
      })()),
  };
}
