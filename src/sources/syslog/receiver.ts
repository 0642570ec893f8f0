import type { DropDetail, DropReason, SyslogSender } from './types';

/** What the UDP and TCP halves report to the server that owns them. */
export interface ReceiverSink {
  allowed(address: string): boolean;
  accept(text: string, sender: SyslogSender): void;
  drop(address: string, reason: DropReason, detail: DropDetail): void;
  log(line: string): void;
}
