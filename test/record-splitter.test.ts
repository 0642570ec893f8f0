/**
 * RecordSplitter reads a line that is only `{` as the start of a pretty-printed JSON document
 * (Filebeat, `journalctl -o json-pretty`). A stray `{` in a plain log swallowed up to 1 MB of the
 * lines after it into one record: 4,754 of 5,000 netfilter lines vanished uncounted. A document
 * now has to read as JSON line after line; at the first line that does not, the `{` is a record
 * of its own and the lines after it are read as usual.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RecordSplitter, type RawRecord } from '../src/sources/records';
import { count, freshDb, inboundLine, ingest } from './helpers/db';

/** Splits `text` fed in chunks of `size` bytes, as a file is read. */
function split(text: string, size = 1 << 20): RawRecord[] {
  const s = new RecordSplitter();
  const buf = Buffer.from(text);
  const out: RawRecord[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...s.push(buf.subarray(i, i + size)).records);
  out.push(...s.end().records);
  return out;
}

const stamp = (i: number) => `Jun 14 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
const netfilter = (i: number) => inboundLine(stamp(i), `203.0.113.${(i % 250) + 1}`, 23);

// A Filebeat event as `jq .` prints it, and a journald record as `journalctl -o json-pretty` does.
const FILEBEAT = `{
  "@timestamp": "2024-06-14T10:30:00.000Z",
  "host": {
    "hostname": "gw",
    "ip": [
      "192.0.2.1",
      "2001:db8::1"
    ]
  },
  "log": { "offset": 1234, "file": { "path": "/var/log/kern.log" } },
  "tags": [],
  "input": {"type": "log"},
  "ecs": {
    "version": "8.0.0"
  },
  "event": {
    "original": null,
    "sequence": 42,
    "ingested": false
  },
  "message": "DROP IN=eth0 OUT= MAC=00:00:5e:00:53:c0:00:00:5e:00:53:c1:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0 "
}`;
const JOURNALD = `{
\t"__CURSOR" : "s=0123456789abcdef;i=1",
\t"__REALTIME_TIMESTAMP" : "1718361000000000",
\t"_HOSTNAME" : "gw",
\t"SYSLOG_IDENTIFIER" : "kernel",
\t"PRIORITY" : "4",
\t"MESSAGE" : "DROP IN=eth0 OUT= MAC=00:00:5e:00:53:c0:00:00:5e:00:53:c1:08:00 SRC=198.51.100.8 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 "
}`;

describe('a lone { in a plain log', () => {
  test('is one record, and every line after it is read: 5,000 netfilter lines, 5,000 events', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => netfilter(i));
    lines.splice(10, 0, '{');
    const { db, dir } = freshDb();
    const file = path.join(dir, 'kern.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const { tally } = await ingest(db, [file], { year: 2024 });
    expect(tally.lines).toBe(5001);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(5000);
    expect(tally.events + tally.skips + tally.rejects).toBe(5001);
    db.close();
  });

  test('also when the chunks of the read cut between the { and what follows', () => {
    const text = ['a line', '{', netfilter(1), '  {', '[UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.9 DST=192.0.2.1 PROTO=TCP SPT=1 DPT=2', '{', 'x}', ''].join('\n');
    for (const size of [1, 3, 7, 4096]) {
      const recs = split(text, size);
      expect(recs.map((r) => r.text)).toEqual(text.split('\n').slice(0, -1));
      expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });

  test('a { at the very end of the input is a record too', () => {
    expect(split([netfilter(1), '{'].join('\n')).map((r) => r.text)).toEqual([netfilter(1), '{']);
  });
});

describe('pretty-printed JSON documents still assemble', () => {
  test('Filebeat and journald documents between plain lines: one record each, at their first line', () => {
    const text = [netfilter(1), FILEBEAT, netfilter(2), JOURNALD, netfilter(3), ''].join('\n');
    for (const size of [5, 64 * 1024]) {
      const recs = split(text, size);
      expect(recs.map((r) => r.text)).toEqual([netfilter(1), FILEBEAT, netfilter(2), JOURNALD, netfilter(3)]);
      expect(recs.map((r) => r.line)).toEqual([1, 2, 24, 25, 33]);
    }
  });

  test('and are stored as the events they carry', async () => {
    const { db, dir } = freshDb();
    const file = path.join(dir, 'beats.json');
    fs.writeFileSync(file, [FILEBEAT, JOURNALD, ''].join('\n'));
    const { tally } = await ingest(db, [file]);
    expect(tally.events).toBe(2);
    const rows = db.prepare('SELECT ts, src, dport, line FROM events ORDER BY line').all();
    expect(rows).toEqual([
      { ts: Date.UTC(2024, 5, 14, 10, 30), src: '198.51.100.7', dport: 445, line: 1 },
      { ts: 1718361000000, src: '198.51.100.8', dport: 3389, line: 23 },
    ]);
    db.close();
  });
});
