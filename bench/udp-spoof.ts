/**
 * Many distinct UDP senders for the listen benchmark and tests: one datagram (or `per`) from each
 * of `count` loopback source addresses 127.1.0.1, 127.1.0.2, … (Linux routes all of 127.0.0.0/8
 * to lo, so a socket can bind any of them: no raw sockets, no privileges). What an allowlist
 * sees when an attacker spoofs source addresses.
 *
 *   node dist/bench/udp-spoof.js PORT COUNT [PER] [RATE]
 *
 * RATE caps datagrams per second (default: as fast as the sockets go). Prints one JSON line:
 * {senders, sent, errors, seconds}. Sends to 127.0.0.1 only.
 */
import dgram from 'node:dgram';

/** The i-th spoofed loopback address (0-based): 127.1.0.1 upwards, never 127.0.0.x. */
export function spoofAddress(i: number): string {
  const n = i + 1;
  return `127.${1 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export interface SpoofResult {
  senders: number;
  sent: number;
  errors: number;
  seconds: number;
}

const PARALLEL = 128;

export function sendSpoofed(port: number, count: number, per = 1, rate = 0, payload = (i: number) => `<4>spoofed ${i}`): Promise<SpoofResult> {
  const t0 = Date.now();
  let next = 0;
  let sent = 0;
  let errors = 0;
  let running = 0;
  return new Promise((resolve) => {
    const finish = () => resolve({ senders: count, sent, errors, seconds: (Date.now() - t0) / 1000 });
    const startOne = (): void => {
      if (next >= count) {
        if (running === 0) finish();
        return;
      }
      if (rate > 0 && sent + errors >= ((Date.now() - t0) / 1000) * rate) {
        setTimeout(startOne, 2);
        return;
      }
      const i = next++;
      running++;
      const s = dgram.createSocket('udp4');
      s.on('error', () => undefined);
      s.bind({ address: spoofAddress(i), port: 0 }, () => {
        let left = per;
        const msg = Buffer.from(payload(i));
        for (let k = 0; k < per; k++) {
          s.send(msg, port, '127.0.0.1', (e) => {
            if (e) errors++;
            else sent++;
            if (--left === 0) {
              s.close();
              running--;
              startOne();
            }
          });
        }
      });
    };
    for (let k = 0; k < PARALLEL; k++) startOne();
  });
}

if (require.main === module) {
  const [port, count, per, rate] = process.argv.slice(2).map(Number);
  if (!port || !count) {
    process.stderr.write('usage: node dist/bench/udp-spoof.js PORT COUNT [PER] [RATE]\n');
    process.exit(2);
  }
  sendSpoofed(port, count, per || 1, rate || 0).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
