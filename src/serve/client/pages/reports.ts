/** Reports: the daily and range reports of any day or period, to view or download. */
import { h, fill, link, qs } from '../dom';
import { get } from '../api';

export function reportsPage(main: HTMLElement): void {
  const daily = h('div', { id: 'daily-links' });
  const range = h('div', { id: 'range-links' });
  const date = h('input', { type: 'date', id: 'report-date', name: 'date' });
  const from = h('input', { type: 'date', id: 'report-from' });
  const to = h('input', { type: 'date', id: 'report-to' });
  const files = (kind: string, p: Record<string, string>) => {
    const u = (extra: Record<string, string>) => `/api/reports/${kind}${qs({ ...p, ...extra })}`;
    return h('ul', { className: 'files' },
      h('li', null, link(u({ format: 'html', view: '1' }), 'view'), ' · ', link(u({ format: 'html' }), 'HTML'), ' · ', link(u({ format: 'json' }), 'JSON')),
      h('li', null, 'CSV: ', ['ports', 'sources', 'devices', 'time'].map((part, i) => [i ? ' · ' : '', link(u({ format: 'csv', part }), part)])));
  };
  const update = () => {
    fill(daily, date.value ? files('daily', { date: date.value }) : null);
    fill(range, from.value && to.value ? files('range', { from: from.value, to: to.value }) : null);
  };
  for (const el of [date, from, to]) el.addEventListener('change', update);
  fill(
    main,
    h('div', { className: 'pagehead' }, h('h1', null, 'Reports'), h('p', { className: 'muted' }, 'The daily and range reports of the command line (portledger report daily / range): one self-contained HTML file with charts, or JSON and CSV. A day of a busy database takes a few seconds to count.')),
    h('section', null, h('h2', null, 'Daily report'), h('label', null, 'Day ', date), daily),
    h('section', null, h('h2', null, 'Range report'), h('label', null, 'From ', from), ' ', h('label', null, 'to ', to), range),
  );
  void get<{ days: string[] }>('/api/days').then((r) => {
    const last = r.days.at(-1);
    if (!last) return;
    date.value = last;
    to.value = last;
    from.value = r.days[Math.max(0, r.days.length - 7)];
    for (const el of [date, from, to]) {
      el.min = r.days[0];
      el.max = last;
    }
    update();
  });
}
