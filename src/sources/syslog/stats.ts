import type { DropReason } from './types';

export interface SenderStats {
  received: number;
  accepted: number;
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
}

export interface SyslogServerStats extends SenderStats {
  /** Per sender address. After MAX_TRACKED_SENDERS distinct senders the rest share `OTHER_SENDERS`. */
  bySender: Record<string, SenderStats>;
  udp?: { datagrams: number; bytes: number; recvBufferSize: number };
  tcp?: { bytes: number; open: number; accepted: number; refused: number; idleClosed: number };
}

export const MAX_TRACKED_SENDERS = 10_000;
export const OTHER_SENDERS = '(other senders)';

export function newSenderStats(): SenderStats {
  return { received: 0, accepted: 0, dropped: 0, droppedByReason: {} };
}
