/**
 * Address: its history as source and as destination over a chosen range (the latest day by
 * default: on a big database each day read costs tens of milliseconds), its alerts, its trust,
 * country and ASN when the server has a GeoIP database; trust and untrust with a note and an
 * expiry.
 */
import { h, fill, num, routes, table, td, tdn, section, message, params, link, time, countLink, card, type Child } from '../dom';
import { get, post, loadSession } from '../api';
import { draw, bars } from '../charts';
import { onLive } from '../live';

interface Role {
  events: number; packets: number; first: string | null; last: string | null; peers: number; ports: number;
  classes: { class: string; events: number }[];
  topPorts: { port: number; proto: string; events: number; first: string; last: string }[];
  days: { date: string; events: number }[];
  topPeers: { address: string; events: number }[];
}
interface Geo { type: string; found: boolean; country?: string; countryName?: string; city?: string; asn?: number; asOrg?: string; error?: string }
interface History {
  address: string; home: boolean; trusted: { cidr: string; note: string | null; expires: string | null }[]; tz: string;
  first: string | null; last: string | null; asSource: Role; asDestination: Role;
  alerts: { id: number; kind: string; port: number; proto: string; destinations: number; events: number; first: string; last: string }[];
  reverseDns?: { status: string; names: string[] }; geoip?: Geo[]; range: { from: string; to: string } | null;
}

