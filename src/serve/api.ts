/**
 * The JSON API the pages use (documented in docs/api.md). Fast questions — answered from the
 * rollups by key — run on the main thread's read-only connection; questions that read many
 * events (the explorer, an address, a port's top sources, reports) go to the read thread.
 * Parameters are validated here; the queries themselves live in reports/.
 */
import { Hono, type Context } from 'hono';
import type { Env, ServeContext } from './context';
import { overview, dataDays, latestDay, PORT_SORTS, type PortSort } from '../../reports/overview';
import { portPage } from '../../reports/port-page';
import { latestEvents, EXPLORE_GROUPS, type ExploreGroup, type ExploreFilter } from '../../reports/events-feed';
import { alertsInbox, alertDetail, type AlertStatus } from '../../reports/alerts-inbox';
import { sourceRows, sourceDetail } from '../../reports/source-coverage';
import { canonicalAddress } from '../../reports/ip-history';
import { listTrusted } from '../store/trust-store';
import { loadSettings } from '../store/settings';
import { dayLabel, dayNumber } from '../store/rollups/buckets';
import { formatInstant } from '../../reports/time';

/** A request the API refuses, with its HTTP status and a readable message. */
export class HttpError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503 | 504, message: string) {
    super(message);
  }
}

type Q = (name: string) => string | undefined;

