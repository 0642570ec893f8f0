import type { FirewallEvent, SessionPhase } from './types';

/** ECS `event.type` of a session record, beside `connection`. */
const SESSION_TYPE: Record<SessionPhase, string> = { start: 'start', end: 'end', update: 'change' };

/** Classification added downstream; absent when only the parser ran. */
export interface Classification {
  direction: string;
  class: string;
  reason: string;
}

/** A nested object with Elastic Common Schema names; portledger-only fields under `portledger`. */
export type EcsDocument = Record<string, unknown>;

function put(obj: Record<string, unknown>, path: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const keys = path.split('.');
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/**
 * ECS view of an event, the shape of `portledger parse` output and of the golden fixtures.
 * Keys are emitted in a fixed order so NDJSON diffs stay readable.
 */
export function toEcs(e: FirewallEvent, c?: Classification): EcsDocument {
  const d: EcsDocument = {};
  put(d, '@timestamp', new Date(e.ts).toISOString());
  put(d, 'event.action', e.action);
  if (e.sessionPhase !== undefined) put(d, 'event.type', ['connection', SESSION_TYPE[e.sessionPhase]]);
  put(d, 'source.ip', e.srcIp);
  put(d, 'source.port', e.srcPort);
  put(d, 'source.mac', e.srcMac);
  put(d, 'destination.ip', e.dstIp);
  put(d, 'destination.port', e.dstPort);
  put(d, 'destination.mac', e.dstMac);
  put(d, 'network.transport', e.transport);
  put(d, 'network.direction', c ? c.direction : e.direction);
  if (e.count !== undefined && e.count !== 1) put(d, 'network.packets', e.count);
  put(d, 'observer.hostname', e.hostname);
  put(d, 'observer.ingress.interface.name', e.inIf);
  put(d, 'observer.ingress.zone', e.inZone);
  put(d, 'observer.egress.interface.name', e.outIf);
  put(d, 'observer.egress.zone', e.outZone);
  put(d, 'rule.name', e.rule);
  put(d, 'portledger.format', e.format);
  put(d, 'portledger.tcp_flags', e.tcpFlags);
  put(d, 'portledger.icmp.type', e.icmpType);
  put(d, 'portledger.icmp.code', e.icmpCode);
  put(d, 'portledger.ip.length', e.length);
  put(d, 'portledger.ip.ttl', e.ttl);
  put(d, 'portledger.mark', e.mark);
  put(d, 'portledger.bridge.in', e.physIn);
  put(d, 'portledger.bridge.out', e.physOut);
  put(d, 'portledger.session.id', e.sessionId);
  if (c) {
    put(d, 'portledger.class', c.class);
    put(d, 'portledger.reason', c.reason);
  }
  return d;
}
