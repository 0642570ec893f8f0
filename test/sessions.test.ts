/**
 * Issue 11, "count a session once without losing it": SRX, PAN-OS and FortiGate log a connection
 * at its start, its end, or both. Through the whole pipeline (ingest into SQLite, the worker path,
 * a restart, the live path, `parse`), a log of starts only stores every session once, a log of
 * starts and ends stores each once, and the worm detector sees outbound sessions from their
 * start records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LivePipeline } from '../src/pipeline/live';
import { COMMIT_RECORDS } from '../src/pipeline/compute-loop';
import { SessionTracker } from '../src/pipeline/sessions';
import { summaryLines } from '../src/cli/summary';
import { alertsReport } from '../reports/queries';
import { parseEvent } from './helpers/parse';
import { count, freshDb, ingest, tempDir } from './helpers/db';

const T0 = Date.UTC(2024, 5, 14, 10, 0, 0);
const pad = (n: number) => String(n).padStart(2, '0');
/** Stamp parts of session i's start (i seconds after T0) plus `later` seconds. */
function at(i: number, later = 0): { iso: string; date: string; time: string; pan: string } {
  const d = new Date(T0 + (i + later) * 1000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return { iso: `${date}T${time}Z`, date, time, pan: `${date.replaceAll('-', '/')} ${time}` };
}
/** Session i: the inside host 192.0.2.50 to an outside host on TCP 445. */
const dst = (i: number) => `198.51.100.${(i % 250) + 1}`;
const sport = (i: number) => 20000 + i;

type Phase = 'start' | 'end';
interface Format {
  id: string;
  line(i: number, phase: Phase, later?: number, action?: string): string;
}

const FORMATS: Format[] = [
  {
    id: 'juniper-srx',
    line: (i, phase, later = 0) =>
      `<14>1 ${at(i, later).iso} srx-edge RT_FLOW - RT_FLOW_SESSION_${phase === 'start' ? 'CREATE' : 'CLOSE'} [junos@2636.1.1.1.2.129 ${phase === 'end' ? 'reason="TCP FIN" ' : ''}` +
      `source-address="192.0.2.50" source-port="${sport(i)}" destination-address="${dst(i)}" destination-port="445" service-name="junos-smb" ` +
      `protocol-id="6" policy-name="trust-to-untrust" source-zone-name="trust" destination-zone-name="untrust" session-id-32="${9000 + i}" packet-incoming-interface="ge-0/0/1.0"]`,
  },
  {
    id: 'paloalto',
    line: (i, phase, later = 0, action = 'allow') => {
      const t = at(i, later).pan;
      return `Jun 14 ${t.slice(11)} pa-fw 1,${t},012801000001,TRAFFIC,${phase},2561,${t},192.0.2.50,${dst(i)},0.0.0.0,0.0.0.0,allow-out,,,ms-ds-smb,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,${t},${9000 + i},1,${sport(i)},445,0,0,0x400019,tcp,${action},120,60,60,2,${t},0,any,0,70000${9000 + i},0x0,192.0.2.0-192.0.2.255,United States,0,1,1,tcp-fin,0,0,0,0,,pa-fw,from-policy,,,0,,0,,N/A,0,0,0,0`;
    },
  },
  {
    id: 'fortigate',
    line: (i, phase, later = 0) => {
      const { date, time } = at(i, later);
      return `date=${date} time=${time} devname="fgt-edge" logid="0000000013" type="traffic" subtype="forward" srcip=192.0.2.50 srcport=${sport(i)} srcintf="internal" srcintfrole="lan" ` +
        `dstip=${dst(i)} dstport=445 dstintf="wan1" dstintfrole="wan" sessionid=${9000 + i} proto=6 action="${phase === 'start' ? 'start' : 'close'}" policyid=1 tz="+0000"`;
    },
  },
];

function writeLog(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const skips = (db: ReturnType<typeof freshDb>['db'], reason: string) => count(db, 'SELECT coalesce(sum(count), 0) FROM skip_counts WHERE reason = ?', reason);

describe.each(FORMATS.map((f) => [f.id, f] as const))('%s sessions', (id, fmt) => {
  test('the parser reports each record with its phase and session id', () => {
    expect(parseEvent(fmt.line(1, 'start'))).toMatchObject({ format: id, sessionPhase: 'start', sessionId: '9001', dstPort: 445, action: 'allow' });
    expect(parseEvent(fmt.line(1, 'end', 5))).toMatchObject({ format: id, sessionPhase: 'end', sessionId: '9001', dstPort: 445 });
  });

  test('a log of session starts only stores every session once, and the worm detector sees them', async () => {
    const { db, dir } = freshDb();
    const r = await ingest(db, [writeLog(dir, 'starts.log', range(40).map((i) => fmt.line(i, 'start')))], { tz: 'UTC', year: 2024 });
    expect(r.tally.events).toBe(40);
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'outbound' AND dport = 445")).toBe(40);
    // 40 outside hosts on 445 within 40 s from one inside host: worm-like.
    expect(alertsReport(db).filter((a) => a.kind === 'worm').map((a) => a.host)).toEqual(['192.0.2.50']);
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(40); // their ends may still come
  });

  test('a log of starts and ends stores each session once, the start being the event', async () => {
    const { db, dir } = freshDb();
    // Overlapping sessions: every start, then the ends 30 s later, interleaved in time order.
    const lines = range(30).flatMap((i) => [{ ts: i, text: fmt.line(i, 'start') }, { ts: i + 30.5, text: fmt.line(i, 'end', 30) }]);
    lines.sort((a, b) => a.ts - b.ts);
    const r = await ingest(db, [writeLog(dir, 'both.log', lines.map((l) => l.text))], { tz: 'UTC', year: 2024 });
    expect(r.tally.events).toBe(30);
    expect(skips(db, 'session-end')).toBe(30);
    expect(count(db, 'SELECT count(DISTINCT sport) FROM events')).toBe(30);
    expect(count(db, 'SELECT max(ts) FROM events')).toBe(T0 + 29_000); // the starts
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(0); // every session closed
  });

  test('a log of ends only stores each session once', async () => {
    const { db, dir } = freshDb();
    const r = await ingest(db, [writeLog(dir, 'ends.log', range(20).map((i) => fmt.line(i, 'end', 30)))], { tz: 'UTC', year: 2024 });
    expect(r.tally.events).toBe(20);
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(0);
  });

  test('records split between batches, in the parse worker: each session once', async () => {
    const { db, dir } = freshDb();
    // All starts, then all ends: the ends of the first sessions fall in the first batch of
    // COMMIT_RECORDS records, the others in the second, far from their starts.
    const n = Math.ceil(COMMIT_RECORDS * 0.75);
    const lines = [...range(n).map((i) => fmt.line(i, 'start')), ...range(n).map((i) => fmt.line(i, 'end', n))];
    const r = await ingest(db, [writeLog(dir, 'split.log', lines)], { tz: 'UTC', year: 2024, workerMinBytes: 0 });
    expect(r.tally.lines).toBe(2 * n);
    expect(r.tally.events).toBe(n);
    expect(skips(db, 'session-end')).toBe(n);
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(0);
  });

  test('an ingest restarted between the starts and the ends counts each session once', async () => {
    const { db, dir } = freshDb();
    const file = writeLog(dir, 'grows.log', range(25).map((i) => fmt.line(i, 'start')));
    expect((await ingest(db, [file], { tz: 'UTC', year: 2024 })).tally.events).toBe(25);
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(25);
    fs.appendFileSync(file, range(25).map((i) => fmt.line(i, 'end', 60)).join('\n') + '\n');
    const again = await ingest(db, [file], { tz: 'UTC', year: 2024 });
    expect(again.statuses).toEqual(['continued']);
    expect(again.tally.events).toBe(0);
    expect(again.tally.skipReasons.get('session-end')).toBe(25);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(25);
    expect(count(db, 'SELECT count(*) FROM session_keys')).toBe(0);
  });
});

describe('sessions in the live pipeline (watch, listen)', () => {
  test('a restart between start and end records counts each session once', () => {
    const { db } = freshDb();
    const fmt = FORMATS[0];
    let line = 0;
    const feed = (live: LivePipeline, lines: string[]) => {
      const src = live.namedSource('syslog udp 192.0.2.1');
      live.process(src, { records: lines.map((text) => ({ text, line: ++line })), endOffset: 0, lines: line });
    };
    const first = new LivePipeline(db, { tz: 'UTC', year: 2024 });
    feed(first, range(10).map((i) => fmt.line(i, 'start')));
    first.close();
    const second = new LivePipeline(db, { tz: 'UTC', year: 2024 });
    feed(second, range(10).map((i) => fmt.line(i, 'end', 20)));
    second.close();
    expect(count(db, 'SELECT count(*) FROM events')).toBe(10);
    expect(skips(db, 'session-end')).toBe(10);
  });
});

describe('what a later record of a session changes', () => {
  test('an end record saying deny (PAN-OS reset) turns the stored allow into a deny', async () => {
    const { db, dir } = freshDb();
    const pan = FORMATS[1];
    const file = writeLog(dir, 'reset.log', [pan.line(1, 'start'), pan.line(2, 'start'), pan.line(1, 'start', 5), pan.line(1, 'end', 9, 'reset-both'), pan.line(2, 'end', 9)]);
    const r = await ingest(db, [file], { tz: 'UTC', year: 2024 });
    expect(r.tally.events).toBe(2);
    // PAN-OS may repeat a start record while the session lasts: an update, not a new session.
    expect(Object.fromEntries(r.tally.skipReasons)).toEqual({ 'session-update': 1, 'session-end': 2 });
    expect(db.prepare('SELECT sport, action FROM events_named ORDER BY sport').all()).toEqual([
      { sport: sport(1), action: 'deny' },
      { sport: sport(2), action: 'allow' },
    ]);
  });

  test('`parse` folds sessions the same way', async () => {
    const { parseInput } = await import('../src/pipeline/parse-only');
    const { openInput } = await import('../src/sources/inputs');
    const { Tally } = await import('../src/pipeline/tally');
    const { CidrSet } = await import('../src/classify/networks');
    const srx = FORMATS[0];
    const file = writeLog(tempDir(), 'p.log', [srx.line(1, 'start'), srx.line(1, 'end', 3), srx.line(2, 'end', 3)]);
    const t = new Tally();
    const kinds: string[] = [];
    for await (const r of parseInput(await openInput(file), { home: new CidrSet([]), wanIf: new Set(), trusted: new CidrSet([]) }, { tz: 'UTC' }, t)) {
      kinds.push(r.kind === 'event' ? `event ${r.event.sessionPhase}` : `${r.kind} ${r.reason}`);
    }
    expect(kinds).toEqual(['event start', 'skip session-end', 'event end']);
  });
});

describe('the session memory is bounded, and what it forgets is counted', () => {
  const srx = FORMATS[0];
  const ev = (i: number, phase: Phase, later = 0) => parseEvent(srx.line(i, phase, later));

  test('past the size bound the oldest session is forgotten: its end counts again', () => {
    const t = new SessionTracker([], 86_400_000, 3);
    for (const i of range(4)) expect(t.see(ev(i, 'start'), i + 1)).toBeUndefined();
    expect(t.size).toBe(3);
    expect(t.see(ev(0, 'end', 10), 9)).toBeUndefined(); // forgotten: a new event
    expect(t.see(ev(3, 'end', 10), 10)).toEqual({ kind: 'skip', reason: 'session-end' });
    expect(t.take()).toMatchObject({ evicted: 1, expired: 0 });
  });

  test('a session with no end a lifetime after its start is forgotten', () => {
    const t = new SessionTracker([], 60_000);
    t.see(ev(0, 'start'), 1);
    t.see(ev(1, 'start'), 2);
    t.see(ev(120, 'start'), 3); // two minutes later: both older sessions expire
    expect(t.size).toBe(1);
    expect(t.take()).toMatchObject({ expired: 2, evicted: 0 });
  });

  test('the ingest summary says how many sessions were forgotten', () => {
    const t = { lines: 10, events: 10, skips: 0, rejects: 0, duplicateLines: 0, sessionsExpired: 7, sessionsEvicted: 2, skipReasons: new Map(), rejectReasons: new Map(), formats: new Map() };
    expect(summaryLines(t as never, 1, 0).at(-1)).toBe('  sessions forgotten  7 after a day without their end record, 2 over the limit of open sessions (a later record of one counts as a new event)');
  });
});
