/**
 * What a rule (a policy: the vertical scan, the horizontal sweep, the worm burst) gives the
 * windows, and what the windows show it of each event. The windows count; a rule decides when
 * a count is an episode, what its alert says, and when it ends.
 */
import type { LineRef } from '../lines';
import type { ItemWindows } from './item-windows';
import type { PortGroup, TargetGroup } from './records';
import type { Tracked } from './tracked';

export interface Rule {
  /**
   * The fewest distinct items that can open one of its episodes. Keys stay in the light form
   * (where rules are not asked) until they have nearly that many.
   */
  readonly threshold: number;
  /** Before the event is counted: ends the rule's episode on the event's unit if it was quiet for the episode's window. */
  closeIfQuiet(o: Observation): void;
  /** After it is counted: opens an episode, or updates the open one. */
  afterCount(o: Observation): void;
}

/**
 * The event being counted, for a key in the heavy form. One object reused for every event (no
 * allocation per event); valid only during the rule calls.
 */
export class Observation {
  key!: Tracked;
  heavy!: ItemWindows;
  /** The target's and the port's codes (item-codes.ts). */
  targetCode = 0;
  portCode = 0;
  /** The key's record of the target and of the port: undefined when the key's memory cap left no room. */
  target: TargetGroup | undefined = undefined;
  port: PortGroup | undefined = undefined;
  /** The event as fed: destination address, UTC ms, line, packets. */
  dst = '';
  ts = 0;
  raw: LineRef = '';
  packets = 1;
  /** The probe's kind (contract/scan-types.ts bit), 0 when not known. */
  probe = 0;
}
