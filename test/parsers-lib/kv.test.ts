import { splitCsv } from '../../parsers/lib/csv';
import { splitKv } from '../../parsers/lib/kv';

describe('splitKv', () => {
  test('quoted values with spaces, escapes, curly quotes, bare values', () => {
    const kv = splitKv('a=1 b="two words" c="say \\"hi\\"" d=”curly” e=');
    expect(Object.fromEntries(kv)).toEqual({ a: '1', b: 'two words', c: 'say "hi"', d: 'curly', e: '' });
  });

  test('the RFC 5424 escapes are undone; other backslashes stay (Windows paths)', () => {
    const kv = splitKv('msg="C:\\temp\\x.exe" sd="a\\]b\\\\c" n=1');
    expect(Object.fromEntries(kv)).toEqual({ msg: 'C:\\temp\\x.exe', sd: 'a]b\\c', n: '1' });
  });

  test('free words between pairs are passed over; the first occurrence of a key wins', () => {
    const kv = splitKv('relay says id=firewall msg="x"  free text type=3 id=other Category=1 c=2');
    expect(Object.fromEntries(kv)).toEqual({ id: 'firewall', msg: 'x', type: '3', Category: '1', c: '2' });
  });

  test('FortiOS 3/4 `time=10: 13:03` is glued back only when asked; relay tokens before the first key are ignored', () => {
    const line = '2018 Apr 09 16:03:37 relay->192.0.2.1 date=2011-07-24 time=10: 13:03 devname=x';
    const glued = splitKv(line, 0, { glueBareTails: true });
    expect([glued.get('time'), glued.get('date'), glued.get('devname')]).toEqual(['10: 13:03', '2011-07-24', 'x']);
    expect(splitKv(line).get('time')).toBe('10:');
  });

  test('a cut-off quoted value runs to the end', () => {
    expect(splitKv('a=1 b="cut off').get('b')).toBe('cut off');
  });
});

describe('splitCsv', () => {
  test('plain and quoted fields', () => {
    expect(splitCsv('a,b,,d')).toEqual(['a', 'b', '', 'd']);
    expect(splitCsv('a,"b, c","say ""hi""",d')).toEqual(['a', 'b, c', 'say "hi"', 'd']);
    expect(splitCsv('"a",,"",d,')).toEqual(['a', '', '', 'd', '']);
    // Irregular quoting goes to csv-parse (relax_quotes keeps the stray quote).
    expect(splitCsv('a,b"c,d')).toEqual(['a', 'b"c', 'd']);
  });
});
