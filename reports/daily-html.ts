/**
 * The daily/range report as one self-contained HTML file: inline CSS, inline SVG charts, no
 * script, nothing fetched (a Content-Security-Policy forbids it as well), readable on a phone and
 * printed. Everything interpolated goes through `escapeHtml` by default (the `html` tag); only
 * our own markup and the ECharts SVG are inserted as raw.
 */
import type { AlertItem, DailyReport, PortRow } from './daily-shape';
import { BASELINE_DAYS, SPIKE_FACTOR, SPIKE_MIN_EVENTS } from './daily-shape';
import { comparisonChart, historyChart, portHeatChart, sourcesChart } from './charts';
import { portEntry, type PortEntry } from './port-info';
import { portLabel, PORT_NOT_LOGGED_TEXT } from './render';
import { alertHeadline, alertSentence } from './alerts';

/** Rows shown per table; the CSV and JSON carry them all. */
export const HTML_MAX_ROWS = 200;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text from anywhere (logs above all) as HTML text or attribute value; control characters become U+FFFD. */
export function escapeHtml(v: unknown): string {
  return String(v ?? '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c])
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, '\uFFFD');
}

class Raw {
  constructor(readonly html: string) {}
}

function part(v: unknown): string {
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(v);
}

/** Template tag: every interpolated value is escaped unless it is markup built by this tag. */
function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => (out += part(v) + strings[i + 1]));
  return new Raw(out);
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));
/** `2024-06-14T03:40:33+00:00` → `2024-06-14 03:40:33`; the zone is in the header. */
const time = (iso: string) => iso.slice(0, 19).replace('T', ' ');
/** Within a one-day report the date is known: the time of day alone. */
const clock = (r: DailyReport, iso: string) => (r.period.days === 1 && iso.startsWith(r.period.from) ? iso.slice(11, 19) : time(iso));
const anchor = (port: number, proto: string) => (proto === 'icmp' || proto === 'ipv6-icmp' ? `${proto}-${port}` : `port-${port}`);

function table(head: (string | [string, 'n'])[], rows: Raw[], total?: number, what = 'rows'): Raw {
  const more = total !== undefined && total > rows.length ? html`<p class="muted">${num(total - rows.length)} more ${what} in the CSV and JSON outputs.</p>` : '';
  return html`<div class="scroll"><table><thead><tr>${head.map((h) => (Array.isArray(h) ? html`<th class="n">${h[0]}</th>` : html`<th>${h}</th>`))}</tr></thead><tbody>${rows}</tbody></table></div>${more}`;
}

function trend(r: PortRow): Raw {
  if (r.baseline === null) return html`<span class="muted">no history</span>`;
  if (r.ratio === null) return html`<span title="not scanned in the ${BASELINE_DAYS} days before">from 0</span>`;
  const arrow = r.ratio > 1.05 ? '▲' : r.ratio < 0.95 ? '▼' : '=';
  return html`${arrow} ×${r.ratio}`;
}

function flags(r: { spike?: boolean; new?: boolean }): Raw {
  return html`${r.spike ? html`<span class="badge spike">spike</span> ` : ''}${r.new ? html`<span class="badge new">new</span>` : ''}`;
}

function portCell(port: number | null, proto: string, linked: Set<string>): Raw {
  if (port === null) return html`${PORT_NOT_LOGGED_TEXT}`;
  const id = anchor(port, proto);
  return linked.has(id) ? html`<a href="#${id}">${port}</a>` : html`${port}`;
}

function summary(r: DailyReport): Raw {
  const t = r.totals;
  const card = (value: string, label: string, cls = '') => html`<div class="card ${cls}"><b>${value}</b><span>${label}</span></div>`;
  return html`<section id="summary"><div class="cards">
${card(num(t.scans), 'inbound scans')}${card(num(t.sources), 'unique sources')}${card(num(t.ports), 'ports scanned')}${card(num(t.targets), 'addresses targeted')}
${card(num(t.late), 'late packets')}${card(num(t.outbound), 'outbound events')}${card(num(t.trusted), 'trusted events')}
${card(t.parsedPercent === null ? '—' : `${t.parsedPercent} %`, `parsed · ${num(t.rejects)} rejected · ${num(t.skips)} skipped`)}
${card(num(r.alerts.length), 'alerts', r.alerts.length ? 'warn' : '')}
</div></section>`;
}

