import type { ListenAddress } from './types';

export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 5514 };
export const DEFAULT_ALLOW = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10'];
export const DEFAULT_MAX_MESSAGE_BYTES = 8192;
export const DEFAULT_MAX_CONNECTIONS = 64;
export const DEFAULT_MAX_CONNECTIONS_PER_SENDER = 8;
export const DEFAULT_MESSAGE_TIMEOUT_MS = 10_000;
export const DEFAULT_EVICT_MIN_IDLE_MS = 1000;
export const DEFAULT_DROP_POLL_MS = 1000;
export const DEFAULT_REFUSED_TOP = 64;
export const DEFAULT_MAX_BUFFER_PER_CONNECTION = 64 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_RECV_BUFFER_SIZE = 8 * 1024 * 1024;
/** A 5-second burst at 100,000 msg/s of 230-byte lines is 115 MB; the store drains it after. */
export const DEFAULT_MAX_QUEUE_BYTES = 128 * 1024 * 1024;

export function nonNegative(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0, got ${v}`);
  return Math.floor(v);
}

export function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return Math.floor(v);
}
