import type { TopEntry } from './top-counter';
import type { TcpCounters } from './tcp-receiver';
import type { UdpCounters } from './udp-receiver';
import type { DropReason } from './types';

export interface SenderStats {
  received: number;
  accepted: number;
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
}

export interface SyslogServerStats extends SenderStats {
  /**
   * Per allowed sender address. After MAX_TRACKED_SENDERS distinct senders the rest share
   * `OTHER_SENDERS`. Senders outside the allowlist are not here: see `refused`.
   */
  bySender: Record<string, SenderStats>;
  /**
   * Senders outside the allowlist, in fixed memory: how many units were refused, and the
   * heaviest senders (Space-Saving: `count` is an upper bound, `count - error` a lower one).
   */
  refused: { total: number; top: TopEntry[] };
  udp?: UdpCounters;
  tcp?: TcpCounters & { open: number };
}

export const MAX_TRACKED_SENDERS = 10_000;
export const OTHER_SENDERS = '(other senders)';

export function newSenderStats(): SenderStats {
  return { received: 0, accepted: 0, dropped: 0, droppedByReason: {} };
}
