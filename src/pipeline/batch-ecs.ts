import { ecsDocument, type EcsDocument } from '../../parsers/ecs';
import type { Action, Direction, FirewallEvent } from '../../parsers/types';
import type { ComputedBatch } from './batch';
import { COL, RowReader } from '../contract/batch/codec';
import { RawLineTable } from '../contract/batch/raw-lines';

/**
 * The events of a computed batch as ECS documents (the `--json` stream of watch and listen).
 * `original`: event.original from the batch's raw lines (the computer kept every row's line).
 */
export function batchToEcs(b: ComputedBatch, opts: { original?: boolean } = {}): EcsDocument[] {
  const rows = new RowReader(b.rows);
  const originals = new Map<number, string>();
  if (opts.original) {
    const lines = new RawLineTable(b.raws);
    for (let i = 0; i < b.raws.rows.length; i++) originals.set(b.raws.rows[i], lines.text(i));
  }
  const out: EcsDocument[] = [];
  for (let r = 0; r < rows.count; r++) {
    const e: FirewallEvent = {
      ts: rows.num(r, COL.ts)!, format: rows.word(r, COL.format)!, action: rows.word(r, COL.action) as Action, transport: rows.word(r, COL.transport)!,
      srcIp: rows.src(r), dstIp: rows.dst(r), srcPort: rows.num(r, COL.sport), dstPort: rows.num(r, COL.dport),
      icmpType: rows.num(r, COL.icmp_type), icmpCode: rows.num(r, COL.icmp_code), length: rows.num(r, COL.length), ttl: rows.num(r, COL.ttl),
      count: rows.num(r, COL.count), tcpFlags: rows.word(r, COL.tcp_flags), inIf: rows.word(r, COL.in_if), outIf: rows.word(r, COL.out_if),
      hostname: rows.word(r, COL.host), rule: rows.word(r, COL.rule),
    };
    const c = { direction: rows.word(r, COL.direction) as Direction, class: rows.word(r, COL.class)!, reason: rows.word(r, COL.reason)! };
    out.push(ecsDocument(e, c, { original: originals.get(r) }));
  }
  return out;
}
