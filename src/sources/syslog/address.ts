import net from 'node:net';
import { DEFAULT_LISTEN } from './defaults';
import type { ListenAddress } from './types';

/**
 * `PORT`, `HOST:PORT`, `[IPV6]:PORT` → { host, port }. HOST is an IPv4 or bracketed IPv6
 * literal or `localhost` (→ 127.0.0.1); without one, `defaultHost`. Port 0 means any free port.
 */
export function parseListenAddress(text: string, defaultHost = DEFAULT_LISTEN.host): ListenAddress {
  const t = text.trim();
  const usage = 'expected [HOST:]PORT, e.g. 5514, 0.0.0.0:514, [::]:514 or [::1]:5514';
  if (!t) throw new Error(`empty listen address; ${usage}`);
  let host: string;
  let portText: string;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) throw new Error(`"${text}": missing "]" after the IPv6 address; ${usage}`);
    host = t.slice(1, close);
    if (t.charAt(close + 1) !== ':' || close + 2 >= t.length) throw new Error(`"${text}": missing ":PORT" after "[${host}]"; ${usage}`);
    portText = t.slice(close + 2);
    if (!net.isIPv6(host)) throw new Error(`"${text}": "${host}" is not an IPv6 address; ${usage}`);
  } else {
    const colons = t.split(':').length - 1;
    if (colons > 1) throw new Error(`"${text}": an IPv6 address needs brackets, e.g. [${t.replace(/:\d+$/, '')}]:5514; ${usage}`);
    if (colons === 1) {
      const i = t.indexOf(':');
      host = t.slice(0, i) || defaultHost;
      portText = t.slice(i + 1);
    } else if (/^\d+$/.test(t)) {
      host = defaultHost;
      portText = t;
    } else throw new Error(`"${text}": no port; ${usage}`);
    if (host.toLowerCase() === 'localhost') host = '127.0.0.1';
    if (!net.isIP(host)) throw new Error(`"${text}": "${host}" is not an IP address (give 127.0.0.1, 0.0.0.0, [::] or another address of this host); ${usage}`);
  }
  if (!/^\d{1,5}$/.test(portText) || +portText > 65535) throw new Error(`"${text}": port "${portText}" is not a number from 0 to 65535; ${usage}`);
  return { host, port: +portText };
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; anything else unchanged. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.length > 7 && (address.charCodeAt(0) === 58 /* : */) && /^::ffff:/i.test(address)) {
    const v4 = address.slice(7);
    if (net.isIPv4(v4)) return v4;
  }
  return address;
}

export function fmtAddr(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export function bindError(what: string, addr: ListenAddress, e: NodeJS.ErrnoException): Error {
  const where = fmtAddr(addr.host, addr.port);
  if (e.code === 'EACCES' && addr.port < 1024) {
    return new Error(
      `cannot listen on ${what} ${where}: ports below 1024 need CAP_NET_BIND_SERVICE. Use the default port 5514 ` +
        `(with a redirect from 514), or run as a systemd service with AmbientCapabilities=CAP_NET_BIND_SERVICE; see docs/listen.md`,
    );
  }
  if (e.code === 'EADDRINUSE') return new Error(`cannot listen on ${what} ${where}: the port is in use (is rsyslog or another portledger listening?)`);
  if (e.code === 'EADDRNOTAVAIL') return new Error(`cannot listen on ${what} ${where}: ${addr.host} is not an address of this host`);
  return new Error(`cannot listen on ${what} ${where}: ${e.message}`);
}
