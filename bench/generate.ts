/**
 * A deterministic netfilter router log for the benchmark: a week of inbound scans from a skewed
 * population of sources over ~200 ports, late packets, outbound traffic with a worm burst on
 * 445, and a sprinkle of non-firewall and damaged lines, in three router flavours.
 */
import fs from 'node:fs';

/** Small seeded PRNG: the same log on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOT_PORTS = [23, 445, 22, 3389, 80, 8080, 443, 1433, 5060, 2323, 5555, 6379, 8443, 3306, 5900, 25, 21, 139, 135, 1900];

export function generateLog(file: string, lines: number, seed = 42): void {
  const rnd = mulberry32(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const ports = [...HOT_PORTS, ...Array.from({ length: 180 }, () => 1024 + Math.floor(rnd() * 64000))];
  const sources = Array.from({ length: 50_000 }, () => `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`);
  const start = Date.UTC(2024, 5, 10);
  const span = 7 * 86_400_000;
  const fd = fs.openSync(file, 'w');
  let buf: string[] = [];
  for (let i = 0; i < lines; i++) {
    const d = new Date(start + Math.floor((i / lines) * span));
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    const r = rnd();
    // Skewed: a few sources scan a lot, most a little.
    const src = sources[Math.floor(sources.length * rnd() ** 3)];
    const id = Math.floor(rnd() * 65535);
    let line: string;
    if (r < 0.85) {
      const dpt = rnd() < 0.7 ? pick(HOT_PORTS) : pick(ports);
      const udp = dpt === 5060 || dpt === 1900 || rnd() < 0.05;
      const l4 = udp ? `PROTO=UDP SPT=${1024 + (id % 60000)} DPT=${dpt} LEN=${20 + (id % 400)}` : `PROTO=TCP SPT=${1024 + (id % 60000)} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`;
      line = i % 3 === 0
        ? `${stamp} vps kernel: [${(i / 100).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:fe:ff:ff:ff:ff:ff:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id} ${l4} `
        : `${stamp} RT-AX86U kernel: DROP IN=eth0 OUT= MAC=10:7b:44:aa:bb:01:00:11:22:33:44:55:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + (id % 200)} ID=${id} ${l4} `;
    } else if (r < 0.93) {
      line = `${stamp} RT-AX86U kernel: DROP IN=eth0 OUT= MAC=10:7b:44:aa:bb:01:00:11:22:33:44:55:08:00 SRC=${src} DST=203.0.113.10 LEN=52 TOS=0x00 PREC=0x00 TTL=55 ID=${id} DF PROTO=TCP SPT=443 DPT=${40000 + (id % 20000)} WINDOW=501 RES=0x00 ACK PSH URGP=0 `;
    } else if (r < 0.98) {
      const host = `192.168.1.${2 + (id % 40)}`;
      const dpt = rnd() < 0.2 ? 445 : pick([443, 80, 53, 123]);
      line = `${stamp} MainFirewall kernel: [LAN_OUT-100-A]IN=br0 OUT=eth0 MAC=90:10:20:76:8d:20:90:10:24:67:f4:89:08:00 SRC=${host} DST=${src} LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=${id} DF PROTO=TCP SPT=${49152 + (id % 16000)} DPT=${dpt} WINDOW=64240 RES=0x00 SYN URGP=0`;
    } else if (r < 0.995) {
      line = `${stamp} RT-AX86U dnsmasq-dhcp[1234]: DHCPACK(br0) 192.168.1.${id % 250} 3c:7c:3f:44:55:66 laptop`;
    } else {
      line = `${stamp} RT-AX86U kernel: DROP IN=eth0 OUT= SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${id} PRO`;
    }
    buf.push(line);
    if (buf.length === 10_000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}
