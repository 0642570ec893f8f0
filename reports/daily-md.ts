/**
 * The daily/range report as Markdown (the same sections as the HTML, charts as tables of their
 * numbers with a sparkline) and as CSV tables. Log text is escaped for Markdown and cleared of
 * control characters (the output may go to a terminal); CSV cells go through `csvCell`.
 */
import type { DailyReport } from './daily-shape';
import { BASELINE_DAYS, SPIKE_FACTOR, SPIKE_MIN_EVENTS, TOP_CHART_PORTS } from './daily-shape';
import { portLabel, PORT_NOT_LOGGED_TEXT, render, type Column } from './render';
import { alertHeadline, alertSentence } from './alerts';
import { portEntry } from './port-info';
import { terminalSafe } from '../src/util/terminal-text';

/** Control characters out (terminal safety), then Markdown specials escaped. */
function text(v: unknown): string {
  return terminalSafe(String(v ?? ''))
    .replace(/[\\`*_<>[\]|#]/g, (c) => `\\${c}`);
}

/** A fenced block that the content cannot close: the fence is longer than any backtick run in it. */
function code(v: string): string {
  const body = terminalSafe(v);
  const fence = '`'.repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${fence}text\n${body}\n${fence}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

function mdTable<R extends Row>(rows: R[], columns: Column<R>[]): string {
  const clean = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? terminalSafe(v) : v])) as R);
  return render(clean, columns, 'md');
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

const right = <R,>(key: keyof R & string, title: string = key): Column<R> => ({ key, title, align: 'right' });
const left = <R,>(key: keyof R & string, title: string = key): Column<R> => ({ key, title });
/** The port column: a TCP / UDP scan without a logged port shows `not logged`. */
const portCol = <R,>(align: 'left' | 'right' = 'right'): Column<R> => ({ key: 'port' as keyof R & string, title: 'port', align, empty: PORT_NOT_LOGGED_TEXT });