const RANGES: [string, number | null][] = [['day', 1], ['7 days', 7], ['30 days', 30], ['all history', null]];

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function addressPage(main: HTMLElement, ip: string): void {
  const q = params();
  const status = h('div', { id: 'trust-status' });

  async function load(): Promise<void> {
    const [session, days] = await Promise.all([loadSession(), get<{ days: string[] }>('/api/days')]);
    const latest = days.days.at(-1);
    const all = q.get('range') === 'all';
    const to = q.get('to') ?? q.get('from') ?? latest;
    const from = all ? undefined : (q.get('from') ?? latest);
    let hist: History;
    fill(main, h('h1', null, ip), h('p', { className: 'muted' }, all ? 'Reading the whole history…' : 'Loading…'));
    try {
      hist = await get<History>(`/api/ip/${encodeURIComponent(ip)}${from ? `?from=${from}&to=${to}` : ''}`);
    } catch (e) {
      fill(main, h('h1', null, ip), message((e as Error).message));
      return;
    }
    const span = hist.range ? (hist.range.from === hist.range.to ? hist.range.from : `${hist.range.from} to ${hist.range.to}`) : 'all history';
    const rangeLinks = RANGES.map(([label, n], i) => {
      const href = n === null ? routes.ip(ip, { range: 'all' }) : latest ? routes.ip(ip, { from: shift(latest, 1 - n), to: latest }) : routes.ip(ip);
      return [i ? ' · ' : '', link(href, label)];
    });
    const geo = (hist.geoip ?? []).map((g) => (g.error ? `${g.error} (${g.type})` : !g.found ? `not in ${g.type}` : [g.country, g.countryName, g.city, g.asn !== undefined ? `AS${g.asn} ${g.asOrg ?? ''}` : ''].filter(Boolean).join(', ')));
    fill(
      main,
      h('div', { className: 'pagehead' }, h('h1', null, hist.address), h('p', { className: 'muted' }, `${hist.home ? 'A home (inside) address' : 'An outside address'} · ${span} · times in ${hist.tz}`), h('p', { className: 'picker' }, 'Range: ', rangeLinks)),
      h('div', { className: 'cards' },
        card(countLink(hist.asSource.events, routes.events({ from: hist.range?.from, to: hist.range?.to, src: ip })), 'events as source'),
        card(countLink(hist.asDestination.events, routes.events({ from: hist.range?.from, to: hist.range?.to, dst: ip })), 'events as destination'),
        card(time(hist.first), 'first seen'), card(time(hist.last), 'last seen'), card(num(hist.alerts.length), 'alerts')),
      geo.length || hist.reverseDns ? h('p', null, hist.reverseDns ? `Reverse DNS: ${hist.reverseDns.status === 'ok' ? hist.reverseDns.names.join(' ') : hist.reverseDns.status}. ` : '', geo.length ? `Location: ${geo.join('; ')}` : '') : null,
      section('Trust', status, trustForm(ip, hist, session.writable, session.readOnlyReason, () => void load())),
      role('As source', hist.asSource, hist, 'destinations'),
      role('As destination', hist.asDestination, hist, 'sources'),
      section('Alerts (as host)', table(['kind', 'port', ['destinations', 'n'], ['events', 'n'], 'first', 'last'], hist.alerts.map((a) => h('tr', null, td(link(routes.alert(a.id), a.kind)), td(a.kind === 'vertical-scan' ? 'many ports' : `${a.port}/${a.proto}`), tdn(num(a.destinations)), tdn(num(a.events)), td(time(a.first)), td(time(a.last)))), 'No alert about this address.')),
    );
    main.querySelectorAll<HTMLElement>('.chart[data-days]').forEach((el) => {
      const d = JSON.parse(el.dataset.days ?? '[]') as { date: string; events: number }[];
      draw(el, bars(d.map((x) => x.date.slice(5)), [{ name: 'events', data: d.map((x) => x.events) }]));
    });
  }

  function role(title: string, r: Role, hist: History, peerWord: string): HTMLElement {
    if (!r.events) return section(title, h('p', { className: 'muted' }, 'No events in this range.'));
    const range = { from: hist.range?.from, to: hist.range?.to };
    const side = title === 'As source' ? { src: ip } : { dst: ip };
    const chart = r.days.length > 1 ? h('div', { className: 'chart small', 'data-days': JSON.stringify(r.days) }) : null;
    return section(
      `${title}: ${num(r.events)} events`,
      h('p', null, `${time(r.first)} … ${time(r.last)} · `, r.classes.map((c, i) => [i ? ', ' : '', countLink(c.events, routes.events({ ...range, ...side, class: c.class })), ` ${c.class}`])),
      chart,
      h('div', { className: 'grid2' },
        table(['port', ['events', 'n'], 'first', 'last'], r.topPorts.map((p) => h('tr', null, td(link(routes.port(p.port, p.proto), `${p.port}/${p.proto}`)), tdn(countLink(p.events, routes.events({ ...range, ...side, port: p.port, proto: p.proto }))), td(time(p.first)), td(time(p.last))))),
        table([peerWord, ['events', 'n']], r.topPeers.map((p) => h('tr', null, td(link(routes.ip(p.address), p.address)), tdn(num(p.events)))))),
    );
  }

  function trustForm(addr: string, hist: History, writable: boolean, reason: string | null, reload: () => void): Child {
    const covering = hist.trusted;
    const out: Child[] = [];
    out.push(
      covering.length
        ? h('p', { className: 'ok' }, 'Trusted by ', covering.map((t, i) => [i ? ', ' : '', h('code', null, t.cidr), t.note ? ` (${t.note})` : '', t.expires ? ` until ${time(t.expires)}` : ' until removed']), '. Its inbound events are left out of every count.')
        : h('p', null, hist.home ? 'A home address is never counted as a scanner.' : 'Not trusted: its inbound events are counted as scans.'),
    );
    if (!writable) {
      out.push(h('p', { className: 'muted' }, reason ?? 'This dashboard cannot write the database.'));
      return out;
    }
    const say = (text: string, cls = 'ok') => fill(status, h('p', { className: cls, role: 'status' }, text));
    for (const t of covering) {
      out.push(
        h('button', {
          type: 'button', className: 'danger', id: `untrust-${t.cidr}`,
          onclick: async () => {
            try {
              say(`Removing ${t.cidr}…`, 'muted');
              const r = await post<{ cidr: string; events: number }>('/api/trust/remove', { cidr: t.cidr });
              say(`Removed ${r.cidr}: ${num(r.events)} past events count again.`);
              reload();
            } catch (e) {
              say((e as Error).message, 'error');
            }
          },
        }, `Stop trusting ${t.cidr}`),
      );
    }
    if (!covering.length && !hist.home) {
      const note = h('input', { name: 'note', id: 'trust-note', maxlength: 2000, placeholder: 'why (e.g. our monitoring service)' });
      const days = h('select', { name: 'days', id: 'trust-days' }, h('option', { value: '' }, 'until removed'), h('option', { value: '1' }, '1 day'), h('option', { value: '7' }, '7 days'), h('option', { value: '30' }, '30 days'), h('option', { value: '365' }, '1 year'));
      const form = h('form', { className: 'inline', id: 'trust-form' }, h('label', null, 'Note ', note), h('label', null, 'For ', days), h('button', { type: 'submit' }, `Trust ${addr}`));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          say(`Trusting ${addr}: reclassifying its past events…`, 'muted');
          const r = await post<{ cidr: string; events: number }>('/api/trust', { cidr: addr, note: note.value, days: days.value || null });
          say(`Trusted ${r.cidr}: ${num(r.events)} past events reclassified.`);
          reload();
        } catch (e) {
          say((e as Error).message, 'error');
        }
      });
      out.push(form);
    }
    return out;
  }

  onLive({ hello: () => void load(), update: (u) => u.changed.trust && void load() });
}
