import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { ciscoAsa } from '../parsers/cisco-asa';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseEvent as event, parseLine as run, utc } from './helpers/parse';

describe('cisco-asa', () => {
  test('the example line is an inbound deny', () => {
    expect(event(ciscoAsa.example)).toMatchObject({ action: 'deny', direction: 'inbound', dstPort: 22, rule: 'OUTSIDE_IN' });
  });

  test('Built outbound swaps the ends: the local host opened the connection', () => {
    const e = event('Mar  3 10:20:00 fw01 : %ASA-6-302013: Built outbound TCP connection 1 for outside:198.51.100.40/443 (198.51.100.40/443) to inside:192.0.2.40/50001 (203.0.113.1/50001)');
    expect(e).toMatchObject({ srcIp: '192.0.2.40', srcPort: 50001, dstIp: '198.51.100.40', dstPort: 443, inIf: 'inside', outIf: 'outside', direction: 'outbound' });
  });

  test('Built inbound keeps the order, and user decorations do not get in the way', () => {
    const e = event('Mar  3 10:20:00 fw01 : %ASA-6-302015: Built inbound UDP connection 2 for outside:203.0.113.20/5353 (203.0.113.20/5353)(LOCAL\\jo doe, 5:web) to dmz:192.0.2.50/53 (203.0.113.2/53) (jo doe)');
    expect(e).toMatchObject({ srcIp: '203.0.113.20', dstIp: '192.0.2.50', dstPort: 53, direction: 'inbound', outZone: 'dmz' });
  });

  test('teardowns and NAT xlates are skips, not events', () => {
    expect(run('Mar  3 10:20:05 fw01 : %ASA-6-302014: Teardown TCP connection 1 for outside:198.51.100.40/443 to inside:192.0.2.40/50001 duration 0:00:05 bytes 5120 TCP FINs'))
      .toEqual({ kind: 'skip', reason: 'session-end' });
    expect(run('Mar  3 10:20:05 fw01 : %ASA-6-305011: Built dynamic TCP translation from inside:192.0.2.40/50001 to outside:203.0.113.1/50001'))
      .toEqual({ kind: 'skip', reason: 'nat-mapping' });
  });

  test('a zone abbreviation after the stamp is honoured whatever --tz is', () => {
    const berlin = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    const line = 'Apr 15 2024 09:34:34 EDT: %ASA-session-5-106100: access-list acl_in permitted tcp inside/192.0.2.16(2241) -> outside/198.51.100.89(2000) hit-cnt 1 first hit [0x0, 0x0]';
    expect(event(line, berlin).ts).toBe(Date.UTC(2024, 3, 15, 13, 34, 34));
    // Without an abbreviation the stamp is Berlin time (UTC+2 in April).
    const plain = 'Apr 15 2024 09:34:34: %ASA-4-106023: Deny tcp src outside:203.0.113.7/1 dst inside:192.0.2.10/22 by access-group "A" [0x0, 0x0]';
    expect(event(plain, berlin).ts).toBe(Date.UTC(2024, 3, 15, 7, 34, 34));
  });

  test('the device stamp inside a relay line wins over the relay stamp', () => {
    const e = event('Apr 15 09:40:02 relay1 Apr 15 2024 09:40:00: %ASA-4-106023: Deny tcp src outside:203.0.113.9/40000 dst inside:192.0.2.10/80 by access-group "A" [0x0, 0x0]');
    expect(e.ts).toBe(Date.UTC(2024, 3, 15, 9, 40, 0));
  });

  test('106100: hit-cnt becomes count; ICMP "ports" are type and code', () => {
    const e = event('Mar  3 10:16:06 fw01 : %ASA-6-106100: access-list OUT denied icmp outside/203.0.113.10(8) -> inside/192.0.2.31(0) hit-cnt 7 300-second interval [0x2, 0x0]');
    expect(e).toMatchObject({ transport: 'icmp', icmpType: 8, icmpCode: 0, srcPort: undefined, count: 7, action: 'deny' });
  });

  test('named ports become numbers; unknown names are bad ports', () => {
    expect(event('Mar  3 10:16:01 fw01 : %ASA-3-710003: TCP access denied by ACL from 203.0.113.11/40001 to outside:198.51.100.1/telnet').dstPort).toBe(23);
    expect(run('Mar  3 10:16:01 fw01 : %ASA-3-710003: TCP access denied by ACL from 203.0.113.11/40001 to outside:198.51.100.1/gopherish'))
      .toEqual({ kind: 'reject', reason: 'bad-port' });
  });

  test('TCP flags are put in canonical order', () => {
    const e = event('Mar  3 10:15:54 fw01 : %ASA-6-106015: Deny TCP (no connection) from 192.0.2.15/443 to 198.51.100.29/51000 flags FIN PSH ACK  on interface inside');
    expect(e.tcpFlags).toBe('ACK PSH FIN');
  });

  test('an empty flag list before the interface is a packet with no flags; a line cut at "flags" is truncated', () => {
    const head = 'Mar  3 10:15:54 fw01 : %ASA-6-106015: Deny TCP (no connection) from 203.0.113.15/40000 to 198.51.100.29/22 flags';
    expect(event(`${head}  on interface outside`).tcpFlags).toBe('');
    expect(event(`${head} FIN  on interface outside`).tcpFlags).toBe('FIN');
    expect(run(head)).toEqual({ kind: 'reject', reason: 'truncated' });
  });

  test('placeholders, cut-off lines and bare lines are told apart', () => {
    expect(run('%PIX-3-106010: Deny inbound tcp src outside:X.X.X.X/2620 dst dmz:192.0.2.1/135')).toEqual({ kind: 'reject', reason: 'placeholder-address' });
    expect(run('Mar  4 08:00:18 fw01 : %ASA-4-106023: Deny tcp src outside:203.0.113.16/4444 dst')).toEqual({ kind: 'reject', reason: 'truncated' });
    expect(run('%ASA-3-106010: Deny inbound tcp src outside:203.0.113.1/2620 dst dmz:192.0.2.1/135')).toEqual({ kind: 'reject', reason: 'no-timestamp' });
  });

  test('does not claim IOS ACL lines, and never throws on cut-off fixture lines', () => {
    const clock = utc();
    const dir = path.resolve(__dirname, '../fixtures/cisco-asa');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        for (let cut = 1; cut < line.length; cut += 7) {
          const env = peelEnvelope(line.slice(0, cut), clock);
          if (ciscoAsa.sniff(env)) expect(['event', 'skip', 'reject']).toContain(ciscoAsa.parse(env, clock).kind);
        }
      }
    }
  });
});
