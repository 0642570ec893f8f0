import fs from 'node:fs';
import type { Command } from 'commander';
import { ecsDocument } from '../../../parsers/ecs';
import { CidrSet, DEFAULT_HOME, splitList } from '../../classify/networks';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { classifierSettings } from '../../pipeline/ingest';
import { parseInput } from '../../pipeline/parse-only';
import { Tally } from '../../pipeline/tally';
import { openInput } from '../../sources/inputs';
import { expandPaths } from '../inputs';
import { summaryLines } from '../summary';
import type { ClassifierSettings } from '../../classify/classifier';
import { readingZone } from '../../config/settings';
import { logFormatOf, readingOptions } from '../options';

export interface ParseFlags {
  db?: string;
  tz?: string;
  year?: number;
  logFormat?: string;
  format?: string;
  home?: string[];
  wanIf?: string[];
  original?: boolean;
}

/** Settings stored in an existing database, if there is one, plus the flags; never creates a file. */
function settings(f: ParseFlags): { classifier: ClassifierSettings; tz: string } {
  const file = resolveDbPath(f.db);
  let base: ClassifierSettings = { home: new CidrSet(DEFAULT_HOME), wanIf: new Set(), trusted: new CidrSet([]) };
  let tz = readingZone(f.tz);
  if (fs.existsSync(file)) {
    const db = openReadOnly(file);
    try {
      base = classifierSettings(db);
      tz = readingZone(f.tz, db);
    } finally {
      db.close();
    }
  }
  const home = splitList(f.home);
  const wan = splitList(f.wanIf);
  return {
    tz,
    classifier: {
      home: home.length ? new CidrSet([...base.home.cidrs, ...home]) : base.home,
      wanIf: new Set([...base.wanIf, ...wan]),
      trusted: base.trusted,
    },
  };
}

export async function parseCommand(paths: string[], f: ParseFlags): Promise<Tally> {
  const { classifier: s, tz } = settings(f);
  const format = logFormatOf(f);
  const tally = new Tally();
  const files = expandPaths(paths.length ? paths : ['-']);
  const out = process.stdout;
  for (const file of files) {
    const input = await openInput(file);
    for await (const r of parseInput(input, s, { tz, year: f.year, format }, tally)) {
      if (r.kind !== 'event') continue;
      const doc = ecsDocument(r.event, r.classified, { original: f.original ? r.record.text : undefined });
      if (!out.write(JSON.stringify(doc) + '\n')) await new Promise((res) => out.once('drain', res));
    }
  }
  for (const l of summaryLines(tally, files.length, 0, 'parsed')) process.stderr.write(l + '\n');
  return tally;
}

export function register(program: Command): void {
  readingOptions(program.command('parse').argument('[paths...]', 'files, globs, .gz files, or - for stdin', []))
    .description('print normalized events as NDJSON, Elastic Common Schema documents; summary on stderr (stores nothing)')
    .option('--original', "each event's log line as event.original (ECS)")
    .action(async (paths: string[], o: ParseFlags) => {
      await parseCommand(paths, o);
    });
}
