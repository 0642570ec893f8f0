import { zoneDirection, zoneSide } from '../../parsers/lib/zones';

describe('zone names', () => {
  test('generic names name a side; others name none', () => {
    expect(['outside', 'OUTSIDE', 'outside2', 'isp2_outside', 'wan', 'Internet', 'untrust'].map(zoneSide)).toEqual(Array(7).fill('outside'));
    expect(['inside', 'lan', 'trust', 'mgmt', 'identity', 'inside_vlan10', 'junos-host'].map(zoneSide)).toEqual(Array(7).fill('inside'));
    expect(['dmz', 'web-dmz', 'DMZ2'].map(zoneSide)).toEqual(['dmz', 'dmz', 'dmz']);
    expect(['vlan-42', 'guest', 'Mobile_Traffic', 'db', undefined, ''].map(zoneSide)).toEqual(Array(6).fill(undefined));
  });
});

describe('the zone rule', () => {
  test.each([
    ['outside', 'inside', 'inbound'],
    ['outside', 'dmz', 'inbound'],
    ['outside', undefined, 'inbound'],
    ['inside', 'outside', 'outbound'],
    ['dmz', 'outside', 'outbound'],
    [undefined, 'outside', 'outbound'],
    ['inside', 'dmz', 'internal'],
    ['dmz', 'inside', 'internal'],
    ['inside', 'inside', 'internal'],
    // Mostly traffic to the firewall's own outside address: left to the classifier (home networks).
    ['outside', 'outside', undefined],
    ['inside', undefined, undefined],
    [undefined, 'dmz', undefined],
    [undefined, undefined, undefined],
  ] as const)('%s → %s: %s', (a, b, dir) => {
    expect(zoneDirection(a, b)).toBe(dir);
  });
});
