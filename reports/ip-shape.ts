/** The shape of an address's history in one role (reports/ip-history.ts reads it, reports/address-days.ts sums it from days). */
export interface ClassCount { class: string; events: number }
/** `port` is null for TCP / UDP without a logged destination port. */
export interface PortCount { port: number | null; proto: string; events: number; packets: number; first: string; last: string }
export interface DayCount { date: string; events: number }
export interface PeerCount { address: string; events: number }

/** The address in one role: as the source of events, or as their destination. */
export interface RoleHistory {
  events: number;
  packets: number;
  first: string | null;
  last: string | null;
  peers: number;
  ports: number;
  classes: ClassCount[];
  topPorts: PortCount[];
  days: DayCount[];
  topPeers: PeerCount[];
}
