/**
 * LEEF beyond its fixture lines: the delimiter rules of 1.0 and 2.0, escaped delimiters, and cut
 * lines never crashing the parser.
 */
import { leef } from '../parsers/leef';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseEvent, parseLine, utc } from './helpers/parse';

const ATTRS = ['src=203.0.113.7', 'dst=192.0.2.10', 'srcPort=51234', 'dstPort=22', 'proto=TCP', 'action=deny', 'devTime=1709460942000'];
const HEAD = 'Mar  3 10:15:42 fw01 ';

describe('LEEF delimiters', () => {
  test.each([
    ['1.0, tab', 'LEEF:1.0|V|P|1|E|', '\t'],
    ['1.0, | as PAN-OS writes it', 'LEEF:1.0|V|P|1|E|', '|'],
    ['2.0, ^', 'LEEF:2.0|V|P|1|E|^|', '^'],
    ['2.0, x5E', 'LEEF:2.0|V|P|1|E|x5E|', '^'],
    ['2.0, 0x09', 'LEEF:2.0|V|P|1|E|0x09|', '\t'],
    ['2.0, empty field: tab', 'LEEF:2.0|V|P|1|E||', '\t'],
    ['2.0 without a delimiter field: tab', 'LEEF:2.0|V|P|1|E|', '\t'],
  ])('%s', (_name, head, delim) => {
    expect(parseEvent(HEAD + head + ATTRS.join(delim))).toMatchObject({ srcIp: '203.0.113.7', dstIp: '192.0.2.10', dstPort: 22, transport: 'tcp', action: 'deny', ts: 1709460942000 });
  });

  test('an escaped delimiter stays in the value; a value is split at its first `=`', () => {
    expect(parseEvent(`${HEAD}LEEF:2.0|V|P|1|E|^|${ATTRS.join('^')}^rule=a\\^b=c`).rule).toBe('a^b=c');
  });

  test('a vendor record without a verdict is not firewall traffic', () => {
    expect(parseLine(`${HEAD}LEEF:1.0|Example Corp|Portal|1|UserLogin|usrName=alice\tsrc=192.0.2.80`)).toEqual({ kind: 'skip', reason: 'not-firewall', detail: 'Example Corp' });
  });

  test('cut lines are rejects or skips, never a parser failure', () => {
    const c = utc();
    const line = `${HEAD}LEEF:2.0|Check Point|VPN-1 & FireWall-1|1.0|Drop|^|${ATTRS.join('^')}^rule=Stealth rule`;
    for (let i = line.indexOf('LEEF:') + 1; i <= line.length; i++) {
      for (const l of [line.slice(0, i), line.slice(0, i) + '\\', `${line.slice(0, i)}|^=${line.slice(i)}`]) {
        const env = peelEnvelope(l, c);
        if (!leef.sniff(env)) continue;
        const o = leef.parse(env, c);
        expect(o.kind === 'reject' && o.reason === 'parser-error').toBe(false);
      }
    }
  });
});
