import fs from 'node:fs';
import path from 'node:path';
import { createClock } from '../parsers/clock';
import { parseRecord, parserById } from '../parsers';
import { packageRoot } from '../src/util/package-root';

const TARGET = 200_000;

/** Parse-only lines/s per format, on the event lines of its golden fixtures repeated. */
export function formatParseRates(): string {
  const root = path.join(packageRoot(), 'fixtures');
  const rows: string[] = ['| format | fixture event lines | parse lines/s |', '|---|---:|---:|'];
  for (const dir of fs.readdirSync(root).sort()) {
    let parser;
    try {
      parser = parserById(dir);
    } catch {
      continue; // not a format folder (demo)
    }
    const lines: string[] = [];
    for (const f of fs.readdirSync(path.join(root, dir)).filter((x) => x.endsWith('.log'))) {
      const clock = createClock('UTC', { fixedYear: 2024, reference: () => 0 });
      for (const l of fs.readFileSync(path.join(root, dir, f), 'utf8').split('\n')) {
        if (parseRecord(l, clock).outcome.kind === 'event') lines.push(l);
      }
    }
    if (lines.length === 0) continue;
    const clock = createClock('UTC', { fixedYear: 2024, reference: () => 0 });
    const n = Math.ceil(TARGET / lines.length) * lines.length;
    const t0 = process.hrtime.bigint();
    let hint = parser;
    for (let i = 0; i < n; i++) hint = parseRecord(lines[i % lines.length], clock, undefined, hint).parser ?? hint;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push(`| ${dir} | ${lines.length} | ${Math.round(n / s).toLocaleString('en-US')} |`);
  }
  return rows.join('\n');
}
