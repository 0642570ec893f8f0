/**
 * A syslog UDP sender for the listen benchmark, in its own process so it does not share the
 * receiver's event loop:
 *
 *   node dist/bench/udp-sender.js HOST PORT RATE COUNT
 *
 * sends COUNT realistic netfilter syslog lines (RFC 3164 with `<PRI>`, as routers send them) at
 * RATE messages/s, paced in small bursts (a schedule on hrtime; setImmediate while a send is
 * due, a 1 ms timer when ahead), and prints one JSON line: {sent, seconds, rate, errors,
 * target}. `sent` counts datagrams the kernel accepted. HOST must be 127.0.0.1: this tool
 * floods, so it never sends anywhere else.
 */
import dgram from 'node:dgram';
import { mulberry32 } from './generate';

const HOT_PORTS = [23, 445, 22, 3389, 80, 8080, 443, 1433, 5060, 2323, 5555, 6379, 8443, 3306, 5900, 25, 21, 139, 135, 1900];

/**
 * `n` distinct netfilter syslog lines as a router sends them over UDP, the flavours of
 * bench/generate.ts (ASUS DROP, UFW BLOCK, outbound LAN_OUT), stamped from 2024-06-10 on.
 */
export function syslogLines(n: number, seed = 7): string[] {
  const rnd = mulberry32(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const start = Date.UTC(2024, 5, 10);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(start + i * 37);
    const stamp = `Jun ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const src = `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
    const id = Math.floor(rnd() * 65535);
    const dpt = rnd() < 0.7 ? pick(HOT_PORTS) : 1024 + Math.floor(rnd() * 64000);
    const udp = dpt === 5060 || dpt === 1900 || rnd() < 0.05;
    const l4 = udp
      ? `PROTO=UDP SPT=${1024 + (id % 60000)} DPT=${dpt} LEN=${20 + (id % 400)}`
      : `PROTO=TCP SPT=${1024 + (id % 60000)} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`;
    const r = rnd();
    if (r < 0.6) {
      out.push(`<4>${stamp} RT-AX86U kernel: DROP IN=eth0 OUT= MAC=10:7b:44:aa:bb:01:00:11:22:33:44:55:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id} ${l4} `);
    } else if (r < 0.9) {
      out.push(`<4>${stamp} vps kernel: [${(i / 100).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:fe:ff:ff:ff:ff:ff:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id} ${l4} `);
    } else {
      const host = `192.168.1.${2 + (id % 40)}`;
      out.push(`<4>${stamp} MainFirewall kernel: [LAN_OUT-100-A]IN=br0 OUT=eth0 MAC=90:10:20:76:8d:20:90:10:24:67:f4:89:08:00 SRC=${host} DST=${src} LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=${id} DF PROTO=TCP SPT=${49152 + (id % 16000)} DPT=${pick([443, 80, 445])} WINDOW=64240 RES=0x00 SYN URGP=0`);
    }
  }
  return out;
}

export interface SendResult {
  sent: number;
  errors: number;
  seconds: number;
  rate: number;
  target: number;
}

/** Most datagrams sent in one turn of the event loop when the schedule is behind. */
const MAX_BURST = 256;
/** Distinct lines cycled through; BENCH_UDP_POOL raises it (every line a new source address). */
const POOL = Number(process.env.BENCH_UDP_POOL) || 4096;

export function sendUdp(host: string, port: number, rate: number, count: number): Promise<SendResult> {
  if (host !== '127.0.0.1') throw new Error(`refusing to send to ${host}: this benchmark sends to 127.0.0.1 only`);
  const pool = syslogLines(Math.min(POOL, count)).map((l) => Buffer.from(l + '\n'));
  const sock = dgram.createSocket('udp4');
  // Give up well after the schedule's end, whatever happens: the loop is bounded in time.
  const deadlineS = (count / rate) * 3 + 10;
  return new Promise<SendResult>((resolve, reject) => {
    let issued = 0;
    let done = 0;
    let sent = 0;
    let errors = 0;
    let firstError: Error | undefined;
    const t0 = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const seconds = elapsed();
      sock.close();
      if (sent === 0 && firstError) return reject(firstError);
      resolve({ sent, errors, seconds, rate: Math.round(sent / seconds), target: rate });
    };
    const onSent = (e: Error | null) => {
      done++;
      if (e) {
        errors++;
        firstError ??= e;
      } else sent++;
      if (done === issued && (issued === count || stopped)) finish();
    };
    let stopped = false;
    const tick = () => {
      const t = elapsed();
      if (t > deadlineS || stopped) {
        stopped = true;
        if (done === issued) finish();
        return;
      }
      const due = Math.min(count, Math.floor(t * rate) + 1);
      let burst = 0;
      while (issued < due && burst < MAX_BURST) {
        sock.send(pool[issued % pool.length], port, host, onSent);
        issued++;
        burst++;
      }
      if (issued >= count) return; // the last callbacks finish
      const aheadS = (issued + 1) / rate - t;
      if (aheadS > 0.002) setTimeout(tick, 1);
      else setImmediate(tick);
    };
    sock.once('error', (e) => {
      stopped = true;
      firstError ??= e;
    });
    tick();
  });
}

function arg(name: string, text: string | undefined, max: number): number {
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n <= 0 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${text ?? 'nothing'}`);
  return n;
}

async function main(): Promise<void> {
  const [host, portText, rateText, countText] = process.argv.slice(2);
  if (!host) throw new Error('usage: node dist/bench/udp-sender.js 127.0.0.1 PORT RATE COUNT');
  const port = arg('PORT', portText, 65535);
  const rate = arg('RATE', rateText, 10_000_000);
  const count = arg('COUNT', countText, 10_000_000);
  const r = await sendUdp(host, port, rate, count);
  process.stdout.write(JSON.stringify(r) + '\n');
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`udp-sender: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
