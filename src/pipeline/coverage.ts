/**
 * Parse coverage of a set of log files: per group (the folder a file is in), files, lines,
 * events per format, skips and rejects per reason. Backs `portledger coverage` and
 * `npm run corpus`; nothing is stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CidrSet, DEFAULT_HOME } from '../classify/networks';
import { openInput } from '../sources/inputs';
import { parseInput, type ParseOptions } from './parse-only';
import { Tally } from './tally';

export interface CoverageGroup {
  group: string;
  files: number;
  tally: Tally;
  /** Files that threw: a parser bug, never expected. */
  crashes: string[];
}

function listFiles(p: string): string[] {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  return fs
    .readdirSync(p)
    .sort()
    .flatMap((f) => listFiles(path.join(p, f)))
    .filter((f) => !/\.(md|json)$/i.test(path.basename(f)) || /\.log/.test(f));
}

export async function coverage(paths: string[], opts: ParseOptions): Promise<CoverageGroup[]> {
  const settings = { home: new CidrSet(DEFAULT_HOME), wanIf: new Set<string>(), trusted: new CidrSet([]) };
  const groups = new Map<string, CoverageGroup>();
  for (const p of paths) {
    for (const file of listFiles(p)) {
      const name = path.basename(path.dirname(file));
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { group: name, files: 0, tally: new Tally(), crashes: [] }));
      g.files++;
      try {
        // Each file on its own clock, as `ingest` does.
        for await (const _ of parseInput(await openInput(file), settings, opts, g.tally));
      } catch (e) {
        g.crashes.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
}
