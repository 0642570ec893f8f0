/**
 * Overview: the day's totals, spikes, unique sources per hour, the port × hour heat map, the
 * per-port table, the live feed and the open alerts. On the latest day it follows the live
 * updates without a reload.
 */
import { h, fill, num, card, countLink, routes, table, td, tdn, badge, level, section, message, params, qs, clock, time, link } from '../dom';
import { get } from '../api';
import { draw, bars, heat } from '../charts';
import { onLive, type FeedEvent } from '../live';

interface PortRow { port: number; proto: string; name: string | null; events: number; sources: number; targets: number; baseline: number | null; ratio: number | null; trend: string; spike: boolean }
interface Overview {
  zone: string; date: string | null; latest: string | null; baselineDays: number;
  totals: { classes: Record<string, number>; events: number; scans: number; sources: number; targets: number; ports: number; lastId: number } | null;
  ports: { total: number; offset: number; limit: number; sort: string; rows: PortRow[] };
  spikes: PortRow[];
  hours: { labels: string[]; sources: number[]; scans: number[] };
  heat: { ports: { port: number; proto: string; name: string | null }[]; labels: string[]; cells: [number, number, number][]; max: number };
}
interface AlertRow { id: number; kind: string; host: string; port: number; proto: string; level: number | null; destinations: number; events: number; last: string }

/** Rows the live update carries (the server computes them once for every page). */
const LIVE_LIMIT = 20;

