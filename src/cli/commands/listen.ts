import os from 'node:os';
import type { Command } from 'commander';
import { DEFAULT_LISTEN, DEFAULT_RECV_BUFFER_SIZE, parseListenAddress, SyslogServer, type SyslogServerStats } from '../../sources/syslog-server';
import { DEFAULT_MAX_PENDING_BYTES, SyslogIntake, type IntakeStatus } from '../../pipeline/syslog-intake';
import { CidrSet, splitList } from '../../classify/networks';
import { checkLiveFlags, liveLog, liveWarn, startLive, type LiveFlags } from '../live-run';
import { collect } from '../inputs';
import { liveOptions } from './watch';
import { serveAlongside, serveOptions } from './serve';

interface ListenFlags extends LiveFlags {
  serve?: string | boolean;
  serveToken?: string;
  serveTokenFile?: string;
  udp?: string;
  tcp?: string;
  allow?: string[];
  maxMessage?: string;
  recvBuffer?: string;
  maxQueue?: string;
}

/** While SQLite waits for another process's lock nothing else runs here (TCP is not read, UDP queues up): wait little, retry later. */
const BUSY_TIMEOUT_MS = 250;
const REFUSED_NOTE_MS = 60_000;
/** How much lower the storing thread runs than the UDP receive thread (nice steps: 5 ≈ a third of the CPU share). */
const STORE_NICENESS = 5;

const n = (v: number) => v.toLocaleString('en-US');

function wholeNumber(flag: string, text: string | undefined, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} takes a whole number ≥ ${n(min)}, not "${text}"`);
  return v;
}

/** The panel's status line: where, how much, and every loss by reason. */
function statusLine(where: string, st: SyslogServerStats, q: IntakeStatus): string {
  const lost = Object.entries(q.lost).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${n(v)}`);
  const top = st.refused.top[0];
  return [
    `listening on ${where}; ${n(st.accepted)} accepted`,
    lost.length ? `dropped: ${lost.join(', ')}` : 'nothing dropped',
    top ? `most refused: ${top.key} ×${n(top.count)}` : '',
    st.udp && st.udp.queuedBytes >= 1048576 ? `${(st.udp.queuedBytes / 1048576).toFixed(0)} MiB received waiting to be stored (${(st.udp.queueDelayMs / 1000).toFixed(1)} s behind)` : '',
    q.storeProblem ? `store waiting (${q.storeProblem.reason}, ${Math.round((Date.now() - q.storeProblem.since) / 1000)} s, ${n(q.pending)} held)` : '',
  ].filter(Boolean).join('; ');
}

/**
 * Under a CPU shared with other work, the thread that stores must yield to the one that reads
 * the UDP socket: a datagram the kernel drops is gone, a message queued is stored a moment
 * later. On Linux a priority set here applies to this thread only (the receive thread is
 * already running at the process's priority); lowering one's own priority needs no privilege.
 */
function yieldToReceiver(): void {
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + STORE_NICENESS));
  } catch {
    /* not permitted here: all threads keep the same priority */
  }
}

