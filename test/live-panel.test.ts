/**
 * The live panel of `watch`/`listen` on a terminal of 80 and 120 columns: no line wider than
 * the terminal (nothing wraps), columns never run together, numbers are never cut, text cells
 * from logs are cut with … and carry no control character.
 */
import { renderPanel, type LiveSnapshot } from '../reports/live';
import { PORT_NOT_LOGGED } from '../src/store/rollups/aggregate';
import { displayWidth } from '../src/util/terminal-width';

const V6 = '2001:db8:ffff:ffff:ffff:ffff:ffff:fffe';
const HOSTILE = `\u001b[2J\u001b]0;owned\u0007gateway-${'x'.repeat(60)}\u001b[31m`;

function snapshot(): LiveSnapshot {
  return {
    perMinute: { scan: 123456.7, late: 12.5, outbound: 3.1, trusted: 0.4, internal: 9876.5, external: 1 },
    topPorts: [
      { port: 65535, proto: 'tcp', events: 9876543, sources: 123456 },
      { port: 23, proto: 'tcp', events: 50000, sources: 4000 },
      { port: PORT_NOT_LOGGED, proto: 'udp', events: 12, sources: 3 },
      { port: 8, proto: 'ipv6-icmp', events: 7, sources: 1 },
    ],
    topSources: [
      { src: V6, events: 4567890, ports: 65535 },
      { src: '198.51.100.255', events: 12, ports: 3 },
      { src: HOSTILE, events: 99, ports: 1 },
    ],
    alerts: [
      { kind: 'horizontal-scan', host: V6, port: 445, level: 5, destinations: 1234567, last: '2026-12-03T23:59:59+01:00' },
      { kind: `worm${HOSTILE}`, host: HOSTILE, port: 65535, level: null, destinations: 40, last: '2026-12-03T23:59:58+01:00' },
    ],
  };
}

const header = [`portledger watch — 9876543210 events, 12 skipped, 3 rejected`, `webhook sent 5 failed 1 dropped 0`, `recount postponed: busy`, `following 1 file(s) — catching up /var/log/${HOSTILE}.log: 12.3 of 200.0 MB (6 %), 41.0 MB/s`];

describe.each([80, 120])('live panel at %i columns', (width) => {
  const lines = renderPanel(snapshot(), header, width);
  const text = lines.join('\n');

  test('every line fits and no control character reaches the terminal', () => {
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain('…'); // the hostile name is cut, not wrapped
  });

  test('numbers are whole and columns stay apart', () => {
    for (const n of ['9876543', '123456', '4567890', '65535', '1234567', '9876543210', '123456.7', '9876.5']) expect(text).toContain(n);
    expect(text).toMatch(/5\/5/);
    // A table row: every cell is separated by at least two spaces from the next.
    const row = lines.find((l) => l.includes('9876543') && l.includes('123456'))!;
    expect(row).toMatch(/65535\s{2,}tcp\s{2,}9876543\s{2,}123456/);
    const alert = lines.find((l) => l.includes('1234567'))!;
    expect(alert).toMatch(/2026-12-03 23:59:59\s{2,}horizontal-scan\s{2,}5\/5\s{2,}\S+\s{2,}445\s{2,}1234567$/);
    // Every header part is there, wrapped rather than cut (the long last one is cut at the width).
    expect(text).toContain('9876543210 events, 12 skipped, 3 rejected');
    expect(text).toContain('recount postponed: busy');
    expect(text).toContain('webhook sent 5 failed 1 dropped 0');
  });

  test('a port the device did not log shows "-"', () => {
    expect(lines.some((l) => /^\s*-\s{2,}udp\s{2,}12\s{2,}3\b/.test(l))).toBe(true);
  });
});

test('at 120 columns the addresses are whole; at 80 ports and sources stack', () => {
  const wide = renderPanel(snapshot(), header, 120);
  expect(wide.join('\n')).toContain(V6);
  // Side by side: one line holds both the busiest port and the busiest source.
  expect(wide.some((l) => l.includes('9876543') && l.includes('4567890'))).toBe(true);
  const narrow = renderPanel(snapshot(), header, 80);
  expect(narrow.some((l) => l.includes('9876543') && l.includes('4567890'))).toBe(false);
  expect(narrow.join('\n')).toContain('4567890');
});

test('an empty panel says none; the default width is 80', () => {
  const lines = renderPanel({ perMinute: {}, topPorts: [], topSources: [], alerts: [] }, 'portledger listen — 0 events');
  expect(lines.join('\n')).toContain('events/min (last 10 min):  none');
  expect(lines.join('\n').match(/\bnone\b/g)).toHaveLength(4); // events, ports, sources, alerts
  const long = renderPanel({ perMinute: {}, topPorts: [], topSources: [], alerts: [] }, 'y'.repeat(300));
  for (const l of long) expect(displayWidth(l)).toBeLessThanOrEqual(80);
});