export function renderDailyMd(r: DailyReport): string {
  const p = r.period;
  const t = r.totals;
  const out: string[] = [];
  const title = r.report === 'daily' ? `Attacks on ${p.from}` : `Attacks from ${p.from} to ${p.to}`;
  out.push(`# ${title}`, '', `_Times in ${text(p.tz)}${p.historyZone !== p.tz ? ` (history in ${text(p.historyZone)})` : ''} · ${p.days} day${p.days > 1 ? 's' : ''} · portledger_`, '');
  out.push(
    '## Summary', '',
    `- **${num(t.scans)}** inbound scans from **${num(t.sources)}** unique sources on **${num(t.ports)}** ports against ${num(t.targets)} addresses`,
    `- ${num(t.late)} late packets, ${num(t.outbound)} outbound, ${num(t.internal)} internal, ${num(t.external)} external, ${num(t.trusted)} trusted events (${num(t.events)} in all)`,
    `- parsed ${t.parsedPercent === null ? '—' : `${t.parsedPercent} %`} of firewall lines: ${num(t.rejects)} rejected, ${num(t.skips)} non-firewall lines skipped`,
    `- ${num(r.alerts.length)} alert${r.alerts.length === 1 ? '' : 's'}`, '',
  );
  const spikes = r.ports.filter((x) => x.spike);
  if (spikes.length) {
    out.push(`**Spikes** (more than ${SPIKE_FACTOR}× the ${BASELINE_DAYS}-day average and at least ${SPIKE_MIN_EVENTS} events a day):`, '');
    for (const x of spikes.slice(0, 10)) out.push(`- ${text(portLabel(x.port, x.proto))} ${text(x.name ?? '')}: ${num(Math.round(x.events / p.days))} events a day against ${x.ratio === null ? `none in the ${p.baselineDays} days with data before` : `${num(x.baseline)} (×${x.ratio})`}`);
    if (spikes.length > 10) out.push(`- ${num(spikes.length - 10)} more, flagged in the ports table`);
    out.push('');
  }

  out.push('## Alerts', '');
  if (!r.alerts.length) out.push('No alert in this period.', '');
  for (const a of r.alerts) {
    out.push(`### ${text(alertHeadline(a))}`, '', text(alertSentence(a)), '');
    if (a.kind !== 'vertical-scan' && a.sample_targets.length) out.push(`Sample ${a.kind === 'worm' ? 'destinations' : 'targets'}: ${a.sample_targets.map(text).join(' ')}`, '');
    if (a.evidence.firstLine) out.push('First line:', '', code(a.evidence.firstLine), '');
    if (a.evidence.lastLine) out.push('Last line:', '', code(a.evidence.lastLine), '');
  }

  const unit = r.overTime.unit;
  out.push(`## Unique sources per ${unit}`, '', `\`${sparkline(r.overTime.sources)}\``, '');
  const overRows = r.overTime.labels.map((label, i) => {
    const row: Row = { [unit]: label, sources: r.overTime.sources[i], events: r.overTime.events[i] };
    for (const s of r.topPortsOverTime.slice(0, TOP_CHART_PORTS)) row[portLabel(s.port, s.proto)] = s.values[i];
    return row;
  });
  out.push(mdTable(overRows, [left(unit), right('sources'), right('events'), ...r.topPortsOverTime.slice(0, TOP_CHART_PORTS).map((s) => right<Row>(portLabel(s.port, s.proto)))]));
  out.push(`The last columns: events per ${unit} of the top ports.`, '');

  out.push(`## Top ports, last ${r.history.labels.length} days`, '');
  out.push(mdTable(r.history.series.map((s) => ({ port: portLabel(s.port, s.proto), days: sparkline(s.values), baseline: s.baseline, values: s.values.join(' ') })), [left('port'), left('days', r.history.labels[0] + ' … ' + r.history.labels.at(-1)), right('baseline', 'baseline/day'), left('values')]));

  out.push('## Ports', '');
  out.push(r.ports.length ? mdTable(r.ports.map((x) => ({ ...x, flags: [x.spike ? 'spike' : '', x.new ? 'new' : ''].filter(Boolean).join(' ') })), [portCol(), left('proto'), left('name'), right('events'), right('sources'), right('targets'), right('baseline', 'baseline/day'), right('ratio'), left('flags')]) : 'No inbound scans.\n');

  out.push('## Top sources', '');
  out.push(mdTable(r.topSources.map((s) => ({ ...s, topPorts: s.topPorts.join(' '), seenBefore: s.new ? 'new' : s.seenBefore })), [left('ip', 'source'), right('events'), right('ports'), left('topPorts', 'top ports'), left('first'), left('last'), left('seenBefore', 'seen before')]));

  out.push('## Ports never seen before', '');
  out.push(r.newPorts.length ? mdTable(r.newPorts, [portCol(), left('proto'), left('name'), right('events'), right('sources'), left('firstDay', 'first day')]) : 'Every port scanned had been scanned before.\n');

  const c = r.comparison;
  if (c) {
    out.push(`## Against ${c.from} – ${c.to}`, '', `Inbound scans ${num(c.scansBefore)} → ${num(c.scansNow)}, unique sources ${num(c.sourcesBefore)} → ${num(c.sourcesNow)}.`, '');
    out.push(mdTable(c.ports, [portCol(), left('proto'), left('name'), right('eventsBefore', 'events before'), right('eventsNow', 'events now'), right('sourcesBefore', 'sources before'), right('sourcesNow', 'sources now'), right('change', 'change %')]));
  }

  out.push('## Devices and rules', '', 'Host names and rules (log prefixes) as the logs wrote them.', '');
  out.push(mdTable(r.devices, [left('host', 'device'), left('rule'), right('scans'), right('late'), right('outbound'), right('trusted'), right('other')]));

  out.push('## Trusted traffic', '', `${num(r.trusted.events)} inbound events from ${num(r.trusted.sources)} trusted sources, left out of everything above.`, '');
  if (r.trusted.entries.length) out.push(mdTable(r.trusted.entries, [left('cidr', 'trusted network'), left('note'), right('events'), right('sources')]));
  if (r.trusted.top.length) out.push(mdTable(r.trusted.top, [left('ip', 'source'), right('events'), right('ports'), left('first'), left('last')]));

  const cov = r.coverage;
  out.push('## Parse coverage', '', 'Inputs that contributed events to this period, counted over their whole content.', '');
  out.push(mdTable(cov.inputs, [left('name', 'input'), right('lines'), right('events'), right('skips', 'skipped'), right('rejects', 'rejected')]));
  if (cov.skipReasons.length) out.push('Skipped (not firewall traffic):', '', mdTable(cov.skipReasons, [left('text', 'reason'), right('count', 'lines')]));
  if (cov.rejectReasons.length) out.push('Rejected:', '', mdTable(cov.rejectReasons, [left('text', 'reason'), right('count', 'lines')]));
  for (const s of cov.rejectSamples) out.push(`${text(s.input)}:${s.line} (${text(s.text)})`, '', code(s.sample), '');

  const notes = new Map<string, string[]>();
  for (const x of [...r.ports, ...(c?.ports ?? [])]) {
    const e = x.port === null ? undefined : portEntry(x.port, x.proto);
    const id = `${e?.port}/${e?.protocols.join('/')}`;
    if (!e || notes.has(id)) continue;
    notes.set(id, [
      `### ${e.port} ${e.protocols.join('/')} — ${text(e.name)}`, '',
      `**${text(e.purpose)}** ${text(e.description)}`, '', `**Inbound:** ${text(e.inbound)}`, '', `**Outbound:** ${text(e.outbound)}`, '', `**Advice:** ${text(e.advice)}`, '',
      ...(e.malware.length ? [`**Malware known to use it:** ${e.malware.map(text).join(', ')}`, ''] : []),
      ...(e.related.length ? [`**Related:** ${e.related.join(', ')}`, ''] : []),
    ]);
  }
  if (notes.size) out.push('## About these ports', '', ...[...notes.values()].flat());
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** CSV tables: the per-port table first (the one written without `--out`), then the others. */
export function renderDailyCsv(r: DailyReport): { suffix: string; text: string }[] {
  return [
    { suffix: '', text: render(r.ports, [portCol('left'), left('proto'), left('name'), left('events'), left('sources'), left('targets'), left('baseline'), left('ratio'), left('spike'), left('new')], 'csv') },
    { suffix: '-sources', text: render(r.topSources.map((s) => ({ ...s, topPorts: s.topPorts.join(' ') })), [left('ip'), left('events'), left('ports'), left('topPorts'), left('first'), left('last'), left('seenBefore'), left('new')], 'csv') },
    { suffix: '-devices', text: render(r.devices, [left('host'), left('rule'), left('scans'), left('late'), left('outbound'), left('trusted'), left('other')], 'csv') },
    { suffix: '-time', text: render(r.overTime.labels.map((l, i) => ({ [r.overTime.unit]: l, sources: r.overTime.sources[i], events: r.overTime.events[i] })), [left(r.overTime.unit), left('sources'), left('events')], 'csv') },
  ];
}
