/**
 * The JSON API, from the page: GETs, and POSTs carrying the session's CSRF token. A token that
 * went stale (the server restarted) is fetched again once.
 */

export interface Session {
  auth: 'loopback' | 'cookie' | 'bearer';
  csrf: string;
  writable: boolean;
  readOnlyReason: string | null;
  zone: string;
  tokenRequired: boolean;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let session: Session | undefined;

async function parse<T>(r: Response): Promise<T> {
  if (r.status === 401) {
    location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, 'log in first');
  }
  const body = (await r.json().catch(() => ({ error: r.statusText }))) as T & { error?: string };
  if (!r.ok) throw new ApiError(r.status, body.error ?? r.statusText);
  return body;
}

export async function get<T>(url: string): Promise<T> {
  return parse<T>(await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function loadSession(fresh = false): Promise<Session> {
  if (!session || fresh) session = await get<Session>('/api/session');
  return session;
}

export async function post<T>(url: string, body: unknown, retry = true): Promise<T> {
  const s = await loadSession();
  const r = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': s.csrf },
    body: JSON.stringify(body),
  });
  if (r.status === 403 && retry) {
    await loadSession(true);
    return post<T>(url, body, false);
  }
  return parse<T>(r);
}