/** Alerts shown in full (evidence and raw lines); the rest are counted in the groups and listed by `portledger alerts`. */
export const HTML_MAX_ALERTS = 20;
/** A source with at least this many alerts in the period gets a row of its own in the groups. */
const SHARED_SOURCE_ALERTS = 2;

const KIND_TITLE: Record<string, string> = {
  worm: 'Worm-like outbound traffic',
  'vertical-scan': 'Port scans (one source, many ports)',
  'horizontal-scan': 'Sweeps (one port, many addresses)',
};
const kindTitle = (kind: string) => KIND_TITLE[kind] ?? kind;

/** Most severe first: a worm burst (an inside host gone bad), then the danger level, then packets. */
function severity(a: AlertItem): number {
  return (a.kind === 'worm' ? 10 : (a.level ?? 0)) * 1e12 + a.events;
}

/** The command that lists every alert of the period (the report is one file: no link can run it). */
function alertsCommand(r: DailyReport): string {
  const tz = r.period.tz !== r.period.historyZone ? ` --tz ${r.period.tz}` : '';
  return `portledger alerts --from ${r.period.from} --to ${r.period.to}${tz}`;
}

function alertCard(a: AlertItem): Raw {
  return html`<div class="alert"><h3>${alertHeadline(a)}</h3>
<p>${alertSentence(a)}</p>
${a.kind !== 'vertical-scan' && a.sample_targets.length ? html`<p>Sample ${a.kind === 'worm' ? 'destinations' : 'targets'}: <code>${a.sample_targets.join(' ')}</code></p>` : ''}
${a.evidence.firstLine ? html`<p>First line:</p><pre>${a.evidence.firstLine}</pre>` : ''}${a.evidence.lastLine ? html`<p>Last line:</p><pre>${a.evidence.lastLine}</pre>` : ''}</div>`;
}

interface AlertGroup { kind: string; host?: string; alerts: AlertItem[] }

function groupRow(r: DailyReport, g: AlertGroup, first: Raw): Raw {
  const hosts = new Set(g.alerts.map((a) => a.host)).size;
  const ports = [...new Set(g.alerts.map((a) => `${a.port}/${a.proto}`))];
  const levels = g.alerts.map((a) => a.level ?? 0);
  const top = Math.max(...levels);
  const firstAt = g.alerts.reduce((m, a) => (a.first < m ? a.first : m), g.alerts[0].first);
  const lastAt = g.alerts.reduce((m, a) => (a.last > m ? a.last : m), g.alerts[0].last);
  return html`<tr>${first}<td class="n">${num(g.alerts.length)}</td><td class="n">${num(hosts)}</td><td class="n">${top ? `${top}/5` : '—'}</td><td>${ports.slice(0, 6).join(' ')}${ports.length > 6 ? ` … (${num(ports.length)})` : ''}</td><td>${clock(r, firstAt)}</td><td>${clock(r, lastAt)}</td></tr>`;
}

/**
 * Alerts grouped by kind, then by source where several share one, and the most severe
 * HTML_MAX_ALERTS in full; the rest are counted and the command that lists them all is named.
 */