export function overviewPage(main: HTMLElement): void {
  const q = params();
  const state = { date: q.get('date') ?? undefined, sort: q.get('sort') ?? 'events', offset: Number(q.get('offset') ?? 0) };
  const limit = LIVE_LIMIT;
  const head = h('div', { className: 'pagehead' });
  const cards = h('div', { className: 'cards', id: 'totals' });
  const spikes = h('div', { id: 'spikes' });
  const hourChart = h('div', { className: 'chart', id: 'chart-hours', role: 'img', 'aria-label': 'unique sources per hour' });
  const heatChart = h('div', { className: 'chart tall', id: 'chart-heat', role: 'img', 'aria-label': 'scans per port and hour' });
  const ports = h('div', { id: 'ports' });
  const feed = h('div', { id: 'feed' });
  const alerts = h('div', { id: 'open-alerts' });
  fill(
    main,
    head,
    cards,
    spikes,
    h('div', { className: 'grid2' }, h('figure', null, h('figcaption', null, 'Unique sources per hour'), hourChart), h('figure', null, h('figcaption', null, 'Scans per port and hour (busiest ports)'), heatChart)),
    section('Ports', ports),
    section('Open alerts', alerts),
    section('Latest events', feed),
  );
  let current: Overview | undefined;
  const events: FeedEvent[] = [];
  const isLive = () => !state.date || (current !== undefined && current.date === current.latest);
  const fixed = () => state.sort === 'events' && state.offset === 0;

  function render(o: Overview): void {
    current = o;
    const d = o.date;
    fill(
      head,
      h('h1', null, d ? `Overview — ${d}` : 'Overview'),
      h('p', { className: 'muted' }, d ? `${o.date === o.latest ? 'The latest day with data' : 'A past day'}; times in ${o.zone}. ` : 'No data yet: ingest logs, or run watch or listen. ', d && o.latest && o.date !== o.latest ? link(routes.overview(), 'Go to the latest day') : ''),
      dayPicker(d),
    );
    if (!o.totals || !d) {
      fill(cards);
      return;
    }
    const t = o.totals;
    const ev = (extra: Record<string, string | number>) => routes.events({ date: d, ...extra });
    fill(
      cards,
      card(countLink(t.scans, ev({ class: 'scan' }), 'the scans'), 'inbound scans'),
      card(countLink(t.sources, ev({ class: 'scan', group: 'src' }), 'the sources'), 'unique sources'),
      card(countLink(t.ports, ev({ class: 'scan', group: 'port' }), 'the ports'), 'ports scanned'),
      card(countLink(t.targets, ev({ class: 'scan', group: 'dst' }), 'the targets'), 'addresses targeted'),
      card(countLink(t.classes.late ?? 0, ev({ class: 'late' })), 'late packets'),
      card(countLink(t.classes.outbound ?? 0, ev({ class: 'outbound' })), 'outbound'),
      card(countLink(t.classes.trusted ?? 0, ev({ class: 'trusted' })), 'trusted'),
      card(countLink(t.events, ev({})), 'events in all'),
    );
    fill(
      spikes,
      o.spikes.length
        ? h('div', { className: 'alert spikes' }, h('b', null, 'Spikes '), `(more than 3× the average of the ${o.baselineDays} days with data before, and at least 10 scans): `,
            o.spikes.slice(0, 12).map((s, i) => [i ? ', ' : '', link(routes.port(s.port, s.proto), `${s.port}/${s.proto}`), s.ratio === null ? ' (new)' : ` ×${s.ratio}`]))
        : null,
    );
    draw(hourChart, bars(o.hours.labels, [{ name: 'unique sources', data: o.hours.sources }]), (p) => {
      location.href = routes.events({ date: d, hour: p.dataIndex, class: 'scan', group: 'src' });
    });
    const names = o.heat.ports.map((p) => `${p.port}/${p.proto}${p.name ? ` ${p.name}` : ''}`);
    draw(heatChart, heat(o.heat.labels, names, o.heat.cells, o.heat.max), (p) => {
      const [hour, row] = p.value as [number, number];
      const port = o.heat.ports[row];
      if (port) location.href = routes.events({ date: d, hour, class: 'scan', port: port.port, proto: port.proto });
    });
    renderPorts(o, d);
  }

  function renderPorts(o: Overview, d: string): void {
    const sortLink = (s: string, label: string) => (state.sort === s ? h('b', null, label) : link(`/${qs({ date: state.date, sort: s })}`, label));
    const rows = o.ports.rows.map((r) => {
      const ev = (extra: Record<string, string | number>) => routes.events({ date: d, class: 'scan', port: r.port, proto: r.proto, ...extra });
      return h(
        'tr',
        { className: r.spike ? 'hot' : null },
        td(link(routes.port(r.port, r.proto), String(r.port))),
        td(r.proto),
        td(r.name ?? ''),
        tdn(countLink(r.events, ev({}))),
        tdn(countLink(r.sources, ev({ group: 'src' }))),
        tdn(countLink(r.targets, ev({ group: 'dst' }))),
        tdn(num(r.baseline)),
        td(trend(r)),
        td(r.spike ? badge('spike', 'spike') : null),
      );
    });
    const { total, offset } = o.ports;
    const pager = h(
      'p',
      { className: 'pager' },
      `${num(total)} ports · sort by `, sortLink('events', 'events'), ' · ', sortLink('sources', 'sources'), ' · ', sortLink('targets', 'targets'), ' · ',
      offset > 0 ? link(`/${qs({ date: state.date, sort: state.sort, offset: Math.max(0, offset - limit) })}`, '← previous') : '',
      offset + rows.length < total ? [' ', link(`/${qs({ date: state.date, sort: state.sort, offset: offset + limit })}`, 'next →')] : '',
    );
    fill(
      ports,
      h('p', { className: 'muted' }, `Inbound scans per port, trusted sources left out. Baseline: scans per day over the ${o.baselineDays} days with data among the 30 before.`),
      table(['port', 'proto', 'name', ['events', 'n'], ['sources', 'n'], ['targets', 'n'], ['baseline/day', 'n'], 'trend', ''], rows, 'No inbound scans on this day.'),
      pager,
    );
  }

  function renderFeed(): void {
    const today = current?.date ?? '';
    const rows = events.slice(0, 30).map((e) =>
      h('tr', { className: `cls-${e.class}` }, td(e.time.startsWith(today) ? clock(e.time) : time(e.time)), td(e.class), td(e.reason), td(link(routes.ip(e.src), e.src)), td(e.class === 'outbound' ? link(routes.ip(e.dst), e.dst) : ''), td(link(routes.port(e.port, e.transport), `${e.port}/${e.transport}`))),
    );
    fill(feed, table(['time', 'class', 'reason', 'source', 'to', 'port'], rows, 'No events yet.'));
  }

  async function loadAlerts(): Promise<void> {
    const r = await get<{ total: number; rows: AlertRow[] }>('/api/alerts?status=open&limit=10');
    fill(
      alerts,
      table(['', 'kind', 'host', 'port', ['events', 'n'], 'last'], r.rows.map((a) => h('tr', null, td(level(a.level)), td(link(routes.alert(a.id), a.kind)), td(link(routes.ip(a.host), a.host)), td(a.kind === 'vertical-scan' ? 'many ports' : `${a.port}/${a.proto}`), tdn(num(a.events)), td(a.last.slice(0, 16).replace('T', ' ')))), 'No open alert.'),
      r.total > r.rows.length ? h('p', null, link(routes.alerts(), `All ${num(r.total)} open alerts`)) : null,
    );
  }

  async function load(): Promise<void> {
    try {
      const [o, latest] = await Promise.all([
        get<Overview>(`/api/overview${qs({ date: state.date, sort: state.sort, offset: state.offset || undefined, limit })}`),
        get<{ events: FeedEvent[] }>('/api/events/latest?limit=30'),
      ]);
      events.splice(0, events.length, ...latest.events);
      render(o);
      renderFeed();
      await loadAlerts();
    } catch (e) {
      fill(main, message((e as Error).message));
    }
  }

  onLive({
    hello: () => void load(),
    update: (u) => {
      if (u.events.length) {
        events.unshift(...u.events);
        events.length = Math.min(events.length, 30);
        renderFeed();
      }
      if (u.changed.alerts) void loadAlerts();
      const o = u.overview as Overview | null;
      if (o && isLive() && fixed() && (!current || o.date === current.date || !state.date)) render(o);
      else if (isLive() && u.changed.trust) void load();
    },
  });
}

function trend(r: PortRow): HTMLElement | string {
  switch (r.trend) {
    case 'none':
      return h('span', { className: 'muted', title: 'no data in the 30 days before' }, 'no history');
    case 'new':
      return h('span', { title: 'not scanned in the 30 days before' }, 'new');
    default:
      return `${r.trend === 'up' ? '▲' : r.trend === 'down' ? '▼' : '='} ×${r.ratio}`;
  }
}

function dayPicker(date: string | null): HTMLElement {
  const sel = h('select', { 'aria-label': 'day', id: 'day' }, h('option', { value: '' }, 'latest day'));
  void get<{ days: string[] }>('/api/days').then((r) => {
    for (const d of r.days.slice().reverse()) sel.appendChild(h('option', { value: d, selected: d === date && !!params().get('date') }, d));
  });
  sel.addEventListener('change', () => {
    location.href = routes.overview(sel.value || undefined);
  });
  return h('label', { className: 'picker' }, 'Day ', sel);
}
