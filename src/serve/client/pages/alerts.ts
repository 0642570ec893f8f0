/** The alerts inbox (open and closed, filtered) and one alert with its evidence and triage. */
import { h, fill, num, routes, table, td, tdn, section, message, params, link, time, level, badge, qs } from '../dom';
import { get, post, loadSession } from '../api';
import { onLive } from '../live';

interface Alert {
  id: number; kind: string; host: string; port: number; proto: string; level: number | null; destinations: number; events: number; peak: number;
  threshold: number; windowS: number; first: string; last: string; status: 'open' | 'closed'; closedAt: string | null; updatedSinceClosed: boolean;
  scanType: string; targets: number; ports: number; window: 'fast' | 'long'; raised: string | null;
}
interface Inbox { zone: string; counts: { open: number; closed: number }; kinds: string[]; total: number; rows: Alert[] }
interface Detail extends Alert {
  evidence: { firstLine?: string; lastLine?: string; sampleDestinations?: string[]; samplePorts?: number[]; sampleTargets?: string[]; window?: string; [k: string]: unknown };
  notes: { id: number; at: string; action: string; by: string; via: string; note: string | null }[];
}

const BY_KEY = 'portledger.by';

/** A vertical scan has no one port (stored as 0): it probed many. */
function portCell(a: Alert): HTMLElement | string {
  return a.kind === 'vertical-scan' ? 'many ports' : link(routes.port(a.port, a.proto), `${a.port}/${a.proto}`);
}

/** The kind, with the probes' kind (SYN, FIN, …, with the nmap option) where it is a scan. */
function kindCell(a: Alert): (HTMLElement | string)[] {
  return [link(routes.alert(a.id), a.kind), a.scanType ? h('div', { className: 'muted' }, a.scanType) : '', a.window === 'long' ? badge('slow', 'muted') : ''];
}

/** What the alert says, in a sentence per kind. */
function story(a: Alert): string {
  const span = `${num(a.events)} attempts from ${time(a.first)} to ${time(a.last)}${a.raised ? `, raised ${time(a.raised)}` : ''}`;
  const rule = `threshold ${num(a.threshold)} within ${num(a.windowS)} s; the busiest window held ${num(a.peak)}`;
  const probes = a.scanType ? `${a.scanType} probes: ` : '';
  if (a.kind === 'vertical-scan') return `${probes}${a.host} probed ${num(a.ports)} distinct ports of ${num(a.targets)} ${a.targets === 1 ? 'target' : 'targets'} (${rule}); ${span}.`;
  if (a.kind === 'horizontal-scan') return `${probes}${a.host} swept ${a.port}/${a.proto} on ${num(a.targets)} distinct addresses (${rule}); ${span}.`;
  return `${a.host} reached ${num(a.destinations)} distinct hosts on ${a.port}/${a.proto} (${rule}); ${span}.`;
}

export function alertsPage(main: HTMLElement): void {
  const q = params();
  const f = { status: q.get('status') ?? 'open', kind: q.get('kind') ?? '', level: q.get('level') ?? '', host: q.get('host') ?? '' };

  async function load(): Promise<void> {
    let r: Inbox;
    try {
      r = await get<Inbox>(`/api/alerts${qs({ ...f, limit: 200 })}`);
    } catch (e) {
      fill(main, message((e as Error).message));
      return;
    }
    const tab = (s: string, label: string) => (f.status === s ? h('b', { className: 'tab on' }, label) : link(routes.alerts({ ...f, status: s }), label));
    const kind = h('select', { name: 'kind' }, h('option', { value: '' }, 'every kind'), r.kinds.map((k) => h('option', { value: k, selected: k === f.kind }, k)));
    const lvl = h('select', { name: 'level' }, h('option', { value: '' }, 'any level'), [1, 2, 3, 4, 5].map((l) => h('option', { value: String(l), selected: String(l) === f.level }, `level ≥ ${l}`)));
    const host = h('input', { name: 'host', value: f.host, placeholder: 'host address', size: 18 });
    const form = h('form', { className: 'inline filters', method: 'get', action: '/alerts' }, h('input', { type: 'hidden', name: 'status', value: f.status }), kind, lvl, host, h('button', null, 'Filter'));
    const rows = r.rows.map((a) =>
      h('tr', { className: a.status === 'closed' ? 'closed' : null },
        td(level(a.level)), td(kindCell(a)), td(link(routes.ip(a.host), a.host)), td(portCell(a)),
        tdn(num(a.targets)), tdn(num(a.ports)), tdn(num(a.events)), td(time(a.first)), td(time(a.last)),
        td(a.status === 'closed' ? [badge('closed', 'muted'), a.updatedSinceClosed ? badge('updated since', 'warn') : null] : badge('open', 'open'))),
    );
    fill(
      main,
      h('div', { className: 'pagehead' }, h('h1', null, 'Alerts'), h('p', { className: 'tabs' }, tab('open', `Open (${num(r.counts.open)})`), ' ', tab('closed', `Closed (${num(r.counts.closed)})`), ' ', tab('all', 'All'))),
      form,
      table(['level', 'kind', 'host', 'port', ['targets', 'n'], ['ports', 'n'], ['events', 'n'], 'first', 'last', 'status'], rows, f.status === 'open' ? 'No open alert.' : 'No alert.'),
      r.total > r.rows.length ? h('p', { className: 'muted' }, `${num(r.total - r.rows.length)} more: narrow the filter.`) : null,
    );
  }
  onLive({ hello: () => void load(), update: (u) => u.changed.alerts && void load() });
}

