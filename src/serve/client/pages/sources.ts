/** Sources: every input with its parse coverage and drift warning; why lines were rejected. */
import { h, fill, num, table, td, tdn, message, pct, time, badge } from '../dom';
import { get } from '../api';
import { onLive } from '../live';

interface Source { id: number; name: string; lastRead: string; lines: number; events: number; skips: number; rejects: number; coverage: number | null; lastRun: number | null; previousRun: number | null; warning: string | null }
interface Detail { rejects: { reason: string; count: number }[]; skips: { reason: string; count: number }[]; samples: { line: number; reason: string; sample: string }[] }

export function sourcesPage(main: HTMLElement): void {
  const detail = h('div', { id: 'source-detail' });
  async function show(s: Source): Promise<void> {
    const d = await get<Detail>(`/api/sources/${s.id}`);
    fill(
      detail,
      h('h2', null, s.name),
      h('div', { className: 'grid2' },
        table(['rejected because', ['lines', 'n']], d.rejects.map((r) => h('tr', null, td(r.reason), tdn(num(r.count)))), 'No line rejected.'),
        table(['skipped (not firewall traffic)', ['lines', 'n']], d.skips.map((r) => h('tr', null, td(r.reason), tdn(num(r.count)))), 'No line skipped.')),
      d.samples.length ? h('h3', null, 'Rejected lines kept as samples') : null,
      d.samples.map((x) => [h('p', { className: 'muted' }, `line ${x.line} (${x.reason})`), h('pre', { className: 'evidence' }, x.sample)]),
    );
    detail.scrollIntoView({ block: 'start' });
  }
  async function load(): Promise<void> {
    let r: { sources: Source[] };
    try {
      r = await get<{ sources: Source[] }>('/api/sources');
    } catch (e) {
      fill(main, message((e as Error).message));
      return;
    }
    const rows = r.sources.map((s) =>
      h('tr', { className: s.warning ? 'hot' : null },
        td(h('button', { type: 'button', className: 'linkish', onclick: () => void show(s) }, s.name)), td(time(s.lastRead)), tdn(num(s.lines)), tdn(num(s.events)), tdn(num(s.skips)), tdn(num(s.rejects)),
        tdn(pct(s.coverage)), tdn(pct(s.lastRun)), tdn(pct(s.previousRun)), td(s.warning ? badge(s.warning, 'warn') : '')),
    );
    fill(
      main,
      h('div', { className: 'pagehead' }, h('h1', null, 'Sources'), h('p', { className: 'muted' }, 'Every input read, with the share of its lines that became events. A drop from one run to the next usually means the device changed its log format.')),
      table(['input', 'last read', ['lines', 'n'], ['events', 'n'], ['skipped', 'n'], ['rejected', 'n'], ['coverage', 'n'], ['last run', 'n'], ['run before', 'n'], ''], rows, 'No input read yet.'),
      detail,
    );
  }
  onLive({ hello: () => void load() });
}
