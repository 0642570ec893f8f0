/**
 * The live feed: server-sent events to every open page. Whether anything was written is asked
 * of SQLite itself (`PRAGMA data_version` changes when another connection commits), a few
 * times a second, so the feed works the same when `serve` runs beside a separate `watch` or
 * `listen` process and when it runs inside one (`--serve`), where each committed batch also
 * nudges it at once. When something changed, one update is computed — the new events (the
 * newest few), alerts changed, the latest day's totals and busiest ports — serialized once and
 * written to every client.
 */
import type { DB } from '../store/db';
import { latestEvents, type FeedEvent } from '../../reports/events-feed';
import { alertsUpdatedSince, type InboxAlert } from '../../reports/alerts-inbox';
import { overview, type Overview } from '../../reports/overview';
import type { DayTotalsCache } from '../../reports/day-totals';

export interface LiveUpdate {
  /** Highest event id stored: everything up to it is counted in this update. */
  lastId: number;
  /** Events stored since the previous update (only the newest are listed). */
  newEvents: number;
  events: FeedEvent[];
  alerts: InboxAlert[];
  /** Triage or trust changed: pages showing alerts or trust reload them. */
  changed: { alerts: boolean; trust: boolean };
  /**
   * The latest day's summary, as GET /api/overview?limit=20 returns it; null when the last one
   * sent is less than a second old (at thousands of events a second, counting it on every tick
   * would take CPU from the writer the dashboard shares the machine, or the process, with).
   */
  overview: Overview | null;
}

/** What the hub writes to: one open event stream. */
export interface LiveClient {
  send(event: string, data: string, id?: string): Promise<void>;
  close(): void;
}

/** Most updates written but not yet flushed to one client before it is dropped (a stalled reader). */
const MAX_BACKLOG = 20;
export const MAX_CLIENTS = 100;
/** The day's summary is counted at most this often. */
const OVERVIEW_EVERY_MS = 1000;

export class LiveHub {
  private readonly clients = new Map<LiveClient, { backlog: number }>();
  private version = -1;
  private lastId = 0;
  private alertsSeen = 0;
  private notesSeen = 0;
  private trustSeen = '';
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private lastTick = 0;
  private lastOverview = 0;
  /** An update went out without the summary (throttled): the summary follows once the throttle allows. */
  private owed?: NodeJS.Timeout;
  /** Ticks that found a change, and updates sent (figures, tests). */
  readonly stats = { ticks: 0, updates: 0, dropped: 0, errors: 0 };

  constructor(
    private readonly db: DB,
    private readonly totals: () => DayTotalsCache,
    private readonly pollMs = 500,
    private readonly log?: (line: string) => void,
  ) {
    this.lastId = latestEvents(db, { limit: 1 }).lastId;
    this.alertsSeen = alertsUpdatedSince(db, Number.MAX_SAFE_INTEGER, 1).updated;
    this.notesSeen = this.notesMax();
    this.trustSeen = this.trustStamp();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.pollMs);
    // An event every 15 s keeps proxies and idle timeouts from closing quiet streams.
    this.beat = setInterval(() => this.broadcast('ping', '{}'), 15_000);
    this.timer.unref();
    this.beat.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.beat);
    clearTimeout(this.soon);
    clearTimeout(this.owed);
    for (const c of this.clients.keys()) c.close();
    this.clients.clear();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A new page: it gets the current state at once, then every update. */
  add(c: LiveClient): void {
    this.clients.set(c, { backlog: 0 });
    // The page (re)loads what it shows from the API on this; updates follow from here.
    void c.send('hello', JSON.stringify({ lastId: this.lastId }), String(this.lastId)).catch(() => this.remove(c));
  }

  remove(c: LiveClient): void {
    this.clients.delete(c);
  }

  /** The in-process hook: a batch was committed. Ticks soon: 250 ms after the last tick at the earliest. */
  nudge(): void {
    if (this.soon) return;
    const wait = Math.max(0, 250 - (Date.now() - this.lastTick));
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.tick();
    }, wait);
    this.soon.unref();
  }

  /** Checks for changes; computes and sends one update when there are any. */
  tick(): void {
    this.lastTick = Date.now();
    try {
      const v = this.db.pragma('data_version', { simple: true }) as number;
      if (v === this.version) return;
      this.version = v;
      // Nobody watching: nothing to compute (a page that connects loads its data itself).
      if (!this.clients.size) return;
      const update = this.compute();
      if (!update) return;
      this.stats.ticks++;
      this.broadcast('update', JSON.stringify(update), String(update.lastId));
    } catch (e) {
      // A busy or briefly locked database: the next tick tries again.
      this.stats.errors++;
      this.log?.(`live update failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private notesMax(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) FROM alert_notes').pluck().get() as number) ?? 0;
  }

  private trustStamp(): string {
    const r = this.db.prepare('SELECT count(*) AS n, coalesce(max(added), 0) AS a FROM trusted').get() as { n: number; a: number };
    return `${r.n}/${r.a}`;
  }

  /** The update since the last one; null when nothing the pages show changed. */
  private compute(): LiveUpdate | null {
    const feed = latestEvents(this.db, { afterId: this.lastId, limit: 30 });
    const alerts = alertsUpdatedSince(this.db, this.alertsSeen, 20);
    const notes = this.notesMax();
    const trust = this.trustStamp();
    const changed = { alerts: alerts.rows.length > 0 || notes !== this.notesSeen, trust: trust !== this.trustSeen };
    if (feed.lastId === this.lastId && !changed.alerts && !changed.trust) return null;
    const now = Date.now();
    const withOverview = changed.trust || changed.alerts || now - this.lastOverview >= OVERVIEW_EVERY_MS;
    if (withOverview) this.markOverviewSent(now);
    else this.oweOverview(now);
    const update: LiveUpdate = {
      lastId: feed.lastId,
      newEvents: Math.max(0, feed.lastId - this.lastId),
      events: feed.events,
      alerts: alerts.rows,
      changed,
      overview: withOverview ? overview(this.db, this.totals(), { limit: 20 }) : null,
    };
    this.lastId = feed.lastId;
    this.alertsSeen = alerts.updated;
    this.notesSeen = notes;
    this.trustSeen = trust;
    return update;
  }

  private markOverviewSent(now: number): void {
    this.lastOverview = now;
    clearTimeout(this.owed);
    this.owed = undefined;
  }

  /**
   * The counts of the last events of a burst must reach the pages even when nothing else comes
   * after them: an update sent without the summary schedules one with it, and no events.
   */
  private oweOverview(now: number): void {
    if (this.owed) return;
    this.owed = setTimeout(() => {
      this.owed = undefined;
      if (!this.clients.size) return;
      try {
        this.markOverviewSent(Date.now());
        const update: LiveUpdate = {
          lastId: this.lastId,
          newEvents: 0,
          events: [],
          alerts: [],
          changed: { alerts: false, trust: false },
          overview: overview(this.db, this.totals(), { limit: 20 }),
        };
        this.broadcast('update', JSON.stringify(update), String(update.lastId));
      } catch (e) {
        this.stats.errors++;
        this.log?.(`live update failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, Math.max(0, this.lastOverview + OVERVIEW_EVERY_MS - now));
    this.owed.unref();
  }

  private broadcast(event: string, data: string, id?: string): void {
    for (const [c, s] of this.clients) {
      if (s.backlog >= MAX_BACKLOG) {
        this.stats.dropped++;
        this.clients.delete(c);
        c.close();
        continue;
      }
      s.backlog++;
      this.stats.updates++;
      c.send(event, data, id).then(
        () => s.backlog--,
        () => this.remove(c),
      );
    }
  }
}
