import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { loadSettings } from '../../store/settings';
import { checkZone } from '../../../parsers/clock';
import { buildReport } from '../../../reports/daily-data';
import type { DailyReport } from '../../../reports/daily-shape';
import { renderDailyHtml } from '../../../reports/daily-html';
import { renderDailyCsv, renderDailyMd } from '../../../reports/daily-md';
import { latestEventDay } from '../../../reports/queries';
import { emptyNote, periodNote, reportPeriod } from '../../../reports/period';
import { note, show } from '../output';
import { pagerOption } from '../options';

const FORMATS = ['html', 'md', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

export interface DailyFlags {
  db?: string;
  tz?: string;
  format?: Format;
  out?: string;
  date?: string;
  from?: string;
  to?: string;
  pager?: boolean;
}

const EXT: Record<Format, string> = { html: 'html', md: 'md', json: 'json', csv: 'csv' };

/** HTML unless the report would land on a terminal, where Markdown reads better. */
function formatOf(f: DailyFlags): Format {
  return f.format ?? (f.out || !process.stdout.isTTY ? 'html' : 'md');
}

function outputs(r: DailyReport, format: Format): { suffix: string; text: string }[] {
  switch (format) {
    case 'html':
      return [{ suffix: '', text: renderDailyHtml(r) }];
    case 'md':
      return [{ suffix: '', text: renderDailyMd(r) }];
    case 'json':
      return [{ suffix: '', text: JSON.stringify(r, null, 2) + '\n' }];
    case 'csv':
      return renderDailyCsv(r);
  }
}

/**
 * Builds and renders; returns what goes to stdout (the report, or the paths written with --out).
 * The period: the day or days asked, else the latest day (a week for a range) with events, said
 * on stderr; an empty period is said too.
 */
function run(f: DailyFlags, isRange: boolean): string {
  const format = formatOf(f);
  const db = openReadOnly(resolveDbPath(f.db));
  let report: DailyReport;
  try {
    const tz = checkZone(f.tz ?? loadSettings(db).tz);
    const ask = isRange ? { from: f.from, to: f.to } : { date: f.date };
    const period = reportPeriod(latestEventDay(db, tz), ask, isRange ? 7 : 1, 'events');
    if (!period) {
      note(emptyNote(undefined, 'events'));
      return '';
    }
    const chosen = periodNote(period, isRange ? '--from/--to' : '--date');
    if (chosen) note(chosen);
    report = buildReport(db, period.from, period.to, { tz, range: isRange });
    if (report.totals.events === 0) note(emptyNote(period));
  } finally {
    db.close();
  }
  const files = outputs(report, format);
  if (!f.out) return files[0].text;
  fs.mkdirSync(f.out, { recursive: true });
  const base = report.period.from === report.period.to && !isRange ? report.period.from : `${report.period.from}_${report.period.to}`;
  return files
    .map(({ suffix, text }) => {
      const file = path.join(f.out!, `portledger-${base}${suffix}.${EXT[format]}`);
      fs.writeFileSync(file, text);
      return file + '\n';
    })
    .join('');
}

export function dailyCommand(f: DailyFlags): string {
  return run(f, false);
}

export function rangeCommand(f: DailyFlags): string {
  return run(f, true);
}

function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <fmt>', 'html | md | json | csv (default: html; md on a terminal without --out)').choices(FORMATS))
    .option('--out <dir>', 'write portledger-<date>.<ext> into this folder and print its path (default: stdout)')
    .option('--tz <zone>', "IANA zone of the report's days and hours (default: the database's zone)")
    .option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)')
    .addOption(pagerOption());
}

/** Adds `report daily` and `report range` under the existing `report` command. */
export function register(program: Command): void {
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports over the stored events');
  // Markdown on a terminal goes through the pager like any long listing; HTML and files do not.
  const out = (s: string, o: DailyFlags) => (formatOf(o) === 'md' && !o.out ? show(s, o) : void process.stdout.write(s));
  common(
    report
      .command('daily')
      .description('one day of attacks: totals, per-port table with trends and spikes, charts, top and new sources, new ports, alerts, trusted traffic, parse coverage')
      .option('--date <date>', 'the day, YYYY-MM-DD (default: the latest day with events)'),
  ).action(async (o: DailyFlags) => out(dailyCommand(o), o));
  common(
    report
      .command('range')
      .description('the daily report over a week or a month, compared with the previous period of the same length')
      .option('--from <date>', 'first day, YYYY-MM-DD (default: 6 days before --to)')
      .option('--to <date>', 'last day, YYYY-MM-DD (default: the latest day with events)'),
  ).action(async (o: DailyFlags) => out(rangeCommand(o), o));
}
