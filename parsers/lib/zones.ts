/**
 * The one zone rule: which side of the firewall a zone (or interface role, or nameif) is on, and
 * what direction a pair of sides is evidence of. Formats with their own zone vocabulary
 * (SonicWall, ZyXEL, Check Point, FortiGate roles) map their names to a side themselves and
 * share the rule.
 */
import type { Direction } from '../types';

/** Which side of the firewall a zone is on. `dmz` is inside for direction, but kept apart. */
export type ZoneSide = 'outside' | 'inside' | 'dmz';

const OUTSIDE_PREFIXES = ['outside', 'untrust', 'wan', 'internet', 'inet', 'external', 'public', 'isp'];
const INSIDE_PREFIXES = ['inside', 'trust', 'lan', 'internal', 'private', 'mgmt', 'management', 'identity', 'junos-host'];

/**
 * The side a zone or interface name clearly names, else undefined. Matching is by prefix, case
 * ignored (`OUTSIDE`, `wan1`, `untrustZone`, `Internet`, `inside_vlan10`, `trust`, `LAN`);
 * `outside`/`untrust`/`inside`/`dmz` also count anywhere in the name (`mpls-untrust`,
 * `isp2_outside`, `web-dmz`). `identity` (ASA) and `junos-host` (SRX) are the firewall itself,
 * so traffic to them from the outside is inbound. Anything else (`vlan-42`, `Clients`, `port1`,
 * `campus`) names nothing and gives no evidence.
 */
export function zoneSide(name: string | undefined): ZoneSide | undefined {
  if (!name) return undefined;
  const l = name.toLowerCase();
  if (l.includes('untrust') || l.includes('outside')) return 'outside';
  if (l.includes('dmz')) return 'dmz';
  if (l.includes('inside')) return 'inside';
  for (const p of OUTSIDE_PREFIXES) if (l.startsWith(p)) return 'outside';
  for (const p of INSIDE_PREFIXES) if (l.startsWith(p)) return 'inside';
  return undefined;
}

/**
 * Direction from the sides of the ingress and egress zones:
 *   - outside → inside / dmz, or to an egress that names no side = inbound;
 *   - inside / dmz, or an ingress that names no side → outside = outbound;
 *   - inside / dmz ↔ inside / dmz = internal;
 *   - outside → outside gives no evidence, nor does a pair where neither end names a side.
 * Outside → outside is mostly traffic to the firewall's own outside address (an ASA logs
 * `src outside:… dst outside:<its address>`, SonicWall WAN → WAN to its `fw=` address), which is
 * an inbound probe of the firewall itself; calling it `external` would drop it from the scan
 * counts. The classifier decides it from the home networks instead, and formats whose record
 * names the firewall itself as the destination (SonicWall `fw=`, ZyXEL `WAN/ZyWALL`) say inbound.
 */
export function zoneDirection(inSide: ZoneSide | undefined, outSide: ZoneSide | undefined): Direction | undefined {
  if (inSide === 'outside') return outSide === 'outside' ? undefined : 'inbound';
  if (outSide === 'outside') return 'outbound';
  if (inSide !== undefined && outSide !== undefined) return 'internal';
  return undefined;
}