function alerts(r: DailyReport): Raw {
  if (!r.alerts.length) return html`<section id="alerts"><h2>Alerts</h2><p class="muted">No alert in this period.</p></section>`;
  const byKind = new Map<string, AlertItem[]>();
  for (const a of r.alerts) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  const kinds = [...byKind.entries()].sort((a, b) => Math.max(...b[1].map(severity)) - Math.max(...a[1].map(severity)));
  const kindRows = kinds.map(([kind, list]) => groupRow(r, { kind, alerts: list }, html`<td>${kindTitle(kind)}</td>`));
  const bySource = new Map<string, AlertItem[]>();
  for (const a of r.alerts) bySource.set(`${a.kind}\u0000${a.host}`, [...(bySource.get(`${a.kind}\u0000${a.host}`) ?? []), a]);
  const shared = [...bySource.values()].filter((l) => l.length >= SHARED_SOURCE_ALERTS).sort((a, b) => b.length - a.length || Math.max(...b.map(severity)) - Math.max(...a.map(severity)));
  const sourceRows = shared.slice(0, HTML_MAX_ROWS).map((list) => groupRow(r, { kind: list[0].kind, host: list[0].host, alerts: list }, html`<td><code>${list[0].host}</code></td><td>${kindTitle(list[0].kind)}</td>`));
  const shown = [...r.alerts].sort((a, b) => severity(b) - severity(a) || a.first.localeCompare(b.first) || a.id - b.id).slice(0, HTML_MAX_ALERTS);
  const rest = r.alerts.length - shown.length;
  const head = ['alerts', 'n'] as [string, 'n'];
  return html`<section id="alerts"><h2>Alerts</h2>
${r.alerts.length > 1 ? table(['kind', head, ['sources', 'n'], ['top level', 'n'], 'ports', 'first', 'last'], kindRows) : ''}
${sourceRows.length ? html`<h3>Sources with several alerts</h3>${table(['source', 'kind', head, ['sources', 'n'], ['top level', 'n'], 'ports', 'first', 'last'], sourceRows, shared.length, 'sources')}` : ''}
${rest > 0 ? html`<h3>The ${num(shown.length)} most severe</h3>` : ''}${shown.map((a) => alertCard(a))}
${rest > 0 ? html`<p class="more">${num(rest)} more alert${rest === 1 ? '' : 's'}, counted in the groups above. The full list, with the evidence of each: <code>${alertsCommand(r)}</code> (add <code>--format csv</code> for a spreadsheet).</p>` : ''}</section>`;
}

function spikes(r: DailyReport): Raw {
  const s = r.ports.filter((p) => p.spike);
  if (!s.length) return html``;
  const per = r.period.days > 1 ? ' a day' : '';
  const more = s.length > 10 ? html`<p>${num(s.length - 10)} more, flagged in the ports table.</p>` : '';
  return html`<div class="alert spikes"><b>Spikes</b> (more than ${SPIKE_FACTOR}× the ${BASELINE_DAYS}-day average and at least ${SPIKE_MIN_EVENTS} events a day):<ul>${s.slice(0, 10).map(
    (p) => html`<li>${portLabel(p.port, p.proto)}${p.name ? ` ${p.name}` : ''}: ${num(Math.round(p.events / r.period.days))} events${per} against ${p.ratio === null ? html`none in the ${num(r.period.baselineDays)} days with data before` : html`${num(p.baseline)} a day (×${p.ratio})`}</li>`,
  )}</ul>${more}</div>`;
}

function figure(id: string, caption: string, svg: string): Raw {
  return html`<figure id="${id}" role="img" aria-label="${caption}"><figcaption>${caption}</figcaption>${new Raw(svg)}</figure>`;
}

function charts(r: DailyReport): Raw {
  const per = r.overTime.unit;
  return html`<section id="charts"><h2>Charts</h2><div class="charts">
${figure('chart-sources', `Unique sources per ${per}`, sourcesChart(r))}
${r.topPortsOverTime.length ? figure('chart-port-heat', `Events per port and ${per}, the ${r.topPortsOverTime.length} busiest ports`, portHeatChart(r)) : ''}
${figure('chart-history', `Events per day, top ports, last ${r.history.labels.length} days (${r.period.historyZone})`, historyChart(r))}
${r.comparison ? figure('chart-comparison', 'Top ports: previous period and this one', comparisonChart(r)) : ''}
</div></section>`;
}

