/**
 * The dashboard as a Hono application: security headers and the Host check first, the static
 * files, the login, then authentication, rate limits and the CSRF check in front of the API,
 * the live stream and the pages. `createApp` needs no socket (tests call `app.request`);
 * server.ts puts it on one.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { rateLimiter } from 'hono-rate-limiter';
import type { Env, ServeContext } from './context';
import { remoteAddress } from './context';
import { headers, hostCheck } from './security';
import { SESSION_COOKIE, SESSION_MS } from './auth';
import { apiRoutes, HttpError } from './api';
import { actionRoutes } from './actions';
import { loginHtml, pageHtml, safeNext, type PageName } from './pages';
import { MAX_CLIENTS } from './live';
import { WorkerError } from './workers';
import { canonicalAddress } from '../../reports/ip-history';

/** Live streams one address may hold open (a browser with many tabs, the SSE benchmark). */
const MAX_STREAMS_PER_PEER = 50;

function limiter(windowMs: number, limit: number) {
  return rateLimiter<Env>({
    windowMs,
    limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => remoteAddress(c),
    handler: (c) => c.json({ error: 'too many requests; try again in a minute' }, 429),
  });
}

/**
 * Whether a state-changing request comes from this server's own pages: the browser's
 * Sec-Fetch-Site when it sends one, else the Origin header when there is one (`null`, an
 * opaque origin, is refused). Requests with neither are not from a browser (scripts with a token).
 */
function sameOrigin(c: Context<Env>): boolean {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  if (site) return site === 'same-origin' && (!origin || origin === 'null' || ownOrigin(c, origin));
  if (!origin) return true;
  return ownOrigin(c, origin);
}

function ownOrigin(c: Context<Env>, origin: string): boolean {
  const host = c.req.header('host');
  return origin === `http://${host}` || origin === `https://${host}`;
}

