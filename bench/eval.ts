/**
 * `npm run eval`: a detection evaluation you can rerun. It writes labelled scenarios of its own
 * (bench/scan-lines.ts: netfilter lines, documentation and home addresses) into one log, ingests
 * it through the real pipeline (library ingest into a temporary database, slow scans on, default
 * thresholds unless EVAL_PRESET names a preset), and prints per alert kind the precision and
 * recall over the labelled sources, and for each attack the time from its first packet to its
 * alert (`raised`).
 *
 * Scenarios: fast and slow vertical scans (SYN, connect), horizontal sweeps (fast, slow), FIN,
 * NULL, XMAS, UDP and IP-protocol scans; a worm burst among benign file-share clients; late packets
 * after a busy web session; a trusted monitoring service; a NAT'd home with many hosts; and
 * Internet background noise (sources sending a probe or three). Deterministic (seeded).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, openDb } from '../src/store/db';
import { IngestSession } from '../src/pipeline/ingest';
import { openInput } from '../src/sources/inputs';
import { addTrusted } from '../src/store/trust-store';
import { applyPreset } from '../src/config/presets';
import { alertsReport } from '../reports/alerts';
import { hosts, logText, portScan, range, type Packet } from './scan-lines';
import { mulberry32 } from './generate';

type Kind = 'vertical-scan' | 'horizontal-scan' | 'worm';

interface Expected {
  scenario: string;
  kind: Kind;
  source: string;
  /** UTC ms of the attack's first packet. */
  onset: number;
}

interface Scenario {
  name: string;
  packets: Packet[];
  /** Alerts it should raise; every other alert about its sources is a false positive. */
  expect: Expected[];
  /** Networks to trust before ingesting (the monitoring service). */
  trust?: string[];
}

const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const rand = mulberry32(20261202);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const SERVERS = hosts('203.0.113.', 8, 10); // our public addresses
const COMMON_PORTS = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1723, 3306, 3389, 5432, 5900, 6379, 8080, 8443];

function attack(name: string, kind: Kind, source: string, packets: Packet[]): Scenario {
  return { name, packets, expect: [{ scenario: name, kind, source, onset: Math.min(...packets.map((p) => p.ts)) }] };
}

