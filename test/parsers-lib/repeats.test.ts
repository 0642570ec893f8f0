import { readRepeat } from '../../parsers/lib/repeats';
import { parseLine } from '../helpers/parse';

describe('readRepeat: rsyslog folded repeats', () => {
  test.each([
    ['message repeated 3 times: [ [UFW BLOCK] IN=eth0 OUT= SRC=…]', 3, '[UFW BLOCK] IN=eth0 OUT= SRC=…'],
    ['message repeated 1 time: [ Deny inbound UDP from a to b]', 1, 'Deny inbound UDP from a to b'],
    // A trailing space after the bracket, and no space after `[`.
    ['message repeated 12 times: [Deny x] ', 12, 'Deny x'],
    // Cut before the closing bracket: the inner text is what is left (the format decides).
    ['message repeated 2 times: [ Deny inbound UDP from', 2, 'Deny inbound UDP from'],
  ])('%s', (line, times, inner) => {
    expect(readRepeat(line)).toEqual({ times, inner });
  });

  test.each(['message repeated many times: [ x]', 'message repeated 0 times: [ x]', 'message repeated 2 times [ x]', 'messages repeated 2 times: [ x]', 'IN=eth0 message repeated 2 times: [ x]'])(
    'not the wrapper: %s',
    (line) => {
      expect(readRepeat(line)).toBeUndefined();
    },
  );

  test('the envelope unwraps it for any format, and the event counts the repeats', () => {
    const e = parseLine(
      'Mar  5 11:00:03 gw kernel: message repeated 3 times: [ [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.72 DST=192.0.2.10 LEN=40 TTL=51 ID=1 PROTO=TCP SPT=40404 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0 ]',
    );
    expect(e).toMatchObject({ kind: 'event', event: { format: 'netfilter', count: 3, dstPort: 23, rule: '[UFW BLOCK]' } });
  });
});
