import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { loadSettings } from '../../store/settings';
import { dayLabel, dayNumber } from '../../store/rollups/buckets';
import { checkZone } from '../../../parsers/clock';
import { buildReport, type DailyReport } from '../../../reports/daily-data';
import { renderDailyHtml } from '../../../reports/daily-html';
import { renderDailyCsv, renderDailyMd } from '../../../reports/daily-md';
import { todayIn } from '../../../reports/time';

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

/** Builds and renders; returns what goes to stdout (the report, or the paths written with --out). */
function run(f: DailyFlags, range: (zone: string) => { from: string; to: string }, isRange: boolean): string {
  const format = formatOf(f);
  const db = openReadOnly(resolveDbPath(f.db));
  let report: DailyReport;
  try {
    const tz = checkZone(f.tz ?? loadSettings(db).tz);
    const { from, to } = range(tz);
    report = buildReport(db, from, to, { tz, range: isRange });
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
  return run(f, (tz) => {
    const date = f.date ?? dayLabel(dayNumber(todayIn(tz)) - 1);
    return { from: date, to: date };
  }, false);
}

export function rangeCommand(f: DailyFlags): string {
  return run(f, () => ({ from: f.from!, to: f.to! }), true);
}

function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <fmt>', 'html | md | json | csv (default: html; md on a terminal without --out)').choices(FORMATS))
    .option('--out <dir>', 'write portledger-<date>.<ext> into this folder and print its path (default: stdout)')
    .option('--tz <zone>', "IANA zone of the report's days and hours (default: the database's zone)")
    .option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)');
}

/** Adds `report daily` and `report range` under the existing `report` command. */
export function registerDaily(program: Command): void {
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('reports over the stored events');
  const out = (s: string) => process.stdout.write(s);
  common(
    report
      .command('daily')
      .description('one day of attacks: totals, per-port table with trends and spikes, charts, top and new sources, new ports, alerts, trusted traffic, parse coverage')
      .option('--date <date>', 'the day, YYYY-MM-DD (default: yesterday in --tz)'),
  ).action((o: DailyFlags) => {
    out(dailyCommand(o));
  });
  common(
    report
      .command('range')
      .description('the daily report over a week or a month, compared with the previous period of the same length')
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last day, YYYY-MM-DD'),
  ).action((o: DailyFlags) => {
    out(rangeCommand(o));
  });
}

export const register = registerDaily;