export function register(program: Command): void {
  serveOptions(liveOptions(program.command('listen')))
    .description('be the syslog server your router sends to (UDP and/or TCP, RFC 3164 and 5424), alerting as attacks happen')
    .option('--udp <[host:]port>', `receive syslog over UDP (default, with --tcp, ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port})`)
    .option('--tcp <[host:]port>', 'receive syslog over TCP (octet counting or LF framing, detected per connection)')
    .option('--allow <cidr>', 'a sender allowed to send (repeatable; default: loopback and private ranges)', collect)
    .option('--max-message <bytes>', 'longest message accepted', '8192')
    .option('--recv-buffer <bytes>', `UDP receive buffer to ask the kernel for (capped by net.core.rmem_max)`, String(DEFAULT_RECV_BUFFER_SIZE))
    .option('--max-queue <MiB>', 'messages received and not yet stored (a burst, a busy database); beyond it they are dropped and counted', String(DEFAULT_MAX_PENDING_BYTES / 1048576))
    .action(async (f: ListenFlags) => {
      // Everything that can be wrong with the command line is found before anything is opened.
      const both = !f.udp && !f.tcp;
      const udp = f.udp ? parseListenAddress(f.udp) : both ? DEFAULT_LISTEN : undefined;
      const tcp = f.tcp ? parseListenAddress(f.tcp) : both ? DEFAULT_LISTEN : undefined;
      const maxMessageBytes = wholeNumber('--max-message', f.maxMessage, 64);
      const recvBufferSize = wholeNumber('--recv-buffer', f.recvBuffer, 1024);
      const maxPendingBytes = wholeNumber('--max-queue', f.maxQueue, 1) * 1048576;
      if (maxPendingBytes > 1024 * 1048576) throw new Error(`--max-queue takes at most 1,024 MiB, not "${f.maxQueue}"`);
      checkLiveFlags(f);
      const allow = splitList(f.allow);
      try {
        new CidrSet(allow);
      } catch (e) {
        throw new Error(`--allow: ${(e as Error).message}`);
      }
      const log = liveLog(f);
      // The receiver's notes (bound addresses, buffer size) wait until the whole start worked:
      // a failed start prints its one line and nothing else.
      const early: string[] = [];
      let started = false;
      const serverLog = log && ((l: string) => (started ? log(l) : early.push(l)));
      let server: SyslogServer | undefined;
      const intake = new SyslogIntake({ maxPendingBytes, kernelDrops: () => server?.kernelDrops() ?? null, log: liveWarn });
      server = new SyslogServer({
        udp,
        tcp,
        allow: allow.length ? allow : undefined,
        maxMessageBytes,
        recvBufferSize,
        onMessage: (text, sender) => intake.message(text, sender),
        onDrop: (sender, reason, detail) => intake.drop(sender, reason, detail?.transport, detail?.count),
        maxQueueBytes: maxPendingBytes,
        log: serverLog,
      });
      // Sockets first: a port in use or not permitted ends the command with nothing else opened
      // (no database file created, no timer). What arrives meanwhile waits in the intake.
      await server.listen();
      if (server.stats().udp?.thread) yieldToReceiver();
      let run;
      try {
        run = startLive(f, 'listen', { busyTimeoutMs: BUSY_TIMEOUT_MS, parseThread: true });
      } catch (e) {
        await server.close();
        throw e;
      }
      intake.attach(run.live, run.db);
      started = true;
      for (const l of early.splice(0)) log?.(l);
      const srv = server;
      let refusedNoted = 0;
      const refusedTimer = setInterval(() => {
        const st = srv.stats();
        if (st.refused.total === refusedNoted) return;
        const top = st.refused.top.slice(0, 3).map((t) => `${t.key} ×${n(t.count)}`).join(', ');
        log?.(`refused ${n(st.refused.total - refusedNoted)} messages or connections from senders not in --allow (most: ${top}); totals in: portledger sources`);
        refusedNoted = st.refused.total;
      }, REFUSED_NOTE_MS);
      refusedTimer.unref();
      run.onStop(async () => {
        clearInterval(refusedTimer);
        await srv.close();
        srv.pollKernelDrops();
        const unsaved = await intake.stop();
        if (unsaved > 0) return `${n(unsaved)} received messages could not be stored (${intake.status().storeProblem?.reason ?? 'database unavailable'})`;
      });
      await serveAlongside(run, f);
      const where = server.addresses();
      const text = [where.udp && `udp ${where.udp.host}:${where.udp.port}`, where.tcp && `tcp ${where.tcp.host}:${where.tcp.port}`].filter(Boolean).join(', ');
      run.status = () => statusLine(text, srv.stats(), intake.status());
      if (!f.quiet && !f.json && !process.stdout.isTTY) process.stdout.write(`listening on ${text}\n`);
      if (!(await run.done)) process.exitCode = 1;
    });
}