function ports(r: DailyReport, linked: Set<string>): Raw {
  const rows = r.ports.slice(0, HTML_MAX_ROWS).map(
    (p) => html`<tr${p.spike ? new Raw(' class="hot"') : ''}><td>${portCell(p.port, p.proto, linked)}</td><td>${p.proto}</td><td>${p.name ?? ''}</td><td class="n">${num(p.events)}</td><td class="n">${num(p.sources)}</td><td class="n">${num(p.targets)}</td><td class="n">${num(p.baseline)}</td><td>${trend(p)}</td><td>${flags(p)}</td></tr>`,
  );
  const base = r.period.baselineDays ? `average over the ${r.period.baselineDays} days with data among the ${BASELINE_DAYS} before` : `no data in the ${BASELINE_DAYS} days before`;
  return html`<section id="ports"><h2>Ports</h2><p class="muted">Inbound scans per port, trusted sources left out. Baseline: events per day, ${base}.</p>
${rows.length ? table(['port', 'proto', 'name', ['events', 'n'], ['sources', 'n'], ['targets', 'n'], ['baseline/day', 'n'], 'trend', ''], rows, r.ports.length, 'ports') : html`<p>No inbound scans.</p>`}</section>`;
}

function sources(r: DailyReport): Raw {
  const rows = r.topSources.map(
    (s) => html`<tr><td><code>${s.ip}</code></td><td class="n">${num(s.events)}</td><td class="n">${num(s.ports)}</td><td>${s.topPorts.join(' ')}</td><td>${clock(r, s.first)}</td><td>${clock(r, s.last)}</td><td>${s.new ? html`<span class="badge new">new</span>` : time(s.seenBefore ?? '')}</td></tr>`,
  );
  return html`<section id="sources"><h2>Top sources</h2>${rows.length ? table(['source', ['events', 'n'], ['ports', 'n'], 'top ports', 'first', 'last', 'seen before'], rows) : html`<p>None.</p>`}</section>`;
}

function newPorts(r: DailyReport, linked: Set<string>): Raw {
  const rows = r.newPorts.slice(0, HTML_MAX_ROWS).map(
    (p) => html`<tr><td>${portCell(p.port, p.proto, linked)}</td><td>${p.proto}</td><td>${p.name ?? ''}</td><td class="n">${num(p.events)}</td><td class="n">${num(p.sources)}</td><td>${p.firstDay}</td></tr>`,
  );
  return html`<section id="new-ports"><h2>Ports never seen before</h2>${rows.length ? table(['port', 'proto', 'name', ['events', 'n'], ['sources', 'n'], 'first day'], rows, r.newPorts.length, 'ports') : html`<p class="muted">Every port scanned had been scanned before.</p>`}</section>`;
}

function comparison(r: DailyReport, linked: Set<string>): Raw {
  const c = r.comparison;
  if (!c) return html``;
  const pct = (x: number | null) => (x === null ? 'new' : `${x > 0 ? '+' : ''}${x} %`);
  const rows = c.ports.slice(0, HTML_MAX_ROWS).map(
    (p) => html`<tr><td>${portCell(p.port, p.proto, linked)}</td><td>${p.proto}</td><td>${p.name ?? ''}</td><td class="n">${num(p.eventsBefore)}</td><td class="n">${num(p.eventsNow)}</td><td class="n">${num(p.sourcesBefore)}</td><td class="n">${num(p.sourcesNow)}</td><td class="n">${pct(p.change)}</td></tr>`,
  );
  return html`<section id="comparison"><h2>Against ${c.from} – ${c.to}</h2><p>Inbound scans ${num(c.scansBefore)} → ${num(c.scansNow)}, unique sources ${num(c.sourcesBefore)} → ${num(c.sourcesNow)}.</p>
${table(['port', 'proto', 'name', ['events before', 'n'], ['events now', 'n'], ['sources before', 'n'], ['sources now', 'n'], ['change', 'n']], rows, c.ports.length, 'ports')}</section>`;
}

