/**
 * Google Cloud network logs beyond the fixture lines: other JSON logs are not claimed, cut
 * documents never crash the parser, and a denied ingress is an inbound scan in the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gcpVpcFlow } from '../parsers/gcp-vpc-flow';
import { peelEnvelope } from '../parsers/envelope/peel';
import { utc } from './helpers/parse';
import { count, freshDb, ingest } from './helpers/db';

const FIREWALL = fs.readFileSync(path.resolve(__dirname, '../fixtures/gcp-vpc-flow/firewall.log'), 'utf8').split('\n')[0];

describe('gcp-vpc-flow', () => {
  test('does not claim other JSON logs', () => {
    for (const line of [
      '{"ts":1709648521.1,"uid":"C1","id.orig_h":"203.0.113.7","id.orig_p":4000,"id.resp_h":"192.0.2.10","id.resp_p":22,"proto":"tcp","conn_state":"S0"}',
      '{"__REALTIME_TIMESTAMP":"1709648521000000","MESSAGE":"IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.10 PROTO=TCP SPT=1 DPT=2","_HOSTNAME":"gw"}',
      '{"insertId":"x","protoPayload":{"methodName":"v1.compute.firewalls.insert"},"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity"}',
    ]) {
      expect(gcpVpcFlow.sniff(peelEnvelope(line, utc()))).toBe(false);
    }
  });

  test('cut documents are rejects, never a parser failure', () => {
    const c = utc();
    for (let i = 1; i <= FIREWALL.length; i++) {
      const env = peelEnvelope(FIREWALL.slice(0, i), c);
      if (!gcpVpcFlow.sniff(env)) continue;
      const o = gcpVpcFlow.parse(env, c);
      expect(o.kind === 'reject' && o.reason === 'parser-error').toBe(false);
    }
  });

  test('a denied ingress to a VM is an inbound scan; the VM\'s denied egress is outbound', async () => {
    const { db } = freshDb();
    await ingest(db, [path.resolve(__dirname, '../fixtures/gcp-vpc-flow/firewall.log')], { tz: 'UTC' });
    expect(db.prepare("SELECT src, dport, class FROM events_named WHERE action = 'deny' ORDER BY ts").all()).toEqual([
      { src: '203.0.113.100', dport: 22, class: 'scan' },
      { src: '10.128.0.3', dport: 445, class: 'outbound' },
      { src: '2001:db8:ffff::103', dport: 3389, class: 'scan' },
      { src: '203.0.113.104', dport: null, class: 'scan' },
      { src: '203.0.113.105', dport: 1900, class: 'scan' },
    ]);
    expect(count(db, "SELECT count(*) FROM events_named WHERE format = 'gcp-vpc-flow'")).toBe(6);
  });
});
