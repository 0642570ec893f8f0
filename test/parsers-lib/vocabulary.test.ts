import { actionFromPrefix } from '../../parsers/lib/actions';
import { icmpFields, unreachCode } from '../../parsers/lib/icmp';
import { ciscoMac, colonMac } from '../../parsers/lib/mac';
import { portOf, toInt, toUint } from '../../parsers/lib/numbers';
import { PROTO_NUMBERS, protoKeyword } from '../../parsers/lib/protocols';
import { flagMaskOfLetters, flagMaskOfWords, flagsFromLetters, flagWords, SNORT_LETTERS } from '../../parsers/lib/tcp-flags';

describe('protocol table', () => {
  test('numbers become IANA keywords, lower case', () => {
    expect(PROTO_NUMBERS[58]).toBe('ipv6-icmp');
    for (const v of Object.values(PROTO_NUMBERS)) expect(v).toBe(v.toLowerCase());
  });

  test.each([
    ['6', 'tcp'], ['006', 'tcp'], ['253', '253'], ['TCP', 'tcp'], ['tcp', 'tcp'], ['Tcp', 'tcp'], ['ICMPv6', 'ipv6-icmp'],
    ['ICMPV6', 'ipv6-icmp'], ['icmp6', 'ipv6-icmp'], ['IPV6-ICMP', 'ipv6-icmp'], ['OSPF', 'ospfigp'], ['ipencap', 'ipv4'],
    ['nos', 'ipip'], ['UDPLITE', 'udplite'], ['vrrp', 'vrrp'],
  ])('%s → %s', (v, k) => {
    expect(protoKeyword(v)).toBe(k);
  });

  test.each(['', '256', '1000', 'FOO', '6a', 'toString'])('%j is no protocol', (v) => {
    expect(protoKeyword(v)).toBeUndefined();
  });
});

describe('TCP flags', () => {
  test.each([
    ['S', 'SYN'], ['SA', 'ACK SYN'], ['FPA', 'ACK PSH FIN'], ['RA', 'ACK RST'], ['SEC', 'CWR ECE SYN'], ['SEW', 'CWR ECE SYN'],
    ['S.', 'ACK SYN'], ['UAPRSF', 'URG ACK PSH RST SYN FIN'],
  ])('tcpdump letters %s → %s', (letters, words) => {
    expect(flagsFromLetters(letters)).toBe(words);
  });

  test('empty or unknown letters give no flags', () => {
    expect(flagsFromLetters('')).toBeUndefined();
    expect(flagsFromLetters('SX')).toBeUndefined();
  });

  test('Snort / DShield letters: 1 and 2 are CWR and ECE', () => {
    expect(flagWords(flagMaskOfLetters('12S', SNORT_LETTERS))).toBe('CWR ECE SYN');
    expect(flagMaskOfLetters('S.', SNORT_LETTERS)).toBe(-1);
  });

  test('words in any separator and case; unknown words fail or are passed over', () => {
    expect(flagWords(flagMaskOfWords('FIN-ACK'))).toBe('ACK FIN');
    expect(flagWords(flagMaskOfWords('(syn|ack)'))).toBe('ACK SYN');
    expect(flagWords(flagMaskOfWords('SYN,ECN,PUSH'))).toBe('ECE PSH SYN');
    expect(flagMaskOfWords('SYN MORE')).toBe(-1);
    expect(flagWords(flagMaskOfWords(' SYN ACK on interface', 'ignore'))).toBe('ACK SYN');
    expect(flagWords(18)).toBe('ACK SYN');
    expect(flagWords(0)).toBe('');
  });
});

describe('ICMP', () => {
  test('type and code fields', () => {
    expect(icmpFields('8', '0')).toEqual({ icmpType: 8, icmpCode: 0 });
    expect(icmpFields('3', undefined)).toEqual({ icmpType: 3 });
    expect(icmpFields(undefined, '1')).toEqual({});
    expect(icmpFields('256', '0')).toBe('bad');
  });

  test('unreachable text → code', () => {
    expect(unreachCode('net 192.0.2.0 unreachable')).toBe(0);
    expect(unreachCode('host 192.0.2.1 unreachable - admin prohibited')).toBe(10);
    expect(unreachCode('192.0.2.1 tcp port 80 unreachable')).toBe(3);
    expect(unreachCode('something else')).toBeUndefined();
  });
});

describe('numbers and MACs', () => {
  test('numbers', () => {
    expect([toUint('80'), toUint(''), toUint('-1'), toUint('12345678901'), toUint(undefined)]).toEqual([80, -1, -1, -1, -1]);
    expect([toInt('65535'), toInt('65536'), toInt('255', 255), toInt('x')]).toEqual([65535, undefined, 255, undefined]);
    expect([portOf('22'), portOf('-'), portOf(''), portOf('70000'), portOf('x')]).toEqual([22, undefined, undefined, -1, -1]);
  });

  test('MACs in RFC 7042 form', () => {
    expect(colonMac('00:00:5e:00:53:0a')).toBe('00-00-5E-00-53-0A');
    expect([colonMac('00:00:5e:00:53'), colonMac('xx:xx:xx:xx:xx:xx'), colonMac(undefined)]).toEqual([undefined, undefined, undefined]);
    expect(ciscoMac('0011.2233.4455')).toBe('00-11-22-33-44-55');
    expect(ciscoMac('0011.2233')).toBeUndefined();
  });
});

describe('verdict of a log prefix', () => {
  test.each([
    ['[UFW BLOCK]', 'deny'], ['[UFW ALLOW]', 'allow'], ['DROP(src wan)', 'deny'], ['[WAN_LOCAL-D-2147483647]', 'deny'],
    ['[LAN_IN-10-A]', 'allow'], ['[nftables] input reject', 'deny'], ['LOGDROP', 'deny'], ['ACCEPT6-OUT', 'allow'],
    ['ssh-accepted:', 'allow'], ['Refused', 'deny'], ['PASS', 'allow'], ['FIREWALL_OUT', 'unknown'], ['IN-work', 'unknown'],
    ['DROP-then-ACCEPT', 'unknown'], ['', 'unknown'],
  ])('%j → %s', (prefix, action) => {
    expect(actionFromPrefix(prefix)).toBe(action);
  });
});