function devices(r: DailyReport): Raw {
  const rows = r.devices.slice(0, HTML_MAX_ROWS).map(
    (d) => html`<tr><td>${d.host ?? ''}</td><td><code>${d.rule ?? ''}</code></td><td class="n">${num(d.scans)}</td><td class="n">${num(d.late)}</td><td class="n">${num(d.outbound)}</td><td class="n">${num(d.trusted)}</td><td class="n">${num(d.other)}</td></tr>`,
  );
  return html`<section id="devices"><h2>Devices and rules</h2><p class="muted">Host names and rules (log prefixes) as the logs wrote them.</p>
${rows.length ? table(['device', 'rule', ['scans', 'n'], ['late', 'n'], ['outbound', 'n'], ['trusted', 'n'], ['other', 'n']], rows, r.devices.length, 'rows') : html`<p>No events.</p>`}</section>`;
}

function trusted(r: DailyReport): Raw {
  const t = r.trusted;
  const entries = t.entries.map((e) => html`<tr><td><code>${e.cidr}</code></td><td>${e.note ?? ''}</td><td class="n">${num(e.events)}</td><td class="n">${num(e.sources)}</td></tr>`);
  const top = t.top.map((s) => html`<tr><td><code>${s.ip}</code></td><td class="n">${num(s.events)}</td><td class="n">${num(s.ports)}</td><td>${clock(r, s.first)}</td><td>${clock(r, s.last)}</td></tr>`);
  return html`<section id="trusted"><h2>Trusted traffic</h2><p>${num(t.events)} inbound events from ${num(t.sources)} trusted sources, left out of everything above.</p>
${entries.length ? table(['trusted network', 'note', ['events', 'n'], ['sources', 'n']], entries) : html`<p class="muted">No trusted network configured.</p>`}
${top.length ? table(['source', ['events', 'n'], ['ports', 'n'], 'first', 'last'], top) : ''}</section>`;
}

function coverage(r: DailyReport): Raw {
  const c = r.coverage;
  const inputs = c.inputs.map((i) => html`<tr><td>${i.name}</td><td class="n">${num(i.lines)}</td><td class="n">${num(i.events)}</td><td class="n">${num(i.skips)}</td><td class="n">${num(i.rejects)}</td></tr>`);
  const reasons = (list: { text: string; count: number }[]) => list.map((x) => html`<tr><td>${x.text}</td><td class="n">${num(x.count)}</td></tr>`);
  return html`<section id="coverage"><h2>Parse coverage</h2><p class="muted">Inputs that contributed events to this period, counted over their whole content.</p>
${inputs.length ? table(['input', ['lines', 'n'], ['events', 'n'], ['skipped', 'n'], ['rejected', 'n']], inputs) : html`<p>No input.</p>`}
${c.skipReasons.length ? html`<h3>Skipped (not firewall traffic)</h3>${table(['reason', ['lines', 'n']], reasons(c.skipReasons))}` : ''}
${c.rejectReasons.length ? html`<h3>Rejected</h3>${table(['reason', ['lines', 'n']], reasons(c.rejectReasons))}` : ''}
${c.rejectSamples.map((s) => html`<p class="muted">${s.input}:${s.line} (${s.text})</p><pre>${s.sample}</pre>`)}</section>`;
}

/** Curated entries of the ports in the tables, the targets of their links. */
function portNotes(r: DailyReport): { section: Raw; linked: Set<string> } {
  const seen = new Map<string, PortEntry>();
  const shown = [...r.ports.slice(0, HTML_MAX_ROWS), ...(r.comparison?.ports.slice(0, HTML_MAX_ROWS) ?? [])];
  for (const p of shown) {
    const e = p.port === null ? undefined : portEntry(p.port, p.proto);
    if (e) seen.set(anchor(p.port!, p.proto), e);
  }
  const linked = new Set(seen.keys());
  const related = (e: PortEntry) => e.related.map((p, i) => html`${i ? ', ' : ''}${linked.has(`port-${p}`) ? html`<a href="#port-${p}">${p}</a>` : p}`);
  const articles = [...seen.entries()].map(
    ([id, e]) => html`<article id="${id}"><h3>${e.port} ${e.protocols.join('/')} — ${e.name}</h3><p><b>${e.purpose}</b> ${e.description}</p>
<p><b>Inbound:</b> ${e.inbound}</p><p><b>Outbound:</b> ${e.outbound}</p><p><b>Advice:</b> ${e.advice}</p>
${e.malware.length ? html`<p><b>Malware known to use it:</b> ${e.malware.join(', ')}</p>` : ''}${e.related.length ? html`<p><b>Related:</b> ${related(e)}</p>` : ''}</article>`,
  );
  return { section: articles.length ? html`<section id="port-notes"><h2>About these ports</h2>${articles}</section>` : html``, linked };
}