export function alertPage(main: HTMLElement, arg: string): void {
  const id = Number(arg);
  async function load(): Promise<void> {
    let a: Detail;
    const session = await loadSession();
    try {
      a = await get<Detail>(`/api/alerts/${id}`);
    } catch (e) {
      fill(main, message((e as Error).message));
      return;
    }
    const ev = a.evidence;
    const what = a.kind === 'worm' ? 'Worm-like outbound traffic' : a.kind === 'vertical-scan' ? 'Port scan' : a.kind === 'horizontal-scan' ? 'Sweep' : a.kind;
    fill(
      main,
      h('div', { className: 'pagehead' }, h('h1', null, `${what}: `, link(routes.ip(a.host), a.host), a.kind === 'vertical-scan' ? ' ' : ` → ${a.port}/${a.proto} `, level(a.level)),
        h('p', null, a.status === 'open' ? h('span', { className: 'badge open', id: 'alert-status' }, 'open') : h('span', { className: 'badge muted', id: 'alert-status' }, `closed ${time(a.closedAt)}`), a.updatedSinceClosed ? badge('updated since it was closed', 'warn') : null)),
      h('p', null, story(a), ev.window === 'long' ? ' Seen over the 24-hour window (a slow scan).' : ''),
      ev.sampleDestinations?.length ? section('Sample destinations', h('p', null, ev.sampleDestinations.map((d, i) => [i ? ' ' : '', link(routes.ip(d), d)]))) : null,
      ev.sampleTargets?.length ? section('Targets', h('p', null, ev.sampleTargets.map((d, i) => [i ? ' ' : '', link(routes.ip(d), d)]))) : null,
      ev.samplePorts?.length ? section('Ports probed (sample)', h('p', null, ev.samplePorts.map((p, i) => [i ? ' ' : '', link(routes.port(p), String(p))]))) : null,
      section('Evidence', ev.firstLine ? [h('p', null, 'First line'), h('pre', { className: 'evidence' }, ev.firstLine)] : null, ev.lastLine ? [h('p', null, 'Last line'), h('pre', { className: 'evidence' }, ev.lastLine)] : null,
        !ev.firstLine && !ev.lastLine ? h('pre', { className: 'evidence' }, JSON.stringify(ev, null, 2)) : null),
      section('Triage', table(['when', 'action', 'by', 'via', 'note'], a.notes.map((n) => h('tr', null, td(time(n.at)), td(n.action), td(n.by), td(n.via), td(n.note ?? ''))), 'No triage yet.'), triage(a, session.writable, session.readOnlyReason)),
    );
  }

  function triage(a: Detail, writable: boolean, reason: string | null): HTMLElement {
    if (!writable) return h('p', { className: 'muted' }, reason ?? 'This dashboard cannot write the database.');
    const note = h('textarea', { name: 'note', id: 'triage-note', rows: 3, maxlength: 2000, placeholder: 'what you found, what you did' });
    const by = h('input', { name: 'by', id: 'triage-by', maxlength: 80, placeholder: 'your name', value: localStorage.getItem(BY_KEY) ?? '' });
    const out = h('p', { role: 'status' });
    const act = (action: string) => async () => {
      localStorage.setItem(BY_KEY, by.value);
      try {
        await post(`/api/alerts/${a.id}`, { action, note: note.value, by: by.value });
        await load();
      } catch (e) {
        fill(out, h('span', { className: 'error' }, (e as Error).message));
      }
    };
    return h('div', { className: 'triage' }, h('label', null, 'Note', note), h('label', null, 'By ', by),
      h('p', null,
        a.status === 'open' ? h('button', { type: 'button', id: 'close-alert', onclick: act('close') }, 'Acknowledge and close') : h('button', { type: 'button', id: 'reopen-alert', onclick: act('reopen') }, 'Reopen'),
        ' ', h('button', { type: 'button', className: 'secondary', onclick: act('note') }, 'Add note')),
      out);
  }
  onLive({ hello: () => void load() });
}
