/**
 * How many syslog messages per second `portledger listen` takes over UDP without losing any.
 * A receiver runs in this process (a SyslogServer on 127.0.0.1, ephemeral port) with an
 * injectable message handler — by default it only counts; pass the store's handler to measure
 * the whole pipeline. For each rate, a sender process (udp-sender.js) sends `count` netfilter
 * lines; after it exits and the receiver has been quiet for `settleMs`, loss = sent − received.
 * Stops at the first step that loses messages (or the last rate) and returns the highest rate
 * with zero loss.
 *
 *   node dist/bench/udp-throughput.js [RATE…]       (BENCH_UDP_COUNT=100000 per step)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startSyslogServer, type SyslogSender } from '../src/sources/syslog-server';
import { packageRoot } from '../src/util/package-root';
import type { SendResult } from './udp-sender';

export interface UdpThroughputOptions {
  /** Target rates in messages/s, tried in this order. Default 10k, 20k, 40k, 80k. */
  rates?: number[];
  /** Messages per step; default 100,000. */
  count?: number;
  /** Runs for every received message after it is counted (default: nothing). */
  onMessage?: (text: string, sender: SyslogSender) => void;
  /** Called after each step, before the next one (e.g. to flush a store batch). */
  afterStep?: () => void | Promise<void>;
  /** UDP SO_RCVBUF to ask for (default: the receiver's, 8 MiB). */
  recvBufferSize?: number;
  /** The receiver must have been quiet this long after the sender ends; default 300 ms. */
  settleMs?: number;
  /** Longest a step may take, sender included; default 120 s. */
  stepTimeoutMs?: number;
  /** Go on after a lossy step; default false. */
  continueAfterLoss?: boolean;
  /** Path of the compiled sender; default dist/bench/udp-sender.js. */
  senderScript?: string;
  log?: (line: string) => void;
}

export interface UdpThroughputStep {
  /** Target rate. */
  rate: number;
  sent: number;
  received: number;
  lost: number;
  /** Rate the sender reached (it may fall short of the target on a busy machine). */
  senderRate: number;
  senderSeconds: number;
  /** First to last message received. */
  receiverSeconds: number;
  /** The sender reached less than 95 % of the target: the step measures the sender. */
  senderLimited: boolean;
}

export interface UdpThroughputResult {
  /** Highest target rate with zero loss; 0 when every step lost messages. */
  maxLosslessRate: number;
  /** The rate the sender really reached in that step. */
  maxLosslessSenderRate: number;
  count: number;
  /** Effective SO_RCVBUF as the kernel reports it. */
  recvBufferSize: number;
  steps: UdpThroughputStep[];
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function defaultSender(): string {
  const here = path.join(__dirname, 'udp-sender.js');
  if (fs.existsSync(here)) return here;
  return path.join(packageRoot(), 'dist', 'bench', 'udp-sender.js');
}

function runSender(script: string, port: number, rate: number, count: number, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, '127.0.0.1', String(port), String(rate), String(count)], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`udp-sender failed: ${stderr.trim() || err.message}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as SendResult);
      } catch {
        reject(new Error(`udp-sender printed no result: ${stdout}`));
      }
    });
  });
}

export async function udpThroughput(opts: UdpThroughputOptions = {}): Promise<UdpThroughputResult> {
  const rates = opts.rates ?? [10_000, 20_000, 40_000, 80_000];
  const count = opts.count ?? 100_000;
  const settleMs = opts.settleMs ?? 300;
  const stepTimeoutMs = opts.stepTimeoutMs ?? 120_000;
  const script = opts.senderScript ?? defaultSender();
  if (!fs.existsSync(script)) throw new Error(`${script} not found: build first (npm run build)`);
  const log = opts.log ?? (() => {});
  const handler = opts.onMessage;

  let received = 0;
  let firstNs = 0n;
  let lastNs = 0n;
  const server = await startSyslogServer({
    udp: { host: '127.0.0.1', port: 0 },
    ...(opts.recvBufferSize ? { recvBufferSize: opts.recvBufferSize } : {}),
    onMessage: (text, sender) => {
      if (received === 0) firstNs = process.hrtime.bigint();
      received++;
      lastNs = process.hrtime.bigint();
      if (handler) handler(text, sender);
    },
    log,
  });
  const info = server.addresses().udp!;
  const steps: UdpThroughputStep[] = [];
  try {
    for (const rate of rates) {
      received = 0;
      const result = await runSender(script, info.port, rate, count, stepTimeoutMs);
      // Wait until the receiver has drained its socket buffer: quiet for settleMs, bounded.
      const settleDeadline = Date.now() + Math.min(stepTimeoutMs, 30_000);
      let seen = -1;
      while (received !== seen && received < result.sent && Date.now() < settleDeadline) {
        seen = received;
        await delay(settleMs);
      }
      const step: UdpThroughputStep = {
        rate,
        sent: result.sent,
        received,
        lost: Math.max(0, result.sent - received),
        senderRate: result.rate,
        senderSeconds: result.seconds,
        receiverSeconds: received > 1 ? Number(lastNs - firstNs) / 1e9 : 0,
        senderLimited: result.rate < rate * 0.95,
      };
      steps.push(step);
      log(`udp ${rate} msg/s target: sent ${step.sent} at ${step.senderRate}/s, received ${step.received}, lost ${step.lost}`);
      if (opts.afterStep) await opts.afterStep();
      if (step.lost > 0 && !opts.continueAfterLoss) break;
    }
  } finally {
    await server.close();
  }
  const best = steps.filter((s) => s.lost === 0 && s.sent > 0).reduce<UdpThroughputStep | undefined>((b, s) => (!b || s.rate > b.rate ? s : b), undefined);
  return {
    maxLosslessRate: best?.rate ?? 0,
    maxLosslessSenderRate: best?.senderRate ?? 0,
    count,
    recvBufferSize: info.recvBufferSize,
    steps,
  };
}

async function main(): Promise<void> {
  const rates = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const count = Number(process.env.BENCH_UDP_COUNT ?? 100_000);
  const r = await udpThroughput({
    ...(rates.length ? { rates } : {}),
    count,
    log: (l) => process.stderr.write(l + '\n'),
  });
  const fmt = (n: number) => n.toLocaleString('en-US');
  process.stdout.write(`\nUDP receive (count only, no storage), ${fmt(count)} messages per step, SO_RCVBUF ${fmt(r.recvBufferSize)} bytes, node ${process.version}\n\n`);
  process.stdout.write('| target msg/s | sender reached | received | lost |\n|---:|---:|---:|---:|\n');
  for (const s of r.steps) process.stdout.write(`| ${fmt(s.rate)} | ${fmt(s.senderRate)}${s.senderLimited ? ' (sender-limited)' : ''} | ${fmt(s.received)} | ${fmt(s.lost)} |\n`);
  process.stdout.write(`\nhighest rate without loss: ${fmt(r.maxLosslessRate)} msg/s\n`);
  process.stdout.write(JSON.stringify(r) + '\n');
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
    process.exit(1);
  });
}
