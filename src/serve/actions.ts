/**
 * State-changing requests: trust and untrust an address or network, and triage an alert. Each
 * needs an authenticated request that passed the CSRF check (app.ts), a JSON body, and a
 * database this user may write; the work runs on the write thread through the store's own
 * functions (trust is retroactive: past events are reclassified and their days recounted).
 */
import { Hono, type Context } from 'hono';
import type { Env, ServeContext } from './context';
import { remoteAddress } from './context';
import { HttpError } from './api';
import { TRIAGE_ACTIONS, MAX_NAME, MAX_NOTE, type TriageAction } from '../store/alert-triage';
import { canonicalCidr } from '../classify/networks';
import { WorkerError } from './workers';

/** Longest JSON body accepted by an action. */
const MAX_BODY = 16 * 1024;
/** The longest trust the form offers, in days; longer is "until removed". */
const MAX_TRUST_DAYS = 3650;

async function body(c: Context<Env>): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) throw new HttpError(415, 'send JSON (Content-Type: application/json)');
  const text = await c.req.text();
  if (text.length > MAX_BODY) throw new HttpError(413, 'request too large');
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

const text = (v: unknown, name: string, max: number): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${name} must be text`);
  if (v.length > max) throw new HttpError(400, `${name} is longer than ${max} characters`);
  return v;
};

function writer(ctx: ServeContext) {
  if (!ctx.writer) throw new HttpError(503, `this dashboard is read-only: ${ctx.readOnlyReason ?? 'the database cannot be written'}`);
  return ctx.writer;
}

/** Store errors are the user's (unknown alert, bad CIDR) unless the database itself refused. */
async function run<T>(ctx: ServeContext, op: string, args: unknown): Promise<T> {
  try {
    return await writer(ctx).run<T>(op, args, 300_000);
  } catch (e) {
    if (e instanceof WorkerError && e.code?.startsWith('SQLITE_')) throw new HttpError(503, `the database refused the change (${e.code}): ${e.message}`);
    if (e instanceof WorkerError && e.code === 'TIMEOUT') throw new HttpError(504, e.message);
    throw new HttpError(e instanceof Error && /^no alert/.test(e.message) ? 404 : 400, e instanceof Error ? e.message : String(e));
  }
}

export function actionRoutes(ctx: ServeContext): Hono<Env> {
  const r = new Hono<Env>();

  r.post('/trust', async (c) => {
    const b = await body(c);
    const cidr = text(b.cidr, 'cidr', 64);
    if (!cidr) throw new HttpError(400, 'cidr is required (an address or a network)');
    try {
      canonicalCidr(cidr);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    const note = text(b.note, 'note', MAX_NOTE);
    let expires: number | null = null;
    if (b.days !== undefined && b.days !== null && b.days !== '') {
      const days = Number(b.days);
      if (!Number.isInteger(days) || days < 1 || days > MAX_TRUST_DAYS) throw new HttpError(400, `days must be a whole number from 1 to ${MAX_TRUST_DAYS} (or empty: until removed)`);
      expires = Date.now() + days * 86_400_000;
    }
    const res = await run<{ cidr: string; events: number }>(ctx, 'trustAdd', { cidr, note, expires });
    ctx.hub.nudge();
    return c.json({ ...res, expires });
  });

  r.post('/trust/remove', async (c) => {
    const b = await body(c);
    const cidr = text(b.cidr, 'cidr', 64);
    if (!cidr) throw new HttpError(400, 'cidr is required');
    const res = await run<{ cidr: string; events: number }>(ctx, 'trustRemove', { cidr });
    ctx.hub.nudge();
    return c.json(res);
  });

  r.post('/alerts/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!/^\d{1,15}$/.test(c.req.param('id')) || id < 1) throw new HttpError(400, 'an alert id is a positive number');
    const b = await body(c);
    const action = b.action as TriageAction;
    if (!TRIAGE_ACTIONS.includes(action)) throw new HttpError(400, `action is one of: ${TRIAGE_ACTIONS.join(', ')}`);
    const a = c.get('auth');
    const actor = { by: text(b.by, 'by', MAX_NAME) ?? '', via: `${a.kind} ${remoteAddress(c)}` };
    const res = await run(ctx, 'triage', { id, action, note: text(b.note, 'note', MAX_NOTE), actor });
    ctx.hub.nudge();
    return c.json(res);
  });

  return r;
}