const CSS = `
:root{--fg:#1a1a1a;--muted:#5f6368;--line:#dcdfe4;--soft:#f4f6f8;--warn:#b3261e;--accent:#0063a0}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1120px;padding:16px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
h1{font-size:1.5rem;margin:0}h2{font-size:1.2rem;margin:1.8rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid var(--line)}h3{font-size:1rem;margin:.4rem 0}
a{color:var(--accent)}.muted{color:var(--muted)}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
header p{margin:.2rem 0 0}nav{margin:.8rem 0;display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin-top:12px}
.card{background:var(--soft);border-radius:8px;padding:10px 12px}.card b{display:block;font-size:1.35rem}.card span{color:var(--muted);font-size:.82rem}
.card.warn{background:#fdecea}.card.warn b{color:var(--warn)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:6px;margin:.4rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;text-align:left;border-bottom:1px solid var(--line);white-space:nowrap;vertical-align:top}
th{background:var(--soft);font-weight:600}.n{text-align:right}tr:last-child td{border-bottom:0}tr.hot td{background:#fff4f2}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:.75rem;font-weight:600}
.spike{background:#fde2df;color:var(--warn)}.new{background:#e0eefa;color:#0b4f79}
.alert{border-left:4px solid var(--warn);background:#fff6f5;padding:8px 12px;border-radius:4px;margin:10px 0}.alert ul{margin:.3rem 0;padding-left:1.2rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:14px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px}figcaption{font-weight:600;font-size:.92rem;margin-bottom:4px}
figure svg{display:block;width:100%;height:auto}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:8px;border-radius:6px;font-size:.78rem;margin:.3rem 0}
article{padding:.4rem 0}article+article{border-top:1px solid var(--line)}article p{margin:.3rem 0}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:.8rem}
@media (max-width:600px){body{padding:10px;font-size:14px}.card b{font-size:1.15rem}th,td{padding:4px 8px}}
@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}.scroll{overflow:visible;border:0}
th,td{white-space:normal}.charts{display:block}figure{margin:0 0 10px;max-width:16cm}
section,figure,.alert,article,tr{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}
`;

export function renderDailyHtml(r: DailyReport): string {
  const p = r.period;
  const title = r.report === 'daily' ? `Attacks on ${p.from}` : `Attacks from ${p.from} to ${p.to}`;
  const notes = portNotes(r);
  const nav: [string, string][] = [['alerts', 'Alerts'], ['charts', 'Charts'], ['ports', 'Ports'], ['sources', 'Top sources'], ['new-ports', 'New ports'],
    ...(r.comparison ? [['comparison', 'Comparison'] as [string, string]] : []), ['devices', 'Devices'], ['trusted', 'Trusted'], ['coverage', 'Coverage']];
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>portledger — ${title}</title><style>${new Raw(CSS)}</style></head>
<body><header><h1>${title}</h1><p class="muted">Times in ${p.tz}${p.historyZone !== p.tz ? ` (history in ${p.historyZone})` : ''} · ${p.days} day${p.days > 1 ? 's' : ''} · portledger</p></header>
<nav>${nav.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
${summary(r)}${spikes(r)}${alerts(r)}${charts(r)}${ports(r, notes.linked)}${sources(r)}${newPorts(r, notes.linked)}${comparison(r, notes.linked)}${devices(r)}${trusted(r)}${coverage(r)}${notes.section}
<footer>Generated by portledger from ${num(r.totals.events)} events. Counts of inbound scans leave trusted sources out; ICMP is counted under its type.</footer>
</body></html>
`;
  return doc.html;
}
