/**
 * Real netfilter samples from the shared corpus (../shared/corpus, see its MANIFEST.md). The
 * corpus is not part of the repository (its licences forbid redistribution), so this suite
 * skips when the folder is absent.
 */
import * as fs from 'fs';
import { parseRecord } from '../parsers/index';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';
import { corpusDir, countBy as tally, describeCorpus, events as eventsOf, newClock, outcomeKey, parseFile } from './helpers/corpus';

const FOLDERS = ['iptables', 'ufw', 'dd-wrt-asus-tomato-ubnt', 'nftables', 'journald-wrapped'];
const HAVE_CORPUS = fs.existsSync(corpusDir('MANIFEST.md'));

function outcomes(rel: string): ParseOutcome[] {
  return parseFile(rel, { keepCr: true }).outcomes;
}

function events(rel: string): FirewallEvent[] {
  return eventsOf(outcomes(rel));
}

/** `event`, `skip: reason` or `reject: reason` per line, for compact expectations. */
function kinds(rel: string): string[] {
  return outcomes(rel).map((o) => outcomeKey(o));
}

describeCorpus('netfilter on the shared corpus', '', () => {
  describe('every line becomes an event, a skip or a reject', () => {
    const files = HAVE_CORPUS
      ? FOLDERS.flatMap((f) =>
          fs.existsSync(corpusDir(f)) ? fs.readdirSync(corpusDir(f)).map((n) => `${f}/${n}`) : [],
        )
      : [];
    // `test.each` refuses an empty table, and describe bodies run even when skipped.
    const lineFiles = files.filter((f) => !f.startsWith('journald-wrapped/'));
    test.each(lineFiles.length ? lineFiles : ['(no files)'])('%s', (rel) => {
      for (const o of outcomes(rel)) {
        expect(['event', 'skip', 'reject']).toContain(o.kind);
        if (o.kind === 'event') {
          const e = o.event;
          expect(Number.isFinite(e.ts)).toBe(true);
          expect(e.srcIp).toMatch(/^[0-9a-f.:]+$/);
          expect(e.dstIp).toMatch(/^[0-9a-f.:]+$/);
          for (const p of [e.srcPort, e.dstPort]) if (p !== undefined) expect(p).toBeLessThanOrEqual(65535);
        } else {
          expect(o.reason).not.toBe('');
        }
      }
    });
  });

  test('iptables/beats-iptables.log: 10 DROP_INPUT SYN drops, 2 Ubiquiti-style accepts', () => {
    const ev = events('iptables/beats-iptables.log');
    expect(ev).toHaveLength(12);
    for (const e of ev.slice(0, 10)) {
      expect(e).toMatchObject({ action: 'deny', rule: 'iptables DROP_INPUT:', transport: 'tcp', tcpFlags: 'SYN', inIf: 'eth0' });
      expect(e.dstIp).toBe('172.16.54.114');
      expect(e.outIf).toBeUndefined();
    }
    expect(new Set(ev.slice(0, 10).map((e) => e.dstPort))).toEqual(new Set([445, 1433, 139, 80, 8088]));
    // The overlong MAC (IP header bytes after the ethertype) still yields both addresses.
    expect([ev[9].dstMac, ev[9].srcMac]).toEqual(['90-10-35-5A-1E-3A', '90-10-76-E0-E2-D5']);
    expect(ev[10]).toMatchObject({ action: 'allow', rule: '[SOMETHING-1234-A]', transport: 'udp', mark: '0', length: 32 });
    expect(ev[11]).toMatchObject({ action: 'allow', transport: 'icmp', icmpType: 8, icmpCode: 0 });
  });

  test('iptables/crowdsec-iptables-logs.log: odd interface kept, the XX= line rejected', () => {
    expect(kinds('iptables/crowdsec-iptables-logs.log')).toEqual(['event', 'event', 'reject: truncated', 'event']);
    const ev = events('iptables/crowdsec-iptables-logs.log');
    expect(ev[1].inIf).toBe('enp.1s0');
    expect(ev[2]).toMatchObject({ rule: 'IPTABLES-DROP:', action: 'deny', transport: 'udp', dstPort: 53, inIf: 'lo' });
  });

  test('iptables/crowdsec-proxmox-pvefw.log: pve-firewall log', () => {
    const ev = events('iptables/crowdsec-proxmox-pvefw.log');
    expect(ev).toHaveLength(10);
    expect(ev.map((e) => e.action)).toEqual(['deny', 'allow', 'deny', 'deny', 'allow', 'deny', 'deny', 'deny', 'unknown', 'deny']);
    expect(ev.map((e) => e.rule)).toEqual([
      'policy DROP:', 'ACCEPT:', 'REJECT:', 'REJECT:', 'ACCEPT:', 'PVEFW-reject:', 'REJECT:', 'REJECT:', undefined, 'DROP:',
    ]);
    expect(ev[0].ts).toBe(Date.UTC(2022, 5, 20, 11, 9, 14)); // 13:09:14 +0200
    expect(ev[3]).toMatchObject({ inIf: 'fwbr101i0', outIf: 'fwbr101i0', physIn: 'fwln101i0', physOut: 'tap101i0' });
    expect([ev[5].srcIp, ev[5].dstIp]).toEqual(['2a0a:1580::a', '2a0a:1580::17']);
    expect([ev[7].inIf, ev[7].outIf]).toEqual([undefined, 'vmbr0.94']);
  });

  test('iptables/crowdsec-unifi-udm.log: DESCR kept in the rule, duplicated hostname, sshd skipped', () => {
    const k = kinds('iptables/crowdsec-unifi-udm.log');
    expect(k.slice(0, 3)).toEqual(['event', 'event', 'event']);
    expect(k[3]).toMatch(/^skip: /);
    const ev = events('iptables/crowdsec-unifi-udm.log');
    expect(ev.map((e) => e.action)).toEqual(['deny', 'deny', 'allow']);
    expect(ev[0].rule).toBe('[WAN_LOCAL-D-2147483647] [WAN_LOCAL]Block All Traffic');
    expect(ev[1]).toMatchObject({ hostname: 'UDMP-DTC', rule: ev[0].rule, mark: '1a0000' });
  });

  test('iptables/firehol-netdata-issue2047-extract.log: prefix in the tag, short MAC', () => {
    const ev = events('iptables/firehol-netdata-issue2047-extract.log');
    expect(ev).toHaveLength(2);
    for (const e of ev) {
      expect(e).toMatchObject({ rule: 'IN-work:', action: 'unknown', inIf: 'realize', dstIp: '255.255.255.255', dstPort: 137, mark: '0' });
      expect([e.srcMac, e.dstMac]).toEqual([undefined, undefined]);
    }
  });

  test('iptables/wazuh-iptables-ini-extract.log: prefix variety', () => {
    const ev = events('iptables/wazuh-iptables-ini-extract.log');
    expect(ev).toHaveLength(9);
    expect(ev.map((e) => e.action)).toEqual(['unknown', 'unknown', 'deny', 'unknown', 'deny', 'deny', 'deny', 'deny', 'unknown']);
    expect(ev[0]).toMatchObject({ rule: 'FIREWALL_OUT', tcpFlags: 'ACK RST', outIf: 'eth0' }); // URGn=0 ignored
    expect(ev[2]).toMatchObject({ rule: 'SFW2-INext-DROP-DEFLT', transport: 'icmp', icmpType: 8, icmpCode: 0 });
    expect(ev[4].tcpFlags).toBe('ACK PSH FIN');
    expect(ev[5]).toMatchObject({ rule: 'DROP(src wan)', inZone: 'wan', mark: '0xff00' });
    expect(ev[7]).toMatchObject({ rule: '[UFW BLOCK]', tcpFlags: 'CWR ECE SYN' });
    expect(ev[8]).toMatchObject({ rule: '[UFW AUDIT]', outIf: 'ppp0' });
  });

  test('ufw/rafmio-vps-ufw.log: 3978 inbound [UFW BLOCK] denies', () => {
    const all = outcomes('ufw/rafmio-vps-ufw.log');
    expect(all).toHaveLength(3978);
    const ev = all.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
    expect(ev).toHaveLength(3978);
    for (const e of ev) {
      if (e.action !== 'deny' || e.rule !== '[UFW BLOCK]' || e.inIf !== 'eth0' || e.outIf !== undefined || e.hostname !== 'localhost') {
        throw new Error(`unexpected event ${JSON.stringify(e)}`);
      }
    }
    expect(tally(ev.map((e) => e.transport))).toEqual({ tcp: 3917, udp: 61 });
    // Scanners: plain SYNs, and ECN-setup SYNs.
    expect(tally(ev.filter((e) => e.transport === 'tcp').map((e) => e.tcpFlags ?? '-'))).toEqual({ SYN: 3892, 'CWR ECE SYN': 25 });
  });

  test('ufw/crowdsec-iptables-scan-multi-port.log: plain scan, AUDIT and BLOCK on lo', () => {
    const ev = events('ufw/crowdsec-iptables-scan-multi-port.log');
    expect(ev).toHaveLength(49);
    expect(tally(ev.map((e) => `${e.action} ${e.rule ?? '-'}`))).toEqual({
      'unknown -': 17,
      'unknown [UFW AUDIT]': 16,
      'deny [UFW BLOCK]': 16,
    });
  });

  test('ufw/github-issues-ufw-extract.log: IGMP, placeholders, bare message', () => {
    expect(kinds('ufw/github-issues-ufw-extract.log')).toEqual([
      'event',
      'event',
      'reject: placeholder-address',
      'reject: placeholder-address',
      'reject: placeholder-address',
      'reject: placeholder-address',
      'reject: no-timestamp',
    ]);
    expect(events('ufw/github-issues-ufw-extract.log')[1]).toMatchObject({ transport: 'igmp', srcPort: undefined, ttl: 1 });
  });

  test('dd-wrt-asus-tomato-ubnt: ASUS placeholders rejected', () => {
    expect(tally(kinds('dd-wrt-asus-tomato-ubnt/asus-skynet-issue51-extract.log'))).toEqual({ 'reject: placeholder-address': 4 });
    expect(tally(kinds('dd-wrt-asus-tomato-ubnt/asuswrt-merlin-issue1328-extract.log'))).toEqual({ 'reject: placeholder-address': 5 });
  });

  test('dd-wrt-asus-tomato-ubnt/integrations-iptables-ubiquiti.log: glued EdgeOS prefixes, truncated lines rejected', () => {
    const k = kinds('dd-wrt-asus-tomato-ubnt/integrations-iptables-ubiquiti.log');
    expect(k.slice(0, 5)).toEqual(Array(5).fill('event'));
    expect(k.slice(5)).toEqual(Array(6).fill('reject: no-addresses'));
    const ev = events('dd-wrt-asus-tomato-ubnt/integrations-iptables-ubiquiti.log');
    expect(ev.map((e) => e.action)).toEqual(['allow', 'allow', 'deny', 'allow', 'allow']);
    expect(ev.map((e) => e.rule)).toEqual([
      '[LAN_LOCAL-default-A]', '[WAN_OUT-2000-A]', '[source-dest-default-D]', '[WAN_OUT-2000-A]', '[WAN_OUT-2000-A]',
    ]);
    expect(ev[0]).toMatchObject({ inIf: 'eth0.90', srcMac: '90-10-73-BA-D6-77', dstMac: '90-10-92-6E-EA-A7' });
  });

  test('nftables/firewalld-nft-issue1436-extract.log: IPv6 rpfilter drops, dmesg -T, bare kernel line', () => {
    expect(kinds('nftables/firewalld-nft-issue1436-extract.log')).toEqual([...Array(5).fill('event'), 'reject: no-timestamp']);
    const ev = events('nftables/firewalld-nft-issue1436-extract.log');
    expect(ev[0]).toMatchObject({
      rule: 'rpfilter_DROP:', action: 'deny', transport: 'ipv6-icmp', icmpType: 133,
      srcIp: 'fe80::3640:b5ff:feab:f2b8', dstIp: 'ff02::2', ttl: 255,
    });
    expect([ev[1].dstIp, ev[1].dstPort]).toEqual(['ff02::fb', 5353]);
    expect(ev[4]).toMatchObject({ rule: '[nftables] input reject', action: 'deny', ts: Date.UTC(2021, 2, 11, 20, 5, 8) });
  });

  test('nftables/openwrt-fw4-nft-monitor-trace-extract.log: trace output, no timestamps', () => {
    // `nft monitor trace` prints no time: the packet lines cannot be placed and are rejected.
    expect(kinds('nftables/openwrt-fw4-nft-monitor-trace-extract.log')).toEqual([
      'reject: no-timestamp',
      'skip: trace-verdict',
      'skip: trace-verdict',
      'skip: trace-verdict',
      'skip: trace-verdict',
      'reject: no-timestamp',
      'skip: trace-verdict',
    ]);
  });

  describe('journald-wrapped/integrations-iptables-journald-event.log', () => {
    const rel = 'journald-wrapped/integrations-iptables-journald-event.log';
    const expected = {
      ts: Date.parse('2022-01-12T12:43:58.224Z'),
      action: 'deny',
      rule: 'iptables DROP_INPUT:',
      srcIp: '10.10.10.18',
      srcPort: 443,
      dstIp: '10.10.10.34',
      dstPort: 40702,
      tcpFlags: 'RST',
      hostname: 'f780e7ca37a7',
    };

    test('the whole pretty-printed document as one record is never a bogus event or a reject', () => {
      // The file is Elastic's pipeline-test wrapper {"events": [ … ]}; the envelope looks for
      // `message` at the top level. Until it unwraps `events`, the record is a skip.
      const o = parseRecord(fs.readFileSync(corpusDir(rel), 'utf8'), newClock()).outcome;
      if (o.kind === 'event') expect(o.event).toMatchObject(expected);
      else expect(o.kind).toBe('skip');
    });

    test('the Filebeat event inside it is the iptables drop', () => {
      const doc = JSON.parse(fs.readFileSync(corpusDir(rel), 'utf8')) as { events: unknown[] };
      expect(doc.events).toHaveLength(1);
      const o = parseRecord(JSON.stringify(doc.events[0]), newClock()).outcome;
      expect(o.kind).toBe('event');
      if (o.kind === 'event') expect(o.event).toMatchObject({ ...expected, format: 'netfilter', inIf: 'eth0' });
    });
  });
}, 'MANIFEST.md');
