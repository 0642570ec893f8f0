import * as fs from 'fs';
import * as path from 'path';
import { peelEnvelope } from '../parsers/envelope/peel';
import { juniperSrx } from '../parsers/juniper-srx';
import { parseEvent as event, parseLine as run, utc } from './helpers/parse';

describe('juniper-srx', () => {
  test('the example line is an inbound deny', () => {
    expect(event(juniperSrx.example)).toMatchObject({ action: 'deny', direction: 'inbound', dstPort: 22, rule: 'default-deny', inIf: 'ge-0/0/0.0' });
  });

  test('curly quotes and trailing spaces in structured values', () => {
    const e = event('<14>1 2024-03-03T10:15:48.000Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.129 reason="TCP RST" source-address="192.0.2.21" source-port="50502" destination-address="192.0.2.130" destination-port="3306" protocol-id="6" policy-name="app-to-db " source-zone-name="Trust " destination-zone-name="dmz " packet-incoming-interface="reth1.10 " destination-interface-name=”reth2.20”]');
    expect(e).toMatchObject({ rule: 'app-to-db', inZone: 'Trust', outZone: 'dmz', inIf: 'reth1.10', outIf: 'reth2.20', direction: 'internal' });
  });

  test('double-wrapped: the inner RFC 5424 stamp (with offset) and host win', () => {
    const e = event('Sep 23 13:54:56 192.0.2.254 junos-flow: 2024-09-23T15:54:55.100+02:00 srx-branch RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.39 reason="TCP FIN" source-address="192.0.2.31" source-port="50700" destination-address="198.51.100.31" destination-port="80" protocol-id="6" policy-name="web-out" source-zone-name="trust" destination-zone-name="untrust"]');
    expect(e).toMatchObject({ ts: Date.UTC(2024, 8, 23, 13, 54, 55, 100), hostname: 'srx-branch', action: 'allow', direction: 'outbound' });
  });

  test('classic CLOSE finds its fields with NAT rule types and connection tags in between', () => {
    const e = event('Mar  3 10:20:06 srx-edge RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP RST: 192.0.2.21/50601->198.51.100.21/443 0x0 junos-https 203.0.113.1/30601->198.51.100.21/443 0x0 source rule nat-out N/A N/A 6 web-out trust untrust 6002 10(1200) 8(4800) 3 SSL UNKNOWN N/A(N/A) ge-0/0/1.0 No');
    expect(e).toMatchObject({ srcIp: '192.0.2.21', dstPort: 443, transport: 'tcp', rule: 'web-out', inZone: 'trust', outZone: 'untrust', inIf: 'ge-0/0/1.0' });
  });

  test('classic DENY reads `proto(icmp-type)`', () => {
    const e = event('Mar  3 10:20:07 srx-edge RT_FLOW: RT_FLOW_SESSION_DENY: session denied 203.0.113.8/0->192.0.2.11/2048 icmp 1(8) deny-all untrust dmz UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny');
    expect(e).toMatchObject({ transport: 'icmp', icmpType: 8, srcPort: undefined, action: 'deny', direction: 'inbound' });
  });

  test('CREATE and CLOSE carry their phase and session id; APPTRACK is a skip; other Junos messages are system messages', () => {
    const sd = 'source-address="192.0.2.20" source-port="50500" destination-address="198.51.100.20" destination-port="443" protocol-id="6" policy-name="out" source-zone-name="trust" destination-zone-name="untrust" session-id-32="9001"';
    expect(run(`<14>1 2024-03-03T10:15:43Z srx RT_FLOW - RT_FLOW_SESSION_CREATE_LS [junos@2636.1.1.1.2.129 ${sd}]`)).toMatchObject({ kind: 'event', event: { action: 'allow', sessionPhase: 'start', sessionId: '9001' } });
    expect(run(`<14>1 2024-03-03T10:15:49Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.129 reason="TCP FIN" ${sd}]`)).toMatchObject({ kind: 'event', event: { action: 'allow', sessionPhase: 'end', sessionId: '9001' } });
    expect(run('<14>1 2024-03-03T10:15:43Z srx RT_FLOW - RT_FLOW_SESSION_CREATE_LS [junos@2636.1.1.1.2.129 source-address="192.0.2.20"]')).toEqual({ kind: 'reject', reason: 'no-addresses' });
    expect(run('<14>1 2024-03-03T10:15:43Z srx RT_FLOW - APPTRACK_SESSION_VOL_UPDATE [junos@2636.1.1.1.2.129 source-address="192.0.2.20"]')).toEqual({ kind: 'skip', reason: 'session-update' });
    expect(run('<13>1 2024-03-04T08:00:00Z srx mgd 1 UI_COMMIT [junos@2636.1.1.1.2.129 username="admin"]')).toEqual({ kind: 'skip', reason: 'system-message' });
  });

  test('parse never throws on cut-off fixture lines', () => {
    const clock = utc();
    const dir = path.resolve(__dirname, '../fixtures/juniper-srx');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        for (let cut = 1; cut < line.length; cut += 9) {
          const env = peelEnvelope(line.slice(0, cut), clock);
          if (juniperSrx.sniff(env)) expect(['event', 'skip', 'reject']).toContain(juniperSrx.parse(env, clock).kind);
        }
      }
    }
  });
});
