/**
 * Shared scaffolding of the `test/corpus-*.test.ts` suites: they read real samples from
 * ../shared/corpus (not in the repository, its licences forbid redistribution), parse every line
 * the way the pipeline does and compare counts per outcome.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../../parsers/clock';
import type { Clock } from '../../parsers/types';
import { parseRecord } from '../../parsers/index';
import type { RecordResult } from '../../parsers/index';
import type { FirewallEvent, ParseOutcome } from '../../parsers/types';
import { CidrSet, DEFAULT_HOME } from '../../src/classify/networks';
import { parseInput } from '../../src/pipeline/parse-only';
import { Tally } from '../../src/pipeline/tally';
import { openInput } from '../../src/sources/inputs';

export const CORPUS_ROOT = path.resolve(__dirname, '../../../shared/corpus');

/** The absolute path of a corpus folder (or of a file, `folder/name`). */
export function corpusDir(folder: string): string {
  return path.join(CORPUS_ROOT, folder);
}

/** The clock every corpus suite parses with: UTC, year-less stamps read as 2024. */
export function newClock(): Clock {
  return createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
}

/**
 * `describe(name, fn)` when `folder` (or `folder/marker`) exists; otherwise the suite is skipped
 * and a skipped test says why.
 */
export function describeCorpus(name: string, folder: string, fn: () => void, marker?: string): boolean {
  const target = marker ? path.join(corpusDir(folder), marker) : corpusDir(folder);
  const have = fs.existsSync(target);
  if (!have) test.skip(`${name}: ${target} not found, suite skipped`, () => undefined);
  (have ? describe : describe.skip)(name, fn);
  return have;
}

export interface ReadOptions {
  /** Leave a trailing `\r` on each line (default: strip it, as a CRLF file is read by the pipeline). */
  keepCr?: boolean;
}

/** The lines of a corpus file (path relative to the corpus root), without the final empty one. */
export function readRecords(file: string, opts: ReadOptions = {}): string[] {
  const lines = fs.readFileSync(path.resolve(CORPUS_ROOT, file), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return opts.keepCr ? lines : lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export interface ParseFileOptions extends ReadOptions {
  /** Key events by parser id in the tally (`event netfilter`) instead of plain `event`. */
  byParser?: boolean;
}

export interface ParsedFile {
  lines: string[];
  results: RecordResult[];
  outcomes: ParseOutcome[];
  /** `event` (or `event <parser>`), `skip: reason`, `reject: reason` → count. */
  tally: Record<string, number>;
  /** The events, in order, without the gaps. */
  events: FirewallEvent[];
  /** One slot per line: its event, or undefined. */
  eventAt: (FirewallEvent | undefined)[];
  /** The parser memory shared by the file's lines. */
  state: Map<string, unknown>;
}

/**
 * Parses every line of a file with a fresh clock and one parser memory for the file, as the
 * pipeline keeps one per source (a header line decides the columns of the records after it).
 */
export function parseFile(file: string, opts: ParseFileOptions = {}): ParsedFile {
  const lines = readRecords(file, opts);
  const clock = newClock();
  const state = new Map<string, unknown>();
  const results = lines.map((l) => parseRecord(l, clock, undefined, undefined, state));
  const outcomes = results.map((r) => r.outcome);
  return {
    lines,
    results,
    outcomes,
    tally: tally(results, opts),
    events: events(outcomes),
    eventAt: outcomes.map((o) => (o.kind === 'event' ? o.event : undefined)),
    state,
  };
}

/** The tally key of one outcome: `event`, `skip: not-firewall (dhcpd)`, `reject: no-addresses`. */
export function outcomeKey(o: ParseOutcome, parser?: string): string {
  if (o.kind !== 'event') return `${o.kind}: ${o.reason}${o.detail === undefined ? '' : ` (${o.detail})`}`;
  return parser === undefined ? 'event' : `event ${parser}`;
}

/** Counts outcomes (or parse results) by `event` / `skip: reason (detail)` / `reject: reason`. */
export function tally(items: (ParseOutcome | RecordResult)[], opts: { byParser?: boolean } = {}): Record<string, number> {
  return countBy(
    items.map((i) => ('outcome' in i ? outcomeKey(i.outcome, opts.byParser ? String(i.parser?.id) : undefined) : outcomeKey(i))),
  );
}

/**
 * The pipeline's view of a corpus file (`portledger parse` / `coverage`): parse, classify and the
 * session folding of src/pipeline/sessions.ts. Events, skips per reason, forgotten sessions.
 */
export async function pipelineTally(file: string): Promise<{ events: number; skips: Record<string, number>; expired: number; evicted: number }> {
  const t = new Tally();
  const settings = { home: new CidrSet(DEFAULT_HOME), wanIf: new Set<string>(), trusted: new CidrSet([]) };
  for await (const _ of parseInput(await openInput(path.resolve(CORPUS_ROOT, file)), settings, { tz: 'UTC', year: 2024 }, t));
  return { events: t.events, skips: Object.fromEntries(t.skipReasons), expired: t.sessionsExpired, evicted: t.sessionsEvicted };
}

/** Counts equal strings. */
export function countBy(list: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const k of list) t[k] = (t[k] ?? 0) + 1;
  return t;
}

/** The events among outcomes, in order. */
export function events(os: ParseOutcome[]): FirewallEvent[] {
  return os.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
}

/** Narrows a slot of `eventAt` to an event, failing the test when the line was not one. */
export function ev(e: FirewallEvent | undefined): FirewallEvent {
  if (!e) throw new Error('expected an event');
  return e;
}