function int(q: Q, name: string, min: number, max: number): number | undefined {
  const v = q(name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || +v < min || +v > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}`);
  return +v;
}

function date(q: Q, name: string): string | undefined {
  const v = q(name);
  if (v === undefined || v === '') return undefined;
  try {
    return dayLabel(dayNumber(v));
  } catch (e) {
    throw new HttpError(400, `${name}: ${(e as Error).message}`);
  }
}

function oneOf<T extends string>(q: Q, name: string, list: readonly T[]): T | undefined {
  const v = q(name);
  if (v === undefined || v === '') return undefined;
  if (!list.includes(v as T)) throw new HttpError(400, `${name} is one of: ${list.join(', ')}`);
  return v as T;
}

function address(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  try {
    return canonicalAddress(v);
  } catch (e) {
    throw new HttpError(400, `${name}: ${(e as Error).message}`);
  }
}

function proto(q: Q): string | undefined {
  const v = q('proto')?.toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (!/^[a-z0-9-]{1,20}$/.test(v)) throw new HttpError(400, 'proto is a protocol name (tcp, udp, icmp, …)');
  return v;
}

export function explorerFilter(q: Q): ExploreFilter {
  return {
    from: date(q, 'from') ?? date(q, 'date'),
    to: date(q, 'to'),
    hour: int(q, 'hour', 0, 23),
    class: oneOf(q, 'class', ['scan', 'late', 'outbound', 'internal', 'external', 'trusted']),
    port: int(q, 'port', 0, 65535),
    proto: proto(q),
    src: address(q('src'), 'src'),
    dst: address(q('dst'), 'dst'),
    addr: address(q('addr'), 'addr'),
  };
}

export function apiRoutes(ctx: ServeContext): Hono<Env> {
  const api = new Hono<Env>();
  const q = (c: Context<Env>): Q => (name) => c.req.query(name);

  api.get('/session', (c) => {
    const a = c.get('auth');
    return c.json({
      auth: a.kind, csrf: ctx.auth.csrfFor(a), writable: ctx.writer !== null, readOnlyReason: ctx.readOnlyReason,
      zone: loadSettings(ctx.db).tz, tokenRequired: ctx.auth.required,
    });
  });

  api.get('/days', (c) => c.json({ zone: loadSettings(ctx.db).tz, days: dataDays(ctx.db) }));

  api.get('/overview', async (c) => {
    const p = q(c);
    const opts = { date: date(p, 'date'), sort: oneOf<PortSort>(p, 'sort', PORT_SORTS), limit: int(p, 'limit', 1, 500), offset: int(p, 'offset', 0, 1_000_000) };
    // A day whose totals are in memory (the live one, warmed at start) is answered here; another
    // day is counted on the read thread (reading a busy day's events takes about a second).
    const day = opts.date ? dayNumber(opts.date) : latestDay(ctx.db);
    if (day === null || ctx.totals().has(day)) return c.json(overview(ctx.db, ctx.totals(), opts));
    return c.json(await ctx.reader.run('overview', opts));
  });

  api.get('/events/latest', (c) => c.json(latestEvents(ctx.db, { limit: int(q(c), 'limit', 1, 200), afterId: int(q(c), 'after', 0, Number.MAX_SAFE_INTEGER) })));

  api.get('/events', async (c) => {
    const p = q(c);
    const before = p('before');
    let cursor: [number, number] | undefined;
    if (before) {
      const m = /^(\d{1,16})\.(\d{1,16})$/.exec(before);
      if (!m) throw new HttpError(400, 'before is the "next" cursor of the previous page (TIME.ID)');
      cursor = [+m[1], +m[2]];
    }
    return c.json(
      await ctx.reader.run('explore', {
        filter: explorerFilter(p), group: oneOf<ExploreGroup>(p, 'group', EXPLORE_GROUPS), limit: int(p, 'limit', 1, 1000), offset: int(p, 'offset', 0, 1_000_000), before: cursor,
      }),
    );
  });

  api.get('/port/:port', async (c) => {
    const p = q(c);
    const port = Number(c.req.param('port'));
    if (!/^\d{1,5}$/.test(c.req.param('port')) || port > 65535) throw new HttpError(400, 'a port is a number from 0 to 65535');
    return c.json(portPage(ctx.db, port, { proto: proto(p), days: int(p, 'days', 1, 366), to: date(p, 'to'), date: date(p, 'date') }));
  });

  // The port's top sources of a day read that day's events: the read thread, asked separately.
  api.get('/port/:port/sources', async (c) => {
    const p = q(c);
    const port = Number(c.req.param('port'));
    if (!/^\d{1,5}$/.test(c.req.param('port')) || port > 65535) throw new HttpError(400, 'a port is a number from 0 to 65535');
    return c.json(await ctx.reader.run('portSources', { port, proto: proto(p), date: date(p, 'date') }));
  });

  api.get('/ip/:address', async (c) => {
    const p = q(c);
    const addr = address(c.req.param('address'), 'address')!;
    const from = date(p, 'from');
    const to = date(p, 'to');
    if (to && !from) throw new HttpError(400, '"to" needs "from"');
    if (from && to && dayNumber(to) - dayNumber(from) > 365) throw new HttpError(400, 'a range of at most 366 days');
    const r = (await ctx.reader.run('ip', { address: addr, from, to }, 120_000)) as object;
    return c.json({ ...r, range: from ? { from, to: to ?? from } : null });
  });

  api.get('/alerts', (c) => {
    const p = q(c);
    return c.json(
      alertsInbox(ctx.db, {
        status: oneOf<AlertStatus | 'all'>(p, 'status', ['open', 'closed', 'all']), kind: p('kind') || undefined, level: int(p, 'level', 1, 5),
        host: address(p('host'), 'host'), limit: int(p, 'limit', 1, 500), offset: int(p, 'offset', 0, 1_000_000),
      }),
    );
  });

  api.get('/alerts/:id', (c) => {
    const id = int(() => c.req.param('id'), 'id', 1, Number.MAX_SAFE_INTEGER)!;
    const a = alertDetail(ctx.db, id);
    if (!a) throw new HttpError(404, `no alert ${id}`);
    return c.json(a);
  });

  api.get('/sources', (c) => c.json({ sources: sourceRows(ctx.db) }));
  api.get('/sources/:id', (c) => c.json(sourceDetail(ctx.db, int(() => c.req.param('id'), 'id', 1, Number.MAX_SAFE_INTEGER)!)));

  api.get('/trust', (c) => {
    const tz = loadSettings(ctx.db).tz;
    return c.json({
      trusted: listTrusted(ctx.db).map((t) => ({ cidr: t.cidr, note: t.note, added: formatInstant(t.added, tz), expires: t.expires === null ? null : formatInstant(t.expires, tz) })),
    });
  });

  // The daily and range reports, as the CLI writes them: a download by default, or the HTML
  // shown in a sandbox (its own inline styles, no script, no access to this origin).
  api.get('/reports/:kind', async (c) => {
    const p = q(c);
    const kind = c.req.param('kind');
    if (kind !== 'daily' && kind !== 'range') throw new HttpError(404, 'reports are daily or range');
    const format = oneOf(p, 'format', ['html', 'json', 'csv'] as const) ?? 'html';
    const from = kind === 'daily' ? date(p, 'date') : date(p, 'from');
    const to = kind === 'daily' ? from : date(p, 'to');
    if (!from || !to) throw new HttpError(400, kind === 'daily' ? 'date is required' : 'from and to are required');
    const part = oneOf(p, 'part', ['ports', 'sources', 'devices', 'time'] as const);
    const r = (await ctx.reports.run('report', { from, to, range: kind === 'range', format, part: part === 'ports' ? undefined : part }, 300_000)) as { text: string };
    const name = `portledger-${from === to && kind === 'daily' ? from : `${from}_${to}`}${part && part !== 'ports' ? `-${part}` : ''}.${format}`;
    const types = { html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8' };
    c.header('Content-Type', types[format]);
    c.header('Content-Disposition', `${p('view') === '1' && format === 'html' ? 'inline' : 'attachment'}; filename="${name}"`);
    if (format === 'html') c.set('csp', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    return c.body(r.text);
  });

  return api;
}
