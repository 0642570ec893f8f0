/**
 * Golden files: every `fixtures/<format>/*.log` is parsed line by line with auto-detection and
 * compared with `*.expected.ndjson` beside it (an ECS document, `{"skip": reason}` or
 * `{"reject": reason}` per line). See fixtures/README.md.
 *
 * UPDATE_GOLDEN=1 rewrites the expected files from the current output. Read the diff before
 * committing it: the point of these files is that a human checked them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { createClock } from '../parsers/clock';
import { toEcs } from '../parsers/ecs';
import { PARSERS, parseRecord } from '../parsers/index';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const DOCS = path.resolve(__dirname, '../docs/formats');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** One record per line, without terminators; a final newline does not make an extra record. */
function readLines(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function outcomeDoc(line: string, clock: ReturnType<typeof createClock>, state: Map<string, unknown>): unknown {
  const { outcome } = parseRecord(line, clock, undefined, undefined, state);
  if (outcome.kind === 'event') return toEcs(outcome.event);
  const doc: Record<string, string> = outcome.kind === 'skip' ? { skip: outcome.reason } : { reject: outcome.reason };
  if (outcome.detail !== undefined) doc.detail = outcome.detail;
  return doc;
}

/**
 * Format folders: named after a parser id, or holding expected files. Other folders (`demo/`,
 * inputs for other tests) are not golden files.
 */
function formatDirs(): string[] {
  if (!fs.existsSync(FIXTURES)) return [];
  const ids = new Set(PARSERS.map((p) => p.id));
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => ids.has(name) || fs.readdirSync(path.join(FIXTURES, name)).some((f) => f.endsWith('.expected.ndjson')))
    .sort();
}

const dirs = formatDirs();

test('every registered parser has a fixtures folder', () => {
  expect(PARSERS.map((p) => p.id).filter((id) => !dirs.includes(id))).toEqual([]);
});

test('every registered parser has its page docs/formats/<id>.md, naming its module', () => {
  const missing = PARSERS.map((p) => p.id).filter((id) => {
    const page = path.join(DOCS, `${id}.md`);
    return !fs.existsSync(page) || !fs.readFileSync(page, 'utf8').includes(`parsers/${id}.ts`);
  });
  expect(missing).toEqual([]);
});

/** Skips every format shares: lines no parser claimed. */
const GENERIC = new Set(['not-firewall', 'empty-line']);

test('every skip and reject reason in a format\'s fixtures is named on its page', () => {
  const unnamed: string[] = [];
  for (const dir of dirs) {
    const page = path.join(DOCS, `${dir}.md`);
    if (!fs.existsSync(page)) continue;
    const text = fs.readFileSync(page, 'utf8');
    const codes = new Set<string>();
    for (const f of fs.readdirSync(path.join(FIXTURES, dir)).filter((n) => n.endsWith('.expected.ndjson'))) {
      for (const line of readLines(path.join(FIXTURES, dir, f))) {
        const d = JSON.parse(line) as { skip?: string; reject?: string };
        const code = d.skip ?? d.reject;
        if (code !== undefined && !GENERIC.has(code)) codes.add(code);
      }
    }
    for (const c of codes) if (!text.includes(`\`${c}`)) unnamed.push(`${dir}: ${c}`);
  }
  expect(unnamed).toEqual([]);
});

describe.each(dirs)('fixtures/%s', (dir) => {
  const logs = fs
    .readdirSync(path.join(FIXTURES, dir))
    .filter((f) => f.endsWith('.log'))
    .sort();

  test('holds at least one .log file', () => {
    expect(logs.length).toBeGreaterThan(0);
  });

  test.each(logs)('%s matches its expected file', (log) => {
    const logPath = path.join(FIXTURES, dir, log);
    const expectedPath = logPath.replace(/\.log$/, '.expected.ndjson');
    // A fresh clock per file: year inference must not leak from one file into the next.
    const clock = createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    const lines = readLines(logPath);
    // Likewise one parser memory per file, as the pipeline keeps one per source.
    const state = new Map<string, unknown>();
    const actual = lines.map((line) => outcomeDoc(line, clock, state));

    if (UPDATE) {
      fs.writeFileSync(expectedPath, actual.map((d) => JSON.stringify(d)).join('\n') + '\n');
      return;
    }
    if (!fs.existsSync(expectedPath)) {
      throw new Error(`missing ${path.relative(FIXTURES, expectedPath)} (write it by hand, or UPDATE_GOLDEN=1 and check it)`);
    }
    const expected = readLines(expectedPath).map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(`${path.basename(expectedPath)}:${i + 1} is not JSON`);
      }
    });
    expect({ records: actual.length }).toEqual({ records: expected.length });
    const mismatches = actual
      .map((got, i) => ({ line: i + 1, input: lines[i], expected: expected[i], got }))
      .filter((m) => !isDeepStrictEqual(m.expected, m.got));
    expect(mismatches).toEqual([]);
  });
});
