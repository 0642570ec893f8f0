/**
 * The live connection (server-sent events): one per page. EventSource reconnects by itself
 * when the server goes away and comes back; each (re)connection starts with `hello`, on which
 * the page reloads what it shows, so nothing written meanwhile is missed.
 */

export interface LiveHandlers {
  hello?: () => void;
  update?: (u: LiveUpdate) => void;
}

/** What the server sends (src/serve/live.ts). */
export interface LiveUpdate {
  lastId: number;
  newEvents: number;
  events: FeedEvent[];
  alerts: { id: number; kind: string; host: string; port: number; level: number | null; status: string }[];
  changed: { alerts: boolean; trust: boolean };
  /** The latest day's summary, at most once a second (null in between). */
  overview: unknown;
}

export interface FeedEvent {
  id: number; time: string; class: string; reason: string; transport: string; src: string; sport: number | null; dst: string;
  port: number; action: string; rule: string | null; host: string | null; format: string;
}

const handlers: LiveHandlers[] = [];
let source: EventSource | undefined;

function status(text: string, on: boolean): void {
  const el = document.getElementById('live');
  if (!el) return;
  el.textContent = text;
  el.className = on ? 'live on' : 'live off';
}

export function onLive(h: LiveHandlers): void {
  handlers.push(h);
}

export function connectLive(): void {
  if (source) return;
  source = new EventSource('/api/live');
  status('connecting…', false);
  source.addEventListener('hello', () => {
    status('live', true);
    for (const h of handlers) h.hello?.();
  });
  source.addEventListener('update', (e) => {
    const u = JSON.parse((e as MessageEvent<string>).data) as LiveUpdate;
    document.body.dataset.lastId = String(u.lastId);
    for (const h of handlers) h.update?.(u);
  });
  source.addEventListener('error', () => {
    status('reconnecting…', false);
    // A refused answer (503: too many streams) closes an EventSource for good: start over later.
    if (source?.readyState === EventSource.CLOSED) {
      source = undefined;
      setTimeout(connectLive, 3000);
    }
  });
}
