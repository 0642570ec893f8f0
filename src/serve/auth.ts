/**
 * Who may use the dashboard, and proof that a state-changing request comes from its own pages.
 *
 * - Loopback without a token: whoever can connect to 127.0.0.1 on this machine (the default).
 * - With a token (required when binding anything else): `Authorization: Bearer TOKEN` for
 *   scripts, or the login form, which sets an HttpOnly, SameSite=Strict session cookie. The
 *   cookie is `v1.<issued>.<HMAC(token, issued)>`: nothing is kept on the server, a restart keeps
 *   everyone logged in, and changing the token logs everyone out.
 * - CSRF, for every POST whatever the authentication: the `X-CSRF-Token` header must carry the
 *   token the pages read from /api/session (an HMAC bound to the session, or to this server's
 *   secret on loopback), and an Origin header, when present, must be this server's own. A custom
 *   header cannot be sent cross-site without a CORS preflight, which this server never grants.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

export const SESSION_COOKIE = 'portledger_session';
/** A login lasts a week. */
export const SESSION_MS = 7 * 24 * 3_600_000;

export type AuthKind = 'loopback' | 'bearer' | 'cookie';

export interface AuthResult {
  ok: boolean;
  kind?: AuthKind;
  /** The session cookie's value (cookie logins): what the CSRF token is bound to. */
  session?: string;
}

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token of `--token` or `--token-file` (first line); a clear error for one too weak to guess at. */
export function readToken(token?: string, file?: string): string | undefined {
  if (token !== undefined && file !== undefined) throw new Error('give --token or --token-file, not both');
  let t = token;
  if (file !== undefined) {
    try {
      t = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (e) {
      throw new Error(`--token-file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  if (t === undefined) return undefined;
  t = t.trim();
  if (t.length < 16) throw new Error('the token must be at least 16 characters (e.g. openssl rand -hex 24)');
  if (!/^[\x21-\x7e]+$/.test(t)) throw new Error('the token must be printable ASCII without spaces');
  return t;
}

export class Auth {
  /** Signs loopback CSRF tokens when there is no token to bind them to; new at each start. */
  private readonly secret = randomBytes(32);

  constructor(readonly token: string | undefined) {}

  get required(): boolean {
    return this.token !== undefined;
  }

  /** A fresh session cookie value after a correct login; undefined for a wrong token. */
  login(given: string, now = Date.now()): string | undefined {
    if (!this.token || !same(given.trim(), this.token)) return undefined;
    return `v1.${now}.${hmac(this.token, `session ${now}`)}`;
  }

  private validSession(cookie: string | undefined, now: number): boolean {
    if (!this.token || !cookie) return false;
    const m = /^v1\.(\d{13})\.([\w-]{43})$/.exec(cookie);
    if (!m) return false;
    const issued = Number(m[1]);
    if (issued > now + 60_000 || now - issued > SESSION_MS) return false;
    return same(m[2], hmac(this.token, `session ${issued}`));
  }

  check(bearer: string | undefined, cookie: string | undefined, now = Date.now()): AuthResult {
    if (!this.token) return { ok: true, kind: 'loopback' };
    if (bearer !== undefined) return same(bearer, this.token) ? { ok: true, kind: 'bearer' } : { ok: false };
    if (this.validSession(cookie, now)) return { ok: true, kind: 'cookie', session: cookie };
    return { ok: false };
  }

  /** The CSRF token for a session (or for loopback use). */
  csrfFor(a: AuthResult): string {
    return a.session && this.token ? hmac(this.token, `csrf ${a.session}`) : hmac(this.secret, 'csrf loopback');
  }

  csrfValid(a: AuthResult, header: string | undefined): boolean {
    // A bearer token is never sent by a browser on its own: such requests cannot be forged.
    if (a.kind === 'bearer') return true;
    return header !== undefined && same(header, this.csrfFor(a));
  }
}
