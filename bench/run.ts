/**
 * `npm run bench`: one run, every figure a ratio to the plain read measured in the same run, and
 * the peer comparison with lnav on the reference log.
 *   BENCH_LINES=1000000 (default) sets the size of the generated log;
 *   BENCH_PEER_LINES=1000000 the reference log's; BENCH_PAIRS=3 the alternating peer pairs;
 *   BENCH_ONLY=peer|stages|ingest|profile|live runs one section (ingest: the whole-process ingest with
 *   and without slow scans, alternately, and their ratio; profile: the reference ingest under
 *   --cpu-prof, per thread and stage); BENCH_INGEST_FLAGS="--no-slow-scans" adds flags to the
 *   peer's and the profile's `portledger ingest`; BENCH_CLI=path/to/dist/src/cli/main.js measures
 *   another build (a baseline) with this harness. live: watch latency and `listen` over UDP
 *   (BENCH_UDP_RATES, BENCH_UDP_SECONDS; see bench/live.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { execFileSync } from 'node:child_process';
import { generateLog } from './generate';
import { RecordSplitter } from '../src/sources/records';
import { readRecord } from '../src/pipeline/read-record';
import { createClock } from '../parsers/clock';
import { openDb } from '../src/store/db';
import { portsReport, sourcesPerHourReport } from '../reports/queries';
import { formatParseRates } from './formats';
import { udpStored, watchLatency } from './live';
import { peerSection, referenceLog } from './peer';
import { profileSection } from './profile';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const out = path.resolve(__dirname, '..', '..', 'bench', 'out');

function secondsOf(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function readChunked(file: string, onChunk: (s: RecordSplitter, c: Buffer) => void): Promise<void> {
  const s = new RecordSplitter();
  for await (const c of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) onChunk(s, c as Buffer);
  s.end();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ONLY = process.env.BENCH_ONLY;

interface IngestFigures {
  lines: number;
  events: number;
  seconds: number;
  maxRssMb: number;
}

/** `portledger ingest` of `log` into a fresh `dbFile`, in its own process (bench/ingest-child.ts). */
function ingestOnce(log: string, dbFile: string, slowScans: boolean): IngestFigures {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  const child = path.join(__dirname, 'ingest-child.js');
  const args = [child, log, dbFile, ...(slowScans ? [] : ['no-slow-scans'])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as IngestFigures;
}

/** Ingest with slow scans (the default) and with `--no-slow-scans`, alternately: the cost of the 24-hour window. */
function slowScanCost(log: string): string {
  const pairs = Number(process.env.BENCH_PAIRS ?? 2);
  const on: IngestFigures[] = [];
  const off: IngestFigures[] = [];
  for (let i = 0; i < pairs; i++) {
    off.push(ingestOnce(log, path.join(out, 'bench-fast.db'), false));
    on.push(ingestOnce(log, path.join(out, 'bench-slow.db'), true));
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const row = (label: string, xs: IngestFigures[]) => {
    const s = median(xs.map((x) => x.seconds));
    return `| ${label} | ${xs.map((x) => x.seconds.toFixed(1)).join(', ')} | ${fmt(xs[0].lines / s)} | ${fmt(median(xs.map((x) => x.maxRssMb)))} |`;
  };
  const ratio = median(on.map((x) => x.seconds)) / median(off.map((x) => x.seconds));
  return [
    `ingest with and without slow scans, whole process, ${pairs} alternating pairs:`,
    '',
    '| ingest | wall (s) | lines/s (median) | peak RSS (MB, median) |',
    '|---|---:|---:|---:|',
    row('--no-slow-scans (5-minute window)', off),
    row('default (5-minute + 24-hour window)', on),
    '',
    `slow scans on / off: ${ratio.toFixed(2)}× the wall time`,
  ].join('\n');
}

async function main(): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  if (ONLY === 'peer') return void process.stdout.write(peer() + '\n');
  if (ONLY === 'profile') return void process.stdout.write(profile() + '\n');
  if (ONLY === 'live') return void process.stdout.write(`\nlive input:\n\n${await liveSection()}\n`);
  const log = path.join(out, `netfilter-${LINES}.log`);
  if (!fs.existsSync(log)) {
    process.stdout.write(`generating ${LINES.toLocaleString('en-US')} lines → ${log}\n`);
    generateLog(log, LINES);
  }
  if (ONLY === 'ingest') return void process.stdout.write(`\n${slowScanCost(log)}\n`);
  const mb = fs.statSync(log).size / 1e6;
  const rate = (s: number) => Math.round(LINES / s);
  const fmt = (n: number) => n.toLocaleString('en-US');

  const readlineS = await timeAsync(async () => {
    const rl = readline.createInterface({ input: fs.createReadStream(log), crlfDelay: Infinity });
    let n = 0;
    for await (const _ of rl) n++;
    if (n !== LINES) throw new Error(`readline saw ${n} lines`);
  });
  let lines = 0;
  const plainS = await timeAsync(() => readChunked(log, (s, c) => (lines += s.push(c).records.length)));
  // Stamps are checked against the reference (time-out-of-range): a reference of 0 rejected every
  // 2024 stamp, so parse-only timed rejects.
  const clock = createClock('UTC', { fixedYear: 2024, reference: () => Date.now() });
  let events = 0;
  const parseS = await timeAsync(() =>
    readChunked(log, (s, c) => {
      for (const r of s.push(c).records) if (readRecord(r, clock).outcome.kind === 'event') events++;
    }),
  );

  const dbFile = path.join(out, 'bench.db');
  const ingest = ingestOnce(log, dbFile, true);

  const db = openDb(dbFile);
  const reportMs = (fn: () => void) => median(Array.from({ length: 7 }, () => secondsOf(fn) * 1000));
  const portsMs = reportMs(() => portsReport(db, { from: '2024-06-10', to: '2024-06-16' }));
  const hourMs = reportMs(() => sourcesPerHourReport(db, { date: '2024-06-13' }));
  const portsRows = portsReport(db, { from: '2024-06-10', to: '2024-06-16' }).length;
  const dbMb = fs.statSync(dbFile).size / 1e6;
  db.close();

  const rows: [string, string, string][] = [
    ['plain line read (chunked, Node)', `${fmt(rate(plainS))} lines/s`, '1.00'],
    ['readline (for comparison)', `${fmt(rate(readlineS))} lines/s`, (plainS / readlineS).toFixed(2)],
    ['parse only (envelope + netfilter)', `${fmt(rate(parseS))} lines/s`, (plainS / parseS).toFixed(2)],
    ['parse + classify + store + rollups', `${fmt(rate(ingest.seconds))} lines/s`, (plainS / ingest.seconds).toFixed(2)],
  ];
  process.stdout.write(`\nportledger bench — ${fmt(LINES)} lines, ${mb.toFixed(0)} MB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`);
  process.stdout.write('| stage | rate | ratio to plain read |\n|---|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
  process.stdout.write(`\n- events stored: ${fmt(ingest.events)} of ${fmt(ingest.lines)} lines (${fmt(events)} in parse-only)\n`);
  process.stdout.write(`- ingest peak RSS: ${ingest.maxRssMb.toFixed(0)} MB (own process); database ${dbMb.toFixed(0)} MB\n`);
  process.stdout.write(`- report ports over 7 days (${portsRows} rows): ${portsMs.toFixed(1)} ms; report sources-per-hour for one day: ${hourMs.toFixed(1)} ms (median of 7)\n`);
  process.stdout.write(`\nparse-only rate per format (fixture event lines, repeated):\n\n${formatParseRates()}\n`);
  process.stdout.write(`\nlive input:\n\n${await liveSection()}\n`);
  if (ONLY !== 'stages') process.stdout.write(`\n${peer()}\n`);
}

const liveSection = async () => `${await watchLatency(out)}\n\n${await udpStored()}`;

const cli = () => (process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.resolve(__dirname, '..', 'src', 'cli', 'main.js'));
const ingestFlags = () => (process.env.BENCH_INGEST_FLAGS ?? '').split(/\s+/).filter(Boolean);
const peerLines = () => Number(process.env.BENCH_PEER_LINES ?? 1_000_000);

function peer(): string {
  return peerSection(out, cli(), peerLines(), Number(process.env.BENCH_PAIRS ?? 3), ingestFlags());
}

function profile(): string {
  const log = referenceLog(out, peerLines());
  if (!log) return 'profile skipped: ../shared/bench/gen-netfilter.js (the reference generator) is not beside the project.';
  return profileSection(cli(), log, peerLines(), ingestFlags());
}

main().catch((e) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
