/**
 * Where an ingest spends its time, per thread and stage: `portledger ingest` of the reference log
 * as a whole process under `node --cpu-prof` (every thread writes its own profile), each profile's
 * self time grouped into stages by the source file a sample's function lives in, as seconds, share
 * of the thread and µs per input line. Sampled time is wall time on the thread: on a loaded machine
 * every figure grows, the shares much less.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: a sample's leaf function and file, to a stage name. */
const STAGES: [RegExp, string][] = [
  [/\(idle\)/, 'idle (waiting for the other thread)'],
  [/\(garbage collector\)/, 'GC'],
  [/store\/event-writer|better-sqlite3\/lib\/methods\/wrappers/, 'events INSERT (binds + SQLite)'],
  [/rollups\//, 'rollups (count, write, settle)'],
  [/detectors\/|distinct\//, 'detectors (scan, worm)'],
  [/methods\/pragma/, 'pragma (WAL checkpoint)'],
  [/methods\/transaction/, 'transaction BEGIN/COMMIT'],
  [/store\/(alert-store|session-keys|sources|detector-state)/, 'other store writes (alerts, position, state)'],
  [/pipeline\/sink|batch\/codec|raw-lines|utf8-column/, 'batch decode / sink'],
  [/parsers\/netfilter/, 'netfilter parser'],
  [/envelope\//, 'syslog envelope'],
  [/RegExp: /, 'regex (binary / control characters)'],
  [/ipaddr|lib\/ip\.js|classify\/networks/, 'addresses (ipaddr, networks)'],
  [/classify\/classifier/, 'classify'],
  [/lib\/memo|parsers\/clock|envelope\/bsd/, 'time stamps'],
  [/utf8Write|utf8Slice|latin1|node:buffer/, 'UTF-8 encode / decode'],
  [/read-record|pipeline\/batch|compute-loop|sources\/records|sources\/inputs/, 'read loop / batching'],
];

function stageOf(functionName: string, url: string): string {
  const key = `${functionName} ${url}`;
  return STAGES.find(([re]) => re.test(key))?.[1] ?? 'other';
}

interface ThreadProfile {
  totalS: number;
  busyS: number;
  stages: Map<string, number>;
}

function summarize(file: string): ThreadProfile {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const stages = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = p.timeDeltas[i] ?? 0;
    total += d;
    const n = byId.get(p.samples[i])!;
    const s = stageOf(n.callFrame.functionName, n.callFrame.url);
    stages.set(s, (stages.get(s) ?? 0) + d);
  }
  const idle = [...stages].filter(([k]) => k.startsWith('idle')).reduce((a, [, v]) => a + v, 0);
  return { totalS: total / 1e6, busyS: (total - idle) / 1e6, stages };
}

/** Which thread a profile is, by what it spent its time on. */
function threadName(t: ThreadProfile): string {
  const has = (prefix: string) => [...t.stages.keys()].some((k) => k.startsWith(prefix) && (t.stages.get(k) ?? 0) > 0.02 * t.totalS * 1e6);
  if (has('events INSERT')) return 'write thread';
  if (has('netfilter parser') || has('syslog envelope')) return 'parse worker';
  return 'main thread';
}

/** Profiles one ingest of `log` into a fresh database; the section's text. */
export function profileSection(cli: string, log: string, lines: number, flags: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-prof-'));
  try {
    const db = path.join(dir, 'p.db');
    const args = ['--cpu-prof', '--cpu-prof-dir', dir, cli, 'ingest', log, '--db', db, '--tz', 'UTC', '-q', ...flags];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`profiled ingest failed: ${String(r.stderr)}`);
    const out = [
      `profile: \`node --cpu-prof … ingest ${path.basename(log)}${flags.length ? ' ' + flags.join(' ') : ''}\`, ${lines.toLocaleString('en-US')} lines, wall ${wallS.toFixed(1)} s (self time per stage; µs per input line):`,
    ];
    const threads = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => summarize(path.join(dir, f)))
      .filter((t) => threadName(t) !== 'main thread');
    for (const t of threads) {
      out.push('', `${threadName(t)}: ${t.totalS.toFixed(1)} s sampled, busy ${t.busyS.toFixed(1)} s (${((t.busyS / lines) * 1e6).toFixed(1)} µs/line)`, '');
      out.push('| stage | s | share | µs/line |', '|---|---:|---:|---:|');
      for (const [k, v] of [...t.stages].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
        out.push(`| ${k} | ${(v / 1e6).toFixed(2)} | ${((100 * v) / (t.totalS * 1e6)).toFixed(1)} % | ${(v / lines).toFixed(2)} |`);
      }
    }
    return out.join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
