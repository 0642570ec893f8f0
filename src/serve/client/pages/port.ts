/** Port: the knowledge-base entry, the last 30 or 90 days, sources per hour of a day, its top sources. */
import { h, fill, routes, table, td, tdn, section, message, params, qs, link, countLink, time } from '../dom';
import { get } from '../api';
import { draw, lines, bars } from '../charts';
import { onLive } from '../live';

interface Entry { port: number; protocols: string[]; name: string; purpose: string; description: string; malware: string[]; inbound: string; outbound: string; advice: string }
interface PortPage {
  port: number; proto: string | null; name: string | null; entry: Entry | null; related: { port: number; name: string }[];
  iana: { proto: string; name: string; description: string }[]; zone: string; from: string | null; to: string | null;
  daily: { labels: string[]; series: { proto: string; events: number[]; sources: number[]; targets: number[] }[] };
  date: string | null; hourly: { labels: string[]; series: { proto: string; sources: number[]; events: number[] }[] };
}
interface PortSources { date: string; sources: number; top: { src: string; events: number; first: string; last: string }[] }

export function portPage(main: HTMLElement, arg: string): void {
  const port = Number(arg);
  const q = params();
  const proto = q.get('proto') ?? undefined;
  const days = q.get('days') === '90' ? 90 : 30;
  const date = q.get('date') ?? undefined;

  async function load(): Promise<void> {
    let p: PortPage;
    try {
      p = await get<PortPage>(`/api/port/${port}${qs({ proto, days, date })}`);
    } catch (e) {
      fill(main, message((e as Error).message));
      return;
    }
    const label = `${p.port}${p.proto ? `/${p.proto}` : ''}`;
    const e = p.entry;
    const dailyChart = h('div', { className: 'chart', id: 'chart-daily' });
    const hourChart = h('div', { className: 'chart', id: 'chart-port-hours' });
    const sources = h('div', { id: 'port-sources' }, h('p', { className: 'muted' }, 'Counting…'));
    const window = (d: number) => (d === days ? h('b', null, `${d} days`) : link(routes.port(port, proto, { days: d }), `${d} days`));
    const ev = (extra: Record<string, string | number | undefined>) => routes.events({ date: p.date ?? undefined, class: 'scan', port, proto: p.proto ?? undefined, ...extra });
    fill(
      main,
      h('div', { className: 'pagehead' }, h('h1', null, `${label}${e ? ` — ${e.name}` : p.name ? ` — ${p.name}` : ''}`), e ? h('p', { className: 'lead' }, e.purpose) : null),
      e
        ? section(
            'About this port',
            h('p', null, e.description),
            h('dl', { className: 'facts' }, h('dt', null, 'Inbound'), h('dd', null, e.inbound), h('dt', null, 'Outbound'), h('dd', null, e.outbound), h('dt', null, 'Advice'), h('dd', null, e.advice),
              h('dt', null, 'Malware'), h('dd', null, e.malware.length ? e.malware.join(', ') : 'none known to us'),
              p.related.length ? [h('dt', null, 'Related'), h('dd', null, p.related.map((r, i) => [i ? ', ' : '', link(routes.port(r.port), String(r.port)), r.name ? ` ${r.name}` : '']))] : null),
          )
        : h('p', { className: 'muted' }, `No curated entry for ${label} in portledger's knowledge base.`),
      p.iana.length ? section('IANA registry', table(['proto', 'name', 'description'], p.iana.map((i) => h('tr', null, td(i.proto), td(i.name), td(i.description))))) : null,
      section(`Scans per day, ${p.from ?? ''} to ${p.to ?? ''}`, h('p', { className: 'picker' }, window(30), ' · ', window(90)), dailyChart),
      section(`Unique sources per hour on ${p.date ?? '—'}`, hourChart),
      section(`Top sources on ${p.date ?? '—'}`, sources),
    );
    // Read from the day's events: asked for separately, so the rest of the page does not wait.
    if (p.date) {
      get<PortSources>(`/api/port/${port}/sources${qs({ proto, date: p.date })}`).then(
        (r) => fill(sources,
          h('p', null, countLink(r.sources, ev({ group: 'src' })), ' distinct sources scanned this port that day.'),
          table(['source', ['scans', 'n'], 'first', 'last'], r.top.map((s) => h('tr', null, td(link(routes.ip(s.src), s.src)), tdn(countLink(s.events, ev({ src: s.src }))), td(time(s.first)), td(time(s.last)))), 'No scans of this port that day.')),
        (e: Error) => fill(sources, message(e.message)),
      );
    }
    const series = p.daily.series.flatMap((s) => [{ name: `scans ${s.proto}`, data: s.events }, { name: `sources ${s.proto}`, data: s.sources }]);
    draw(dailyChart, lines(p.daily.labels.map((l) => l.slice(5)), series), (c) => {
      location.href = routes.port(port, proto, { days, date: p.daily.labels[c.dataIndex] });
    });
    draw(hourChart, bars(p.hourly.labels, p.hourly.series.map((s) => ({ name: s.proto, data: s.sources }))), (c) => {
      if (p.date) location.href = routes.events({ date: p.date, hour: c.dataIndex, class: 'scan', port, proto: p.proto ?? undefined, group: 'src' });
    });
  }
  onLive({ hello: () => void load() });
}
