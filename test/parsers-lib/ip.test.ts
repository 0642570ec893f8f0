import ipaddr from 'ipaddr.js';
import { addressReason, readIp, readIPv4 } from '../../parsers/lib/ip';
import { parseLine } from '../helpers/parse';

describe('readIp: one canonical text per address', () => {
  test.each([
    ['192.0.2.1', '192.0.2.1'],
    // Padding devices mean decimal: 010 is ten, not eight (inet_aton would read octal).
    ['192.168.001.010', '192.168.1.10'],
    ['010.000.002.099', '10.0.2.99'],
    ['0.0.0.0', '0.0.0.0'],
    ['fe80:0000:0000:0000:3640:b5ff:feab:f2b8', 'fe80::3640:b5ff:feab:f2b8'],
    ['ff02:0000:0000:0000:0000:0000:0000:0002', 'ff02::2'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['2001:db8:10::a', '2001:db8:10::a'],
    ['2001:DB8::A', '2001:db8::a'],
    // IPv4-mapped IPv6 (dual-stack sockets) is the IPv4 host, however it is written.
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:C000:0201', '192.0.2.1'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '192.0.2.1'],
    ['::ffff:192.000.002.001', '192.0.2.1'],
    // Not mapped: the well-known NAT64 prefix and the deprecated IPv4-compatible form stay IPv6.
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    ['::192.0.2.1', '::c000:201'],
    // A zone id names the interface, which the event carries apart.
    ['fe80::1%eth0', 'fe80::1'],
    ['FE80::1%25', 'fe80::1'],
  ])('%s → %s', (raw, canonical) => {
    expect(readIp(raw)).toBe(canonical);
  });

  test.each(['203.0.113.300', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4 ', '0001.2.3.4', '2001:db8::g', '1:2:3:4:5:6:7:8:9', '1::2::3', '::ffff:1.2.3', 'X.X.X.X', '', ':'])(
    '%j is not an address',
    (raw) => {
      expect(readIp(raw)).toBeUndefined();
    },
  );

  test('IPv6 read by the character loop is what ipaddr.js makes of it (every spelling of zero runs, case, padding, mapped)', () => {
    // A fixed pseudo-random sequence: the same 20 000 addresses on every run.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const viaIpaddr = (s: string): string | undefined => {
      try {
        const a = ipaddr.IPv6.parse(s);
        return a.isIPv4MappedAddress() ? a.toIPv4Address().toString() : a.toRFC5952String();
      } catch {
        return undefined;
      }
    };
    const mismatches: string[] = [];
    for (let t = 0; t < 20_000; t++) {
      const g = Array.from({ length: 8 }, () => {
        const r = rand();
        return r < 0.45 ? 0 : r < 0.55 ? 0xffff : Math.floor(rand() * 65536);
      });
      if (rand() < 0.1) g.splice(0, 6, 0, 0, 0, 0, 0, 0xffff);
      const parts = g.map((x) => {
        let h = x.toString(16);
        if (rand() < 0.3) h = h.padStart(4, '0');
        return rand() < 0.2 ? h.toUpperCase() : h;
      });
      const a = Math.floor(rand() * 9);
      const b = a + Math.floor(rand() * (9 - a));
      // Compressed anywhere (also wrongly: `::` standing for no group), or all eight written out.
      const s = rand() < 0.5 ? `${parts.slice(0, a).join(':')}::${parts.slice(b).join(':')}` : parts.join(':');
      if (readIp(s) !== viaIpaddr(s)) mismatches.push(s);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    for (const s of ['::', '::1', '1::', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4::5:6:7:8', '1:::2', ':1::2', '1::2:', '12345::1', '0:0:0:0:0:ffff:0:0']) {
      expect([s, readIp(s)]).toEqual([s, viaIpaddr(s)]);
    }
  });

  test('a canonical IPv4 address comes back as the same string (the hot path copies nothing)', () => {
    const s = ['203.0.113', '7'].join('.');
    expect(readIPv4(s)).toBe(s);
  });

  test('what is not an address gets the reason that says why', () => {
    expect(['X.X.X.X', 'a.b.c.d', 'xxx.xxx.xxx.xxx', '***', '<IP>', '<public IP of 525>', 'inside_address', 'source_ip', 'CLIENT', 'xx', ''].map(addressReason)).toEqual(
      Array(11).fill('placeholder-address'),
    );
    expect(['webserver', 'OCSP_Server', 'pc048.example.com'].map(addressReason)).toEqual(Array(3).fill('hostname-address'));
    expect(['203.0.113.300', '1.2.3', '2001:db8::g', '10.0.0.1/24'].map(addressReason)).toEqual(Array(4).fill('bad-address'));
  });

  test('parsers store the canonical text (netfilter, Windows, pfSense)', () => {
    const nf = parseLine('Mar  3 10:15:42 gw kernel: DROP IN=eth0 OUT= SRC=::ffff:203.0.113.7 DST=FE80::1%eth0 LEN=60 TTL=51 PROTO=UDP SPT=1 DPT=2 LEN=8');
    expect(nf).toMatchObject({ kind: 'event', event: { srcIp: '203.0.113.7', dstIp: 'fe80::1' } });
    const win = parseLine('2024-03-03 10:15:42 DROP TCP 203.000.113.007 192.000.002.010 51234 3389 52 S 1 0 64240 - - - RECEIVE');
    expect(win).toMatchObject({ kind: 'event', event: { srcIp: '203.0.113.7', dstIp: '192.0.2.10' } });
  });
});
