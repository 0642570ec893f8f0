import type { Command } from 'commander';
import { closeDb, openDb, resolveDbPath } from '../../store/db';
import { readingZone } from '../../config/settings';
import { addToSettings } from '../../store/settings';
import { splitList } from '../../classify/networks';
import { IngestSession, type IngestOptions, type SourceSummary } from '../../pipeline/ingest';
import { canIngestInThread, ingestInThread, type ThreadOptions } from '../../pipeline/ingest-thread';
import { Tally } from '../../pipeline/tally';
import { openInput } from '../../sources/inputs';
import { expandPaths } from '../inputs';
import { progressBar } from '../progress';
import { summaryLines } from '../summary';
import { logFormatOf, readingOptions } from '../options';
import { coverageDrops } from '../../../reports/source-coverage';
import { readDb } from '../db';
import { note } from '../output';
import { terminalSafe } from '../../util/terminal-text';

export interface IngestFlags {
  db?: string;
  tz?: string;
  year?: number;
  logFormat?: string;
  format?: string;
  home?: string[];
  wanIf?: string[];
  quiet?: boolean;
  progress?: boolean;
  slowScans?: boolean;
}

type Bar = ReturnType<typeof progressBar>;

export async function ingestCommand(paths: string[], f: IngestFlags, log: (s: string) => void = console.log): Promise<Tally> {
  const files = expandPaths(paths.length ? paths : ['-']);
  const dbFile = resolveDbPath(f.db);
  const db = openDb(dbFile);
  let tz: string;
  try {
    addToSettings(db, splitList(f.home), splitList(f.wanIf));
    tz = readingZone(f.tz, db);
  } finally {
    closeDb(db);
  }
  const bar = progressBar(f.progress !== false && !f.quiet);
  const options: ThreadOptions = { tz, year: f.year, format: logFormatOf(f), slowScans: f.slowScans };
  // Said even with --quiet: an ingest waiting for another writer's lock must not look hung.
  const notice = (text: string) => process.stderr.write(`portledger: ${terminalSafe(text)}\n`);
  const total = new Tally();
  const started = Date.now();
  const read: number[] = [];
  const done = (r: SourceSummary) => {
    bar.fileDone();
    total.add(r.tally);
    if (r.sourceId !== undefined && r.tally.lines > 0) read.push(r.sourceId);
    const name = r.name === '-' ? 'standard input' : terminalSafe(r.name);
    if (!f.quiet && (r.status === 'unchanged' || r.status === 'empty')) {
      bar.stop();
      log(r.status === 'unchanged' ? `${name}: already ingested, nothing new` : `${name}: empty, nothing to read`);
    }
  };
  // A user who typed `portledger ingest` alone on a terminal would otherwise see nothing happen.
  if (files.includes('-') && process.stdin.isTTY) {
    note('reading log lines from standard input (type or paste them; Ctrl-D ends, Ctrl-C stops); give file names to read files');
  }
  // Files go to the write thread (bounded memory, this thread stays free for the progress bar);
  // stdin can only be read here.
  if (!files.includes('-') && canIngestInThread()) {
    const on = { start: bar.start, progress: bar.update, finishing: bar.finishing, notice, done };
    await ingestInThread(dbFile, files, options, on).finally(() => bar.stop());
  } else {
    await ingestHere(dbFile, files, { ...options, onNotice: notice }, bar, done).finally(() => bar.stop());
  }
  if (!f.quiet) for (const l of summaryLines(total, files.length, (Date.now() - started) / 1000)) log(l);
  // Said even with --quiet: a firmware update that changed the log format must not go unseen.
  if (read.length > 0) for (const w of readDb(dbFile, (rdb) => coverageDrops(rdb, read))) note(`warning: parse coverage dropped: ${w}; see: portledger sources`);
  return total;
}

async function ingestHere(dbFile: string, files: string[], options: Omit<IngestOptions, 'onProgress'>, bar: Bar, done: (r: SourceSummary) => void): Promise<void> {
  const db = openDb(dbFile);
  try {
    const session = new IngestSession(db, { ...options, onProgress: bar.update, onFinishing: bar.finishing });
    for (const file of files) {
      const input = await openInput(file);
      bar.start(file, input.size ?? 0, input.kind === 'gzip');
      done(await session.ingest(input));
    }
    session.finish();
  } finally {
    closeDb(db);
  }
}

export function register(program: Command): void {
  readingOptions(program.command('ingest').argument('[paths...]', 'files, globs, .gz files, or - for stdin', []))
    .description('read logs into the database (already-ingested text is recognized and skipped)')
    .option('-q, --quiet', 'no progress bar and no summary')
    .option('--no-slow-scans', 'detect scans within 5 minutes only, not also those spread over 24 hours (a little faster)')
    .option('--slow-scans', 'also detect scans spread over 24 hours, remembered across runs (the default)')
    .action(async (paths: string[], o: IngestFlags) => {
      await ingestCommand(paths, o);
    });
}
