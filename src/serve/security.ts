/**
 * Response headers every answer carries, and the Host check that keeps a loopback dashboard
 * from being read through DNS rebinding (a web page whose own name is made to resolve to
 * 127.0.0.1 would otherwise be same-origin with it).
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Scripts and styles from this server's own files only: no inline script, no inline style, no
 * eval; nothing from elsewhere, no framing, forms post only here. Charts draw on canvas, which
 * needs no style attribute.
 */
export const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function headers(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CSP,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    // Same-origin: links to other sites carry no referrer, and the browser still sends Origin
    // on the dashboard's own POSTs (with no-referrer, Chrome sends `Origin: null`).
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
}

/** The names a loopback dashboard answers to: its own address with the port, and localhost. */
export function loopbackHosts(host: string, port: number): Set<string> {
  const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  names.add(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  return names;
}

/** Refuses a request whose Host header is not one of `allowed` (421: not this server's name). */
export function hostCheck(allowed: Set<string> | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (allowed && !allowed.has((c.req.header('host') ?? '').toLowerCase())) {
      return c.text('This dashboard answers to its own address only (use http://127.0.0.1:PORT/).\n', 421);
    }
    await next();
  };
}
