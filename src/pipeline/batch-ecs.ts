import { toEcs, type EcsDocument } from '../../parsers/ecs';
import type { Action, Direction, FirewallEvent } from '../../parsers/types';
import type { ComputedBatch } from './batch';
import { COL, RowReader } from '../contract/batch/codec';

/** The events of a computed batch as ECS documents (the `--json` stream of watch and listen). */
export function batchToEcs(b: ComputedBatch): EcsDocument[] {
  const rows = new RowReader(b.rows);
  const out: EcsDocument[] = [];
  for (let r = 0; r < rows.count; r++) {
    const e: FirewallEvent = {
      ts: rows.num(r, COL.ts)!, format: rows.word(r, COL.format)!, action: rows.word(r, COL.action) as Action, transport: rows.word(r, COL.transport)!,
      srcIp: rows.src(r), dstIp: rows.dst(r), srcPort: rows.num(r, COL.sport), dstPort: rows.num(r, COL.dport),
      icmpType: rows.num(r, COL.icmp_type), icmpCode: rows.num(r, COL.icmp_code), length: rows.num(r, COL.length), ttl: rows.num(r, COL.ttl),
      count: rows.num(r, COL.count), tcpFlags: rows.word(r, COL.tcp_flags), inIf: rows.word(r, COL.in_if), outIf: rows.word(r, COL.out_if),
      hostname: rows.word(r, COL.host), rule: rows.word(r, COL.rule),
    };
    out.push(toEcs(e, { direction: rows.word(r, COL.direction) as Direction, class: rows.word(r, COL.class)!, reason: rows.word(r, COL.reason)! }));
  }
  return out;
}