export function createApp(ctx: ServeContext): Hono<Env> {
  const app = new Hono<Env>();

  app.onError((e, c) => {
    if (e instanceof HttpError) return c.json({ error: e.message }, e.status);
    if (e instanceof WorkerError && e.code === 'TIMEOUT') return c.json({ error: e.message }, 504);
    const code = (e as { code?: string }).code;
    if (code?.startsWith('SQLITE_')) {
      ctx.log(`database error on ${c.req.path}: ${e.message}`);
      return c.json({ error: `database busy or unavailable (${code}); try again` }, 503);
    }
    // Validation errors of the report functions are plain Errors with a readable message.
    if (!(e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError)) return c.json({ error: e.message }, 400);
    ctx.log(`error on ${c.req.path}: ${e.stack ?? e.message}`);
    return c.json({ error: 'internal error' }, 500);
  });

  // A route may replace the Content-Security-Policy (the sandboxed report); this runs after
  // secureHeaders has written the default one.
  app.use(async (c, next) => {
    await next();
    const own = c.get('csp');
    if (own) c.res.headers.set('Content-Security-Policy', own);
  });
  app.use(headers());
  app.use(hostCheck(ctx.hosts));

  app.get('/static/:name', (c) => {
    const a = ctx.assets.get(c.req.param('name'));
    if (!a) return c.text('not found\n', 404);
    if (c.req.header('if-none-match') === a.etag) return c.body(null, 304);
    c.header('Content-Type', a.type);
    c.header('ETag', a.etag);
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(a.body));
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));

  const loginLimit = limiter(15 * 60_000, 20);
  app.get('/login', (c) => c.html(loginHtml(safeNext(c.req.query('next')))));
  app.post('/login', loginLimit, async (c) => {
    if (!sameOrigin(c)) return c.text('cross-site login refused\n', 403);
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const session = ctx.auth.login(typeof form.token === 'string' ? form.token : '');
    if (!session) {
      ctx.log(`failed login from ${remoteAddress(c)}`);
      return c.html(loginHtml(next, ctx.auth.required ? 'That is not the token.' : 'This dashboard has no token.'), 401);
    }
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_MS / 1000, secure: new URL(c.req.url).protocol === 'https:' });
    return c.redirect(next, 303);
  });
  app.post('/logout', (c) => {
    if (!sameOrigin(c)) return c.text('cross-site logout refused\n', 403);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  // Everything below needs an authenticated request (always granted on a loopback dashboard without a token).
  app.use('*', async (c, next) => {
    const h = c.req.header('authorization');
    const bearer = h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : undefined;
    const a = ctx.auth.check(bearer, getCookie(c, SESSION_COOKIE));
    if (!a.ok) {
      c.header('WWW-Authenticate', 'Bearer realm="portledger"');
      if (c.req.path.startsWith('/api/')) return c.json({ error: 'authentication required: a bearer token or a login session' }, 401);
      return c.html(loginHtml(safeNext(c.req.path + (new URL(c.req.url).search || ''))), 401);
    }
    c.set('auth', a);
    await next();
  });

  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/live') return next();
    return limiter(60_000, 1200)(c, next);
  });
  // State changes: the CSRF token of this session, from this origin, at a modest rate.
  const postLimit = limiter(60_000, 60);
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/api/*', postLimit, async (c, next) => {
    if (!sameOrigin(c)) return c.json({ error: 'cross-site request refused' }, 403);
    if (!ctx.auth.csrfValid(c.get('auth'), c.req.header('x-csrf-token'))) return c.json({ error: 'missing or wrong X-CSRF-Token (reload the page)' }, 403);
    await next();
  });

  const streams = new Map<string, number>();
  app.get('/api/live', (c) => {
    const peer = remoteAddress(c);
    if (ctx.hub.size >= MAX_CLIENTS || (streams.get(peer) ?? 0) >= MAX_STREAMS_PER_PEER) return c.json({ error: 'too many live connections' }, 503);
    streams.set(peer, (streams.get(peer) ?? 0) + 1);
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const client = {
        send: (event: string, data: string, id?: string) => stream.writeSSE({ event, data, id, retry: 2000 }),
        close: () => void stream.close(),
      };
      const done = new Promise<void>((resolve) => stream.onAbort(resolve));
      ctx.hub.add(client);
      try {
        await done;
      } finally {
        ctx.hub.remove(client);
        const n = (streams.get(peer) ?? 1) - 1;
        if (n > 0) streams.set(peer, n);
        else streams.delete(peer);
      }
    });
  });

  app.route('/api', actionRoutes(ctx));
  app.route('/api', apiRoutes(ctx));
  app.all('/api/*', (c) => c.json({ error: 'no such API' }, 404));

  const page = (name: PageName, arg = '') => (c: Context<Env>) => c.html(pageHtml(name, arg, c.get('auth').kind === 'cookie'));
  app.get('/', page('overview'));
  app.get('/alerts', page('alerts'));
  app.get('/events', page('events'));
  app.get('/sources', page('sources'));
  app.get('/reports', page('reports'));
  app.get('/alerts/:id{[0-9]{1,15}}', (c) => page('alert', c.req.param('id'))(c));
  app.get('/port/:port{[0-9]{1,5}}', (c) => (Number(c.req.param('port')) > 65535 ? c.text('not a port\n', 404) : page('port', String(Number(c.req.param('port'))))(c)));
  app.get('/ip/:address', (c) => {
    let ip: string;
    try {
      ip = canonicalAddress(c.req.param('address'));
    } catch {
      return c.text('not an IP address\n', 404);
    }
    return page('ip', ip)(c);
  });
  // The search box: a port number or an address.
  app.get('/go', (c) => {
    const q = (c.req.query('q') ?? '').trim();
    if (/^\d{1,5}$/.test(q) && +q <= 65535) return c.redirect(`/port/${+q}`, 303);
    try {
      return c.redirect(`/ip/${encodeURIComponent(canonicalAddress(q))}`, 303);
    } catch {
      return c.redirect('/', 303);
    }
  });
  app.notFound((c) => c.text('not found\n', 404));
  return app;
}
