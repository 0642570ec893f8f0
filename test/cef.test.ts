/**
 * CEF beyond what its fixture lines show: the extension grammar (escapes, values with spaces,
 * an unescaped `=` inside a value), the stamps, cut and damaged lines never crashing the parser,
 * and a PAN-OS session logged at start and end counted once through the pipeline.
 */
import { cef } from '../parsers/cef';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseEvent, parseLine, utc } from './helpers/parse';
import { count, freshDb, ingest } from './helpers/db';

const HEAD = 'Mar  3 10:20:01 edge-fw01 CEF:0|Example Networks|Edge Firewall|2.1|fw-1|Connection|5|';

describe('cef extension', () => {
  test('values with spaces, escapes, and an `=` that does not start a key', () => {
    const e = parseEvent(`${HEAD}cs1Label=Rule Name cs1=Allow web\\=out \\\\ all src=192.0.2.1 spt=1 dst=198.51.100.1 dpt=443 proto=TCP act=accept request=https://www.example.com/?a=b&c=d rt=Mar 03 2024 10:20:01 +02:00`);
    expect(e).toMatchObject({ rule: 'Allow web=out \\ all', srcIp: '192.0.2.1', dstPort: 443, action: 'allow', ts: Date.UTC(2024, 2, 3, 8, 20, 1) });
  });

  test('the first occurrence of a key wins; an empty value is no value', () => {
    expect(parseEvent(`${HEAD}src=192.0.2.1 src=192.0.2.2 dst=198.51.100.1 proto=17 spt=5 dpt=53 act=drop dvchost= rt=1709461201`)).toMatchObject({
      srcIp: '192.0.2.1', transport: 'udp', action: 'deny', hostname: 'edge-fw01', ts: 1709461201000,
    });
  });

  test.each([
    ['1709461201000', Date.UTC(2024, 2, 3, 10, 20, 1)],
    ['2024-03-03T10:20:01.250Z', Date.UTC(2024, 2, 3, 10, 20, 1, 250)],
    ['Mar 03 2024 10:20:01.500 EDT', Date.UTC(2024, 2, 3, 14, 20, 1, 500)],
    ['Mar 03 10:20:01', Date.UTC(2024, 2, 3, 10, 20, 1)],
  ])('rt=%s', (rt, ts) => {
    expect(parseEvent(`${HEAD}src=192.0.2.1 dst=198.51.100.1 proto=6 spt=1 dpt=2 act=deny rt=${rt}`).ts).toBe(ts);
  });

  test('an `rt` that cannot be read is a reject, not an event moved to the syslog time', () => {
    expect(parseLine(`${HEAD}src=192.0.2.1 dst=198.51.100.1 proto=6 spt=1 dpt=2 act=deny rt=13/45/2024`)).toEqual({ kind: 'reject', reason: 'bad-timestamp' });
  });

  test('cut and damaged lines are rejects or skips, never a parser failure', () => {
    const c = utc();
    const lines = [
      `${HEAD}src=192.0.2.1 dst=198.51.100.1 proto=6 spt=1 dpt=2 act=deny rt=1709461201000 cs1Label=Rule cs1=x`,
      'Mar  3 10:17:00 pa-fw CEF:0|Palo Alto Networks|PAN-OS|10.1.0|end|TRAFFIC|1|rt=Mar 03 2024 10:17:00 GMT src=192.0.2.30 dst=198.51.100.30 cn1Label=SessionID cn1=2001 spt=50300 dpt=443 proto=tcp act=allow',
    ];
    for (const line of lines) {
      for (let i = line.indexOf('CEF:') + 1; i <= line.length; i++) {
        for (const l of [line.slice(0, i), line.slice(0, i) + '\\', `${line.slice(0, i)}|=\\|${line.slice(i)}`]) {
          const env = peelEnvelope(l, c);
          if (!cef.sniff(env)) continue;
          const o = cef.parse(env, c);
          expect(o.kind === 'reject' && o.reason === 'parser-error').toBe(false);
        }
      }
    }
  });
});

test('a PAN-OS session in CEF, logged at start and end, is stored once', async () => {
  const line = (sub: string, t: string) =>
    `Mar  3 10:17:0${t} pa-fw CEF:0|Palo Alto Networks|PAN-OS|10.1.0|${sub}|TRAFFIC|1|rt=Mar 03 2024 10:17:0${t} GMT src=192.0.2.31 dst=198.51.100.31 cs4Label=Source Zone cs4=trust cs5Label=Destination Zone cs5=untrust cn1Label=SessionID cn1=2002 spt=50301 dpt=445 proto=tcp act=allow`;
  const { db } = freshDb();
  const r = await ingest(db, [{ stdin: [line('start', '1'), line('end', '9')].join('\n') + '\n' }], { tz: 'UTC', year: 2024 });
  expect(r.tally.events).toBe(1);
  expect(r.tally.skipReasons.get('session-end')).toBe(1);
  expect(count(db, "SELECT count(*) FROM events_named WHERE format = 'cef' AND class = 'outbound'")).toBe(1);
});
