/**
 * The peer comparison: `portledger ingest` of the reference log as a whole process (the CLI a
 * user runs, every detector on) against lnav's one-shot per-port-per-day query over the same
 * file, run alternately (A B A B …) so both see the same machine. Walls, the ratio in each
 * pair, and ingest's peak RSS as the OS counts it (the process's maxRSS, all threads).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const LNAV_QUERY =
  ";SELECT regexp_match('DPT=(\\d+)', log_body) AS dpt, date(log_time) AS day, count(*) AS n FROM syslog_log WHERE log_body LIKE '%DPT=%' GROUP BY dpt, day";

export interface PeerRun {
  ingestS: number;
  ingestRssMb: number;
  lnavS: number;
}

function lnavPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'lnav');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The reference input (../shared/bench/gen-netfilter.js), generated once into `out`. */
export function referenceLog(out: string, lines: number): string | undefined {
  const gen = path.resolve(__dirname, '..', '..', '..', 'shared', 'bench', 'gen-netfilter.js');
  const file = path.join(out, `reference-${lines}.log`);
  if (fs.existsSync(file)) return file;
  if (!fs.existsSync(gen)) return undefined;
  process.stdout.write(`generating the reference log (${lines.toLocaleString('en-US')} lines) → ${file}\n`);
  const r = spawnSync(process.execPath, [gen, String(lines), file, '43', '7'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the reference generator failed');
  return file;
}

function wall(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** One `portledger ingest FILE` into a fresh database, as a user runs it; its wall and peak RSS. */
function ingestOnce(cli: string, log: string, db: string, flags: string[]): { s: number; rssMb: number } {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + suffix, { force: true });
  const rssFile = `${db}.rss`;
  fs.rmSync(rssFile, { force: true });
  const preload = path.join(__dirname, 'rss-at-exit.js');
  let r: ReturnType<typeof spawnSync> | undefined;
  const s = wall(() => {
    r = spawnSync(process.execPath, ['--require', preload, cli, 'ingest', log, '--db', db, '--tz', 'UTC', '-q', ...flags], {
      env: { ...process.env, PORTLEDGER_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });
  if (r!.status !== 0) throw new Error(`portledger ingest failed: ${String(r!.stderr)}`);
  return { s, rssMb: Number(fs.readFileSync(rssFile, 'utf8')) / 1024 };
}

function lnavOnce(lnav: string, log: string): number {
  let r: ReturnType<typeof spawnSync> | undefined;
  const s = wall(() => {
    r = spawnSync(lnav, ['-n', '-c', LNAV_QUERY, log], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: process.env.HOME ?? '/tmp' } });
  });
  if (r!.status !== 0) throw new Error(`lnav failed: ${String(r!.stderr)}`);
  return s;
}

/** The section's text: runs `pairs` alternating pairs, or says how to get lnav. */
export function peerSection(out: string, cli: string, lines: number, pairs: number, flags: string[] = []): string {
  const lnav = lnavPath();
  if (!lnav) return 'peer comparison skipped: lnav is not installed (Debian: `apt-get install lnav`; macOS: `brew install lnav`).';
  const log = referenceLog(out, lines);
  if (!log) return 'peer comparison skipped: ../shared/bench/gen-netfilter.js (the reference generator) is not beside the project.';
  const db = path.join(out, 'peer.db');
  const runs: PeerRun[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = ingestOnce(cli, log, db, flags);
    const b = lnavOnce(lnav, log);
    runs.push({ ingestS: a.s, ingestRssMb: a.rssMb, lnavS: b });
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const mb = fs.statSync(log).size / 1e6;
  const rows = runs.map((r, i) => `| ${i + 1} | ${r.ingestS.toFixed(2)} s | ${r.ingestRssMb.toFixed(0)} MiB | ${r.lnavS.toFixed(2)} s | ${(r.ingestS / r.lnavS).toFixed(2)} |`);
  const ratio = med(runs.map((r) => r.ingestS / r.lnavS));
  return [
    `peer: \`portledger ingest${flags.length ? ' ' + flags.join(' ') : ''}\` (whole process, every detector on: slow scans included unless the flags say otherwise) vs lnav's per-port-per-day query, ${lines.toLocaleString('en-US')}-line reference log (${mb.toFixed(0)} MB), alternating:`,
    '',
    '| pair | portledger ingest | its peak RSS | lnav query | ratio (ingest / lnav) |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `- median ratio ingest / lnav: ${ratio.toFixed(2)}; peak RSS max ${Math.max(...runs.map((r) => r.ingestRssMb)).toFixed(0)} MiB`,
  ].join('\n');
}
