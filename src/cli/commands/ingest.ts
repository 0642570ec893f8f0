import { systemZone } from '../../../parsers/clock';
import { openDb, resolveDbPath } from '../../store/db';
import { addToSettings } from '../../store/settings';
import { splitList } from '../../classify/networks';
import { IngestSession } from '../../pipeline/ingest';
import { Tally } from '../../pipeline/tally';
import { openInput } from '../../sources/inputs';
import { expandPaths } from '../inputs';
import { progressBar } from '../progress';
import { summaryLines } from '../summary';

export interface IngestFlags {
  db?: string;
  tz?: string;
  year?: number;
  format?: string;
  home?: string[];
  wanIf?: string[];
  quiet?: boolean;
  progress?: boolean;
  slowScans?: boolean;
}

export async function ingestCommand(paths: string[], f: IngestFlags, log: (s: string) => void = console.log): Promise<Tally> {
  const files = expandPaths(paths.length ? paths : ['-']);
  const db = openDb(resolveDbPath(f.db));
  try {
    addToSettings(db, splitList(f.home), splitList(f.wanIf));
    const bar = progressBar(f.progress !== false && !f.quiet);
    const session = new IngestSession(db, { tz: f.tz ?? systemZone(), year: f.year, format: f.format, slowScans: f.slowScans, onProgress: (b, l) => bar.update(b, l) });
    const total = new Tally();
    const started = Date.now();
    for (const file of files) {
      const input = await openInput(file);
      bar.start(file, input.size ?? 0);
      const r = await session.ingest(input);
      bar.stop();
      total.add(r.tally);
      if (!f.quiet && r.status === 'unchanged') log(`${file}: already ingested, nothing new`);
    }
    session.finish();
    if (!f.quiet) for (const l of summaryLines(total, files.length, (Date.now() - started) / 1000)) log(l);
    return total;
  } finally {
    db.close();
  }
}