function scenarios(): Scenario[] {
  const s: Scenario[] = [];
  // Vertical scans.
  s.push(attack('fast SYN scan (nmap -sS, 1,000 ports in 20 s)', 'vertical-scan', '198.51.100.11',
    portScan({ start: T0 + 1 * HOUR, src: '198.51.100.11', targets: [SERVERS[0]], ports: range(1, 1000), everyMs: 20 })));
  s.push(attack('connect scan (nmap -sT, top 100 ports)', 'vertical-scan', '198.51.100.12',
    portScan({ start: T0 + 2 * HOUR, src: '198.51.100.12', targets: [SERVERS[1]], ports: range(1, 100), everyMs: 300, len: 60 })));
  s.push(attack('slow vertical scan (one port every 3 min, 6 h)', 'vertical-scan', '198.51.100.13',
    portScan({ start: T0 + 3 * HOUR, src: '198.51.100.13', targets: [SERVERS[2]], ports: range(8000, 8119), everyMs: 3 * MIN })));
  s.push(attack('very slow vertical scan (one port every 10 min, 20 h)', 'vertical-scan', '198.51.100.14',
    portScan({ start: T0 + 2 * HOUR, src: '198.51.100.14', targets: [SERVERS[3]], ports: COMMON_PORTS.concat(range(9000, 9095)), everyMs: 10 * MIN })));
  // Slower than the long window can see: 15 distinct ports take 30 hours. A known limit (psad with
  // ENABLE_PERSISTENCE would see it); labelled an attack, so it counts against recall.
  s.push(attack('scan slower than 24 h (one port every 2 h, 20 ports)', 'vertical-scan', '198.51.100.24',
    portScan({ start: T0, src: '198.51.100.24', targets: [SERVERS[6]], ports: range(5000, 5019), everyMs: 2 * HOUR })));
  s.push(attack('FIN scan (nmap -sF, 300 ports)', 'vertical-scan', '198.51.100.15',
    portScan({ start: T0 + 4 * HOUR, src: '198.51.100.15', targets: [SERVERS[4]], ports: range(1, 300), everyMs: 50, flags: 'FIN' })));
  s.push(attack('NULL scan (nmap -sN, 300 ports)', 'vertical-scan', '198.51.100.16',
    portScan({ start: T0 + 5 * HOUR, src: '198.51.100.16', targets: [SERVERS[4]], ports: range(1, 300), everyMs: 50, flags: '' })));
  s.push(attack('XMAS scan (nmap -sX, 300 ports)', 'vertical-scan', '198.51.100.17',
    portScan({ start: T0 + 6 * HOUR, src: '198.51.100.17', targets: [SERVERS[4]], ports: range(1, 300), everyMs: 50, flags: 'URG PSH FIN' })));
  s.push(attack('UDP scan (nmap -sU, 100 ports)', 'vertical-scan', '198.51.100.18',
    portScan({ start: T0 + 7 * HOUR, src: '198.51.100.18', targets: [SERVERS[5]], ports: range(100, 199), everyMs: 800, proto: 'UDP' })));
  s.push(attack('IP protocol scan (nmap -sO)', 'vertical-scan', '198.51.100.19',
    range(0, 255).filter((p) => ![1, 6, 17, 58].includes(p)).map((p, i): Packet => ({ ts: T0 + 8 * HOUR + i * 100, src: '198.51.100.19', dst: SERVERS[5], proto: String(p) }))));
  s.push(attack('IPv6 SYN scan (500 ports)', 'vertical-scan', '2001:db8:bad::1',
    portScan({ start: T0 + 9 * HOUR, src: '2001:db8:bad::1', targets: ['2001:db8:1::10'], ports: range(1, 500), everyMs: 30 })));

  // Horizontal sweeps: telnet over our /24, and a slow RDP sweep.
  const net = hosts('203.0.113.', 200, 20).concat(hosts('192.0.2.', 50, 1));
  s.push(attack('fast sweep of 23/tcp over 250 addresses', 'horizontal-scan', '198.51.100.21',
    portScan({ start: T0 + 10 * HOUR, src: '198.51.100.21', targets: net, ports: [23], everyMs: 100 })));
  s.push(attack('slow sweep of 3389/tcp (one address every 4 min)', 'horizontal-scan', '198.51.100.22',
    portScan({ start: T0 + 1 * HOUR, src: '198.51.100.22', targets: net.slice(0, 60), ports: [3389], everyMs: 4 * MIN })));
  s.push(attack('UDP sweep of 161 (SNMP) over 100 addresses', 'horizontal-scan', '198.51.100.23',
    portScan({ start: T0 + 11 * HOUR, src: '198.51.100.23', targets: net.slice(0, 100), ports: [161], everyMs: 200, proto: 'UDP' })));

  // A worm burst among benign file-share clients: twenty inside hosts each using one or two
  // outside SMB servers all day, and one host that starts reaching 400 addresses on 445.
  const fileShare: Packet[] = [];
  const smbServers = hosts('198.51.100.', 4, 200);
  for (let h = 0; h < 20; h++) {
    const mine = [pick(smbServers), pick(smbServers)];
    for (let t = T0 + int(0, 30) * MIN; t < T0 + 20 * HOUR; t += int(5, 40) * MIN)
      fileShare.push({ ts: t, src: `192.168.10.${20 + h}`, dst: pick(mine), proto: 'TCP', dport: 445, flags: 'SYN', len: 52, path: 'forward', prefix: 'ACCEPT' });
  }
  s.push({ name: 'file-share clients (benign)', packets: fileShare, expect: [] });
  const wormTargets = Array.from({ length: 400 }, () => `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`)
    .filter((ip) => !/^(10|127|169\.254|172\.(1[6-9]|2\d|3[01])|192\.168)\./.test(ip));
  s.push(attack('worm burst on 445 (400 outside addresses)', 'worm', '192.168.10.66',
    wormTargets.map((dst, i): Packet => ({ ts: T0 + 12 * HOUR + i * 150, src: '192.168.10.66', dst, proto: 'TCP', dport: 445, flags: 'SYN', len: 52, path: 'forward', prefix: 'ACCEPT' }))));

  // Late packets after a busy web session: a CDN's answers reach our clients' ephemeral ports
  // after the firewall forgot the connections — ACK, ACK PSH, ACK FIN, RST: hundreds of ports.
  const late: Packet[] = [];
  const lateFlags = ['ACK', 'ACK PSH', 'ACK FIN', 'RST', 'ACK RST', 'ACK PSH FIN'];
  for (let i = 0; i < 1500; i++)
    late.push({ ts: T0 + 13 * HOUR + i * 400, src: pick(['192.0.2.80', '192.0.2.81']), dst: pick(SERVERS.slice(0, 2)), proto: 'TCP', sport: 443, dport: int(32768, 60999), flags: pick(lateFlags), len: 52 });
  // DNS and QUIC answers reaching ephemeral ports after the firewall's state expired.
  for (let i = 0; i < 800; i++)
    late.push({ ts: T0 + 14 * HOUR + i * 900, src: pick(['192.0.2.53', '192.0.2.54', '192.0.2.80']), dst: pick(SERVERS.slice(0, 2)), proto: 'UDP', sport: pick([53, 443]), dport: int(32768, 60999) });
  s.push({ name: 'late packets after a busy web session (benign)', packets: late, expect: [] });

  // A trusted monitoring service checking 30 ports on each server every 5 minutes.
  const monitor: Packet[] = [];
  for (let t = T0; t < T0 + 24 * HOUR; t += 5 * MIN)
    for (const dst of SERVERS) for (const p of COMMON_PORTS.slice(0, 30)) monitor.push({ ts: t + int(0, 2000), src: '192.0.2.250', dst, proto: 'TCP', dport: p, len: 60 });
  s.push({ name: 'trusted monitoring service (benign)', packets: monitor, expect: [], trust: ['192.0.2.250/32'] });

  // A NAT'd home with many hosts: one public address, forty devices using our mail and web
  // servers all day (a few ports, a few servers); and the home's own inside hosts browsing out.
  const nat: Packet[] = [];
  for (let i = 0; i < 4000; i++)
    nat.push({ ts: T0 + int(0, 24 * 60) * MIN + int(0, 59_999), src: '198.51.100.99', dst: pick(SERVERS.slice(0, 3)), proto: 'TCP', sport: int(1024, 65535), dport: pick([80, 443, 993, 587, 465]), len: 60, prefix: 'ACCEPT' });
  const home: Packet[] = [];
  for (let i = 0; i < 6000; i++)
    home.push({ ts: T0 + int(0, 24 * 60) * MIN, src: `192.168.20.${int(2, 60)}`, dst: `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, proto: 'TCP', dport: pick([443, 443, 443, 80, 853]), len: 60, path: 'forward', prefix: 'ACCEPT' });
  s.push({ name: "NAT'd home with many hosts (benign)", packets: [...nat, ...home.filter((p) => !/^(10|127|172|192\.168)\./.test(p.dst))], expect: [] });

  // Internet background: 2,000 sources sending one to three probes each to common ports.
  const noise: Packet[] = [];
  for (let i = 0; i < 2000; i++) {
    const src = `${pick([45, 80, 91, 103, 185, 193])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
    const start = T0 + int(0, 24 * 60) * MIN;
    for (let k = 0, n = int(1, 3); k < n; k++) noise.push({ ts: start + k * int(1, 60) * 1000, src, dst: pick(SERVERS), proto: pick(['TCP', 'TCP', 'TCP', 'UDP']), dport: pick(COMMON_PORTS) });
  }
  s.push({ name: 'Internet background (benign)', packets: noise, expect: [] });
  return s;
}

interface KindScore {
  tp: number;
  fp: number;
  fn: number;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const all = scenarios();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-eval-'));
  const log = path.join(dir, 'eval.log');
  const packets = all.flatMap((s) => s.packets);
  fs.writeFileSync(log, logText(packets));
  const db = openDb(path.join(dir, 'eval.db'));
  const preset = process.env.EVAL_PRESET;
  if (preset) applyPreset(db, preset);
  for (const s of all) for (const c of s.trust ?? []) addTrusted(db, c, s.name);
  const session = new IngestSession(db, { tz: 'UTC', slowScans: true });
  const ingestStart = Date.now();
  await session.ingest(await openInput(log));
  session.finish();
  const ingestS = (Date.now() - ingestStart) / 1000;
  const alerts = alertsReport(db, { tz: 'UTC' });
  closeDb(db);
  fs.rmSync(dir, { recursive: true, force: true });

  const expected = all.flatMap((s) => s.expect);
  const kinds: Kind[] = ['vertical-scan', 'horizontal-scan', 'worm'];
  const score = new Map<Kind, KindScore>(kinds.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  const found = new Map<Expected, (typeof alerts)[number]>();
  for (const a of alerts) {
    const e = expected.find((x) => x.kind === a.kind && x.source === a.source);
    const sc = score.get(a.kind as Kind);
    if (!sc) continue;
    if (e && !found.has(e)) {
      found.set(e, a);
      sc.tp++;
    } else if (!e) sc.fp++;
  }
  for (const e of expected) if (!found.has(e)) score.get(e.kind)!.fn++;

  const pct = (n: number, d: number) => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
  const out: string[] = [];
  out.push(`portledger detection evaluation: ${all.length} scenarios, ${packets.length.toLocaleString('en-US')} log lines, ${expected.length} labelled attacks, preset ${preset ?? 'portledger (defaults)'}, slow scans on`);
  out.push('');
  out.push('kind             alerts  true  false  missed  precision  recall');
  for (const k of kinds) {
    const s = score.get(k)!;
    out.push(`${k.padEnd(16)} ${String(s.tp + s.fp).padStart(6)}  ${String(s.tp).padStart(4)}  ${String(s.fp).padStart(5)}  ${String(s.fn).padStart(6)}     ${pct(s.tp, s.tp + s.fp)}  ${pct(s.tp, s.tp + s.fn)}`);
  }
  out.push('');
  out.push('attack                                                   alert            level  scan type                 onset → alert');
  for (const e of expected) {
    const a = found.get(e);
    const delay = a?.raised ? (Date.parse(a.raised) - e.onset) / 1000 : undefined;
    const dt = delay === undefined ? '' : delay < 120 ? `${delay.toFixed(1)} s` : delay < 7200 ? `${(delay / 60).toFixed(1)} min` : `${(delay / 3600).toFixed(1)} h`;
    out.push(`${e.scenario.padEnd(56)} ${(a ? a.kind : 'MISSED').padEnd(16)} ${String(a?.level ?? '').padStart(5)}  ${(a?.scan_type ?? '').slice(0, 24).padEnd(24)}  ${dt}`);
  }
  const fps = alerts.filter((a) => !expected.some((e) => e.kind === a.kind && e.source === a.source));
  if (fps.length > 0) {
    out.push('');
    out.push('false alerts:');
    for (const a of fps) out.push(`  ${a.kind} ${a.source} level ${a.level} (${all.find((s) => s.packets.some((p) => p.src === a.source))?.name ?? 'unlabelled'})`);
  }
  out.push('');
  out.push(`ingest ${ingestS.toFixed(1)} s, whole evaluation ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`eval: ${(e as Error).message}\n`);
  process.exit(1);
});
