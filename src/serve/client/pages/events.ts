/** Events: what a number on the dashboard counts — the events themselves, or their distinct sources, targets or ports. */
import { h, fill, num, routes, table, td, tdn, message, params, link, time, qs, countLink } from '../dom';
import { get } from '../api';
import type { FeedEvent } from '../live';

interface Result {
  zone: string; from: string; to: string; group: string | null; total: number; more: boolean; next: [number, number] | null;
  events?: (FeedEvent & { source_id: number; line: number })[];
  groups?: { value: string | number; events: number; packets: number; first: string; last: string }[];
}

const FIELDS = ['from', 'to', 'date', 'hour', 'class', 'port', 'proto', 'src', 'dst', 'addr', 'group'] as const;

export function eventsPage(main: HTMLElement): void {
  const q = params();
  const f: Record<string, string> = {};
  for (const k of FIELDS) if (q.get(k)) f[k] = q.get(k)!;
  const out = h('div', { id: 'results' });
  const input = (name: string, attrs: Record<string, string | number> = {}) => h('input', { name, value: f[name] ?? '', ...attrs });
  const cls = h('select', { name: 'class' }, ['', 'scan', 'late', 'outbound', 'internal', 'external', 'trusted'].map((c) => h('option', { value: c, selected: c === (f.class ?? '') }, c || 'any class')));
  const group = h('select', { name: 'group' }, [['', 'events'], ['src', 'distinct sources'], ['dst', 'distinct destinations'], ['port', 'distinct ports']].map(([v, l]) => h('option', { value: v, selected: v === (f.group ?? '') }, l)));
  fill(
    main,
    h('div', { className: 'pagehead' }, h('h1', null, 'Events'), h('p', { className: 'muted' }, 'The events behind a count, day by day (at most 31 days at a time).')),
    h('form', { className: 'inline filters', method: 'get', action: '/events' },
      h('label', null, 'From ', input('from', { type: 'date' })), h('label', null, 'to ', input('to', { type: 'date' })), h('label', null, 'hour ', input('hour', { size: 2, inputmode: 'numeric' })),
      cls, h('label', null, 'port ', input('port', { size: 5, inputmode: 'numeric' })), h('label', null, 'proto ', input('proto', { size: 5 })),
      h('label', null, 'source ', input('src', { size: 16 })), h('label', null, 'destination ', input('dst', { size: 16 })), h('label', null, 'show ', group), h('button', null, 'Show')),
    out,
  );
  const rows: HTMLTableRowElement[] = [];
  let offset = 0;
  let total = -1;

  async function more(before?: [number, number]): Promise<void> {
    let r: Result;
    try {
      r = await get<Result>(`/api/events${qs({ ...f, before: before ? `${before[0]}.${before[1]}` : undefined, offset: offset || undefined, limit: 100 })}`);
    } catch (e) {
      fill(out, message((e as Error).message));
      return;
    }
    if (total < 0) total = r.total;
    if (r.events) {
      for (const e of r.events) {
        rows.push(h('tr', { className: `cls-${e.class}` }, td(time(e.time)), td(e.class), td(e.reason), td(link(routes.ip(e.src), e.src)), td(e.sport ?? ''), td(link(routes.ip(e.dst), e.dst)),
          td(link(routes.port(e.port, e.transport), `${e.port}/${e.transport}`)), td(e.action), td(e.host ?? ''), td(e.rule ?? '')));
      }
    } else {
      for (const g of r.groups ?? []) {
        const v = String(g.value);
        const cell = r.group === 'port' ? link(routes.port(Number(v.split('/')[0]), v.split('/')[1]), v) : link(routes.ip(v), v);
        const narrow = r.group === 'port' ? { port: v.split('/')[0], proto: v.split('/')[1] } : { [r.group!]: v };
        rows.push(h('tr', null, td(cell), tdn(countLink(g.events, routes.events({ ...f, group: undefined, ...narrow }))), tdn(num(g.packets)), td(time(g.first)), td(time(g.last))));
      }
      offset += r.groups?.length ?? 0;
    }
    const head: (string | [string, 'n'])[] = r.events ? ['time', 'class', 'reason', 'source', 'sport', 'destination', 'port', 'action', 'device', 'rule'] : [r.group === 'src' ? 'source' : r.group === 'dst' ? 'destination' : 'port', ['events', 'n'], ['packets', 'n'], 'first', 'last'];
    const what = r.group ? `distinct ${r.group === 'src' ? 'sources' : r.group === 'dst' ? 'destinations' : 'ports'}` : 'events';
    fill(
      out,
      h('p', null, h('b', { id: 'total' }, num(total)), ` ${what}, ${r.from === r.to ? r.from : `${r.from} to ${r.to}`} (${r.zone})`),
      table(head, rows, 'Nothing matches.'),
      r.more ? h('button', { type: 'button', onclick: () => void more(r.next ?? undefined) }, 'More') : null,
    );
  }
  void more();
}
