/**
 * Where alerts go as they happen: the console (one readable line), a JSON Lines file, a webhook.
 * An episode is updated with every batch while it lasts; outputs hear of it when it opens, when
 * its danger level rises, and at most once a minute otherwise, so a long burst is not a flood.
 */
import fs from 'node:fs';
import type { Alert } from '../contract/alert';
import { alertFacts, type AlertFacts } from '../contract/alert-view';
import { terminalSafe } from '../util/terminal-text';

/**
 * An alert as the JSON Lines sink, the webhook and (inside its ECS document) the `--json` stream
 * carry it: the stored fields, the facts every output shows (contract/alert-view.ts), and the
 * whole evidence object.
 */
export interface AlertDocument extends AlertFacts {
  id: number | undefined;
  /** What happened to the episode: it just `opened`, or it goes on (`updated`). */
  status: 'opened' | 'updated';
  kind: string;
  host: string;
  port: number;
  proto: string;
  destinations: number;
  events: number;
  peak: number;
  first: string;
  last: string;
  threshold: number;
  evidence: Alert['evidence'];
}

const REPEAT_MS = 60_000;

export function alertDocument(a: Alert, status: AlertDocument['status']): AlertDocument {
  return {
    id: a.id, status, kind: a.kind, host: a.host, port: a.port, proto: a.proto, destinations: a.destinations, events: a.events, peak: a.peak,
    ...alertFacts(a), first: new Date(a.first).toISOString(), last: new Date(a.last).toISOString(), threshold: a.threshold, evidence: a.evidence,
  };
}

/** One line a person reads: what, who, how much, since when. Log text never reaches the terminal raw. */
export function alertLine(d: AlertDocument): string {
  const what = d.kind === 'worm'
    ? `worm-like outbound volume: ${d.host} reached ${d.destinations} outside hosts on ${d.proto}/${d.port}`
    : d.kind === 'horizontal-scan'
      ? `horizontal sweep: ${d.host} probed ${d.destinations} hosts on ${d.proto}/${d.port}`
      : d.kind === 'vertical-scan'
        ? `vertical port scan: ${d.host} probed ${d.ports} ports of ${d.targets} host${d.targets === 1 ? '' : 's'}`
        : `${d.kind}: ${d.host}`;
  const level = d.level ? ` [danger ${d.level}/5]` : '';
  const how = d.scan_type ? `, ${d.scan_type}` : '';
  const slow = d.window === 'long' ? ' (slow scan)' : '';
  const line = `${d.last} ALERT ${d.status === 'opened' ? 'new' : 'continues'}${level} ${what}${how}${slow} (${d.events} packets since ${d.first}, peak ${d.peak} per ${d.window_s}s window, threshold ${d.threshold})`;
  return terminalSafe(line);
}

export interface WebhookStats {
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
}

/** POSTs alert documents as JSON; retries with backoff; never blocks the caller. */
export class Webhook {
  private readonly queue: { doc: AlertDocument; attempt: number }[] = [];
  private running = false;
  private stopped = false;
  readonly stats: WebhookStats = { sent: 0, failed: 0, dropped: 0, queued: 0 };

  constructor(
    private readonly url: string,
    private readonly opts: { maxQueue?: number; maxAttempts?: number; baseDelayMs?: number; timeoutMs?: number } = {},
  ) {
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw new Error(`--webhook needs an http:// or https:// URL, not "${url}"`);
    }
  }

  send(doc: AlertDocument): void {
    if (this.queue.length >= (this.opts.maxQueue ?? 1000)) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push({ doc, attempt: 0 });
    this.stats.queued = this.queue.length;
    void this.pump();
  }

  /** Waits (up to `ms`) for queued deliveries, then gives up on the rest. */
  async flush(ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while ((this.queue.length > 0 || this.running) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    this.stopped = true;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const item = this.queue[0];
        try {
          const res = await fetch(this.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'portledger' },
            body: JSON.stringify(item.doc),
            signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
          });
          await res.arrayBuffer().catch(() => undefined);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          this.queue.shift();
          this.stats.sent++;
        } catch {
          this.stats.failed++;
          item.attempt++;
          if (item.attempt >= (this.opts.maxAttempts ?? 6)) {
            this.queue.shift();
            this.stats.dropped++;
          } else {
            const delay = (this.opts.baseDelayMs ?? 1000) * 2 ** (item.attempt - 1);
            await new Promise((r) => setTimeout(r, Math.min(delay, 60_000)).unref?.());
          }
        }
        this.stats.queued = this.queue.length;
      }
    } finally {
      this.running = false;
    }
  }
}

export interface AlertOutputOptions {
  console?: (line: string) => void;
  jsonFile?: string;
  webhook?: Webhook;
  /** NDJSON on stdout (`--json`). */
  json?: (doc: AlertDocument) => void;
}

/** Fans alerts out to every configured output, with the throttling described above. */
export class AlertOutputs {
  private readonly seen = new Map<number, { at: number; level: number }>();

  constructor(private readonly o: AlertOutputOptions) {}

  publish(alerts: Alert[]): void {
    const now = Date.now();
    for (const a of alerts) {
      if (a.id === undefined) continue;
      const prev = this.seen.get(a.id);
      const level = a.level ?? 0;
      if (prev && level <= prev.level && now - prev.at < REPEAT_MS) continue;
      this.seen.set(a.id, { at: now, level });
      const doc = alertDocument(a, prev ? 'updated' : 'opened');
      this.o.console?.(alertLine(doc));
      this.o.json?.(doc);
      if (this.o.jsonFile) fs.appendFileSync(this.o.jsonFile, JSON.stringify(doc) + '\n');
      this.o.webhook?.send(doc);
    }
  }
}
