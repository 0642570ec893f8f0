import { toEcs, type EcsDocument } from '../../parsers/ecs';
import type { Action, Direction, FirewallEvent } from '../../parsers/types';
import type { ComputedBatch } from './batch';
import { decodeStrings, NUMS, STRS, VOCAB_AT, vocabText } from './row-codec';

const num = (v: number) => (Number.isNaN(v) ? undefined : v);

/** The events of a computed batch as ECS documents (the `--json` stream of watch and listen). */
export function batchToEcs(b: ComputedBatch): EcsDocument[] {
  const n = b.rows.nums;
  const s = decodeStrings(b.rows);
  const w = b.rows.vocab;
  const out: EcsDocument[] = [];
  for (let r = 0; r < b.rows.count; r++) {
    const a = r * NUMS;
    const t = r * STRS;
    const v = a + VOCAB_AT;
    const e: FirewallEvent = {
      ts: n[a], format: w[n[v]], action: w[n[v + 1]] as Action, transport: w[n[v + 5]], srcIp: s[t], dstIp: s[t + 1],
      srcPort: num(n[a + 2]), dstPort: num(n[a + 3]), icmpType: num(n[a + 4]), icmpCode: num(n[a + 5]), length: num(n[a + 6]), ttl: num(n[a + 7]),
      count: n[a + 8], tcpFlags: vocabText(b.rows, r, 0), inIf: vocabText(b.rows, r, 1), outIf: vocabText(b.rows, r, 2),
      hostname: vocabText(b.rows, r, 3), rule: vocabText(b.rows, r, 4),
    };
    out.push(toEcs(e, { direction: w[n[v + 2]] as Direction, class: w[n[v + 3]], reason: w[n[v + 4]] }));
  }
  return out;
}
