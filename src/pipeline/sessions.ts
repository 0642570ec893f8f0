/**
 * Count a session once without losing it. SRX, PAN-OS and FortiGate can log a connection at its
 * start, at its end, or both (and PAN-OS may repeat the start record while the session lasts);
 * their parsers report every record with its phase and the device's session id. Here, per source
 * and in record order, the first record seen of a session is the event — whichever the device
 * logs — and a later record of the same session is a skip (`session-end` for its end record,
 * `session-update` for another start or an update) that may still correct the first event's row:
 * a session stored as allowed whose end record says deny (PAN-OS `reset-both`) becomes a deny.
 *
 * A session is known by the device's id together with its 5-tuple (ids are reused once a session
 * is over), or by the 5-tuple alone where the format has no id (FortiOS 3/4). An end record
 * closes its session. Memory is bounded twice, and both bounds are counted, never silent:
 *   - lifetime: a session whose end has not come within SESSION_LIFETIME_MS of its first record
 *     (by log time) is forgotten (`expired`) — a device logging only starts never sends one;
 *   - size: past MAX_OPEN_SESSIONS open sessions per source the oldest is forgotten (`evicted`).
 * A later record of a forgotten session counts as a new event. The open sessions are committed
 * with each batch (store/session-keys.ts), so a restarted ingest or watch goes on with them.
 */
import type { FirewallEvent } from '../../parsers/types';
import { skip, type SkipOutcome } from '../../parsers/lib/reasons';
import type { OpenSession, SessionDelta } from '../store/session-keys';

export const SESSION_LIFETIME_MS = 24 * 3_600_000;
export const MAX_OPEN_SESSIONS = 50_000;

interface Entry {
  ts: number;
  line: number;
  action: string;
  /** Stored by an earlier batch: forgetting it must delete its row. */
  persisted: boolean;
}

const SESSION_END = skip('session-end');
const SESSION_UPDATE = skip('session-update');

/** The key of an event's session: format, device, id and 5-tuple (tab-separated). */
export function sessionKey(e: FirewallEvent): string {
  return `${e.format}\t${e.hostname ?? ''}\t${e.sessionId ?? ''}\t${e.transport}\t${e.srcIp}\t${e.srcPort ?? ''}\t${e.dstIp}\t${e.dstPort ?? ''}`;
}

export class SessionTracker {
  /** Open sessions in the order they were opened (Map keeps insertion order). */
  private readonly open = new Map<string, Entry>();
  private newest = -Infinity;
  private opened = new Set<string>();
  private closed: string[] = [];
  private actions: SessionDelta['actions'] = [];
  private expired = 0;
  private evicted = 0;

  constructor(
    persisted: readonly OpenSession[] = [],
    private readonly lifetimeMs = SESSION_LIFETIME_MS,
    private readonly maxOpen = MAX_OPEN_SESSIONS,
  ) {
    for (const s of [...persisted].sort((a, b) => a.ts - b.ts)) {
      this.open.set(s.key, { ts: s.ts, line: s.line, action: s.action, persisted: true });
      if (s.ts > this.newest) this.newest = s.ts;
    }
  }

  /** Sessions remembered now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * A record of a session (its event has `sessionPhase`) read at `line`: undefined when it is the
   * session's event, else the skip it is counted as.
   */
  see(e: FirewallEvent, line: number): SkipOutcome | undefined {
    if (e.ts > this.newest) {
      this.newest = e.ts;
      this.expire();
    }
    const key = sessionKey(e);
    const known = this.open.get(key);
    if (known === undefined) {
      // An end record first: the device logs ends only, or the start came before this log.
      if (e.sessionPhase !== 'end') this.remember(key, { ts: e.ts, line, action: e.action, persisted: false });
      return undefined;
    }
    if (e.action === 'deny' && known.action !== 'deny') {
      known.action = 'deny';
      this.actions.push({ ts: known.ts, line: known.line, action: 'deny' });
      if (known.persisted) this.opened.add(key);
    }
    if (e.sessionPhase === 'end') {
      this.forget(key, known);
      return SESSION_END;
    }
    return SESSION_UPDATE;
  }

  /** What changed since the last call, for the store (written with the batch). */
  take(): SessionDelta {
    const opened: OpenSession[] = [];
    for (const key of this.opened) {
      const e = this.open.get(key);
      if (e === undefined) continue;
      opened.push({ key, ts: e.ts, line: e.line, action: e.action });
      e.persisted = true;
    }
    const d: SessionDelta = { opened, closed: this.closed, actions: this.actions, expired: this.expired, evicted: this.evicted };
    this.opened = new Set();
    this.closed = [];
    this.actions = [];
    this.expired = 0;
    this.evicted = 0;
    return d;
  }

  private remember(key: string, entry: Entry): void {
    if (this.open.size >= this.maxOpen) {
      const [oldest, e] = this.open.entries().next().value as [string, Entry];
      this.forget(oldest, e);
      this.evicted++;
    }
    this.open.set(key, entry);
    this.opened.add(key);
  }

  private forget(key: string, e: Entry): void {
    this.open.delete(key);
    this.opened.delete(key);
    if (e.persisted) this.closed.push(key);
  }

  /**
   * Forgets sessions opened more than a lifetime before the newest record, oldest first; stops
   * at the first younger one (a session opened out of time order waits for the ones before it).
   */
  private expire(): void {
    const cutoff = this.newest - this.lifetimeMs;
    for (const [key, e] of this.open) {
      if (e.ts >= cutoff) break;
      this.forget(key, e);
      this.expired++;
    }
  }
}
