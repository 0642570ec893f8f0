/**
 * The real Zeek conn.log samples in ../shared/corpus/zeek-conn: every line must end as an event,
 * a skip or a reject for a true reason. Counts taken by reading the files (awk on the TSV
 * columns: 92 tcp rows, conn_state 56 S0, 18 RSTO, 6 RSTR, 6 RSTOS0, 5 REJ, 1 RSTRH; local_orig
 * and local_resp unset).
 */
import { describeCorpus, ev, parseFile } from './helpers/corpus';

const run = (file: string) => parseFile(`zeek-conn/${file}`);

describeCorpus('corpus: zeek-conn', 'zeek-conn', () => {
  test('beats-zeek-conn-json.log: NDJSON, epoch and ISO ts, ICMP', () => {
    const { lines, tally, eventAt: events, results } = run('beats-zeek-conn-json.log');
    expect(lines).toHaveLength(5);
    expect(tally).toEqual({ event: 5 });
    expect(results.every((r) => r.parser?.id === 'zeek-conn')).toBe(true);
    expect(ev(events[0])).toMatchObject({
      ts: 1547188415857, transport: 'udp', srcIp: '192.168.86.167', srcPort: 38339, dstIp: '192.168.86.1', dstPort: 53, direction: 'internal', action: 'unknown',
    });
    expect(ev(events[1]).direction).toBe('outbound');
    expect(ev(events[2]).direction).toBe('external');
    expect(ev(events[3])).toMatchObject({ transport: 'icmp', icmpType: 3, icmpCode: 3, srcPort: undefined });
    expect(ev(events[4])).toMatchObject({ ts: Date.UTC(2021, 5, 9, 20, 55, 13, 160), dstPort: 80, direction: 'outbound', tcpFlags: undefined });
  });

  test('brimdata-zed-conn.log: TSV with header lines', () => {
    const { lines, tally, eventAt: events, state } = run('brimdata-zed-conn.log');
    expect(lines).toHaveLength(100);
    // The rows were read through the header, not the default order.
    expect(state.get('zeek-conn.separator')).toBe('\t');
    expect(state.get('zeek-conn.unset_field')).toBe('-');
    expect(state.get('zeek-conn.empty_field')).toBe('(empty)');
    expect((state.get('zeek-conn.fields') as string[]).slice(0, 3)).toEqual(['ts', 'uid', 'id.orig_h']);
    expect(tally).toEqual({ event: 92, 'skip: log-header': 8 });
    expect(events.filter((e) => e?.action === 'deny')).toHaveLength(5); // the REJ rows
    expect(events.every((e) => e === undefined || (e.transport === 'tcp' && e.direction === undefined))).toBe(true);
    expect(ev(events[8])).toMatchObject({
      ts: 1521911721255, srcIp: '10.164.94.120', srcPort: 39681, dstIp: '10.47.3.155', dstPort: 3389, tcpFlags: 'SYN', count: 10,
    });
    expect(ev(events[9])).toMatchObject({ action: 'deny', dstPort: 23189, tcpFlags: 'SYN', count: 2 });
  });
});
