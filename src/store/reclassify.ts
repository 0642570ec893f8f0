/**
 * Re-deciding stored events after a setting that decides direction changed (home networks, WAN
 * interfaces): the classifier runs again on the events of the addresses and interfaces the
 * change covers, and the days of every event that changed are recounted — the retroactive
 * mechanism of trust (trust-store.ts): one transaction, the days marked dirty, then settled.
 *
 * The device's own statement of direction (pf in/out, Windows RECEIVE, zones) is not stored
 * apart from the direction decided, so it is read back from what was stored: the first
 * explanation of the stored direction under the settings before the change — the addresses
 * (and WAN interfaces) alone, else the device saying inbound, else the device saying what was
 * stored — is kept as the evidence, and the new settings decide from it.
 */
import type { DB } from './db';
import type { Direction, FirewallEvent } from '../../parsers/types';
import { classify, direction, type ClassifierSettings } from '../classify/classifier';
import { CidrSet, DEFAULT_HOME } from '../classify/networks';
import { Codes } from './codes';
import { loadSettings } from './settings';
import { loadTrusted } from './trust-store';
import { markDaysDirty, settleRollups } from './rollups/settle';

/** The classifier's settings as stored: home networks (with the defaults), WAN interfaces, trusted sources. */
export function storedClassifierSettings(db: DB): ClassifierSettings {
  const s = loadSettings(db);
  return { home: new CidrSet([...DEFAULT_HOME, ...s.home]), wanIf: new Set(s.wanIf), trusted: new CidrSet(loadTrusted(db)) };
}

export interface ReclassifyScope {
  /** Networks added to or removed from home: events from or to them. */
  cidrs: string[];
  /** Interfaces added to or removed from the WAN list: events in or out through them. */
  interfaces: string[];
}

export interface ReclassifyResult {
  /** Events of the scope looked at. */
  examined: number;
  /** Events whose direction, class or reason changed. */
  changed: number;
}

interface Row {
  id: number; ts: number; format: number; action: number; direction: number; class: number; reason: number; transport: number;
  src: string; dst: string; sport: number | null; dport: number | null; tcp_flags: number | null; icmp_type: number | null; in_if: number | null; out_if: number | null;
}

const EVIDENCE: (Direction | undefined)[] = [undefined, 'inbound', 'outbound', 'internal', 'external'];

/** The device's statement that, under `before`, gives the stored direction (undefined: the addresses did). */
function statedDirection(e: FirewallEvent, stored: string, before: ClassifierSettings): Direction | undefined {
  for (const stated of EVIDENCE) if (direction({ ...e, direction: stated }, before) === stored) return stated;
  return stored as Direction;
}

/**
 * Makes a settings change (`change`, which says what it covers) and re-runs direction and class
 * on the stored events it covers, from the settings `before` to those now stored, in one
 * transaction — a failure leaves both as they were — then recounts their days.
 */
export function reclassifyStored(db: DB, before: ClassifierSettings, change: () => ReclassifyScope): ReclassifyResult {
  const result = db.transaction((): ReclassifyResult => reclassifyEvents(db, before, change()))();
  settleRollups(db);
  return result;
}

/** The work of reclassifyStored, inside the caller's transaction; the days it touched are marked for recount. */
function reclassifyEvents(db: DB, before: ClassifierSettings, scope: ReclassifyScope): ReclassifyResult {
  const after = storedClassifierSettings(db);
  const codes = new Codes(db);
  const nets = new CidrSet(scope.cidrs);
  {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS reclassify_ip (ip TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.reclassify_ip;');
    const addIp = db.prepare('INSERT OR IGNORE INTO temp.reclassify_ip (ip) VALUES (?)');
    if (scope.cidrs.length > 0) {
      const ips = db.prepare('SELECT DISTINCT src FROM events UNION SELECT DISTINCT dst FROM events').pluck().all() as string[];
      for (const ip of ips) if (nets.has(ip)) addIp.run(ip);
    }
    const ifs = JSON.stringify([...codes.existing('in_if', scope.interfaces), ...codes.existing('out_if', scope.interfaces)]);
    // Page by id: a home network that covers the router's own address takes in most events.
    const page = db.prepare(
      `SELECT id, ts, format, action, direction, class, reason, transport, src, dst, sport, dport, tcp_flags, icmp_type, in_if, out_if FROM events
       WHERE id > ? AND (src IN (SELECT ip FROM temp.reclassify_ip) OR dst IN (SELECT ip FROM temp.reclassify_ip)
          OR in_if IN (SELECT value FROM json_each(?)) OR out_if IN (SELECT value FROM json_each(?)))
       ORDER BY id LIMIT 5000`,
    );
    const update = db.prepare('UPDATE events SET direction = ?, class = ?, reason = ? WHERE id = ?');
    const name = (field: Parameters<Codes['name']>[0], code: number | null) => (code === null ? undefined : codes.name(field, code));
    // One instant per UTC hour is enough to mark the local day it falls in.
    const hours = new Set<number>();
    const instants: number[] = [];
    let examined = 0;
    let changed = 0;
    for (let last = 0, rows = page.all(last, ifs, ifs) as Row[]; rows.length > 0; last = rows[rows.length - 1].id, rows = page.all(last, ifs, ifs) as Row[]) {
      examined += rows.length;
      for (const r of rows) {
        const e: FirewallEvent = {
          ts: r.ts, format: codes.name('format', r.format), action: codes.name('action', r.action) as FirewallEvent['action'], transport: codes.name('transport', r.transport),
          srcIp: r.src, dstIp: r.dst, srcPort: r.sport ?? undefined, dstPort: r.dport ?? undefined, tcpFlags: name('tcp_flags', r.tcp_flags),
          icmpType: r.icmp_type ?? undefined, inIf: name('in_if', r.in_if), outIf: name('out_if', r.out_if),
        };
        e.direction = statedDirection(e, codes.name('direction', r.direction), before);
        const c = classify(e, after);
        const next = [codes.code('direction', c.direction), codes.code('class', c.class), codes.code('reason', c.reason)];
        if (next[0] === r.direction && next[1] === r.class && next[2] === r.reason) continue;
        update.run(next[0], next[1], next[2], r.id);
        const hour = Math.floor(r.ts / 3_600_000);
        if (!hours.has(hour)) {
          hours.add(hour);
          instants.push(r.ts);
        }
        changed++;
      }
    }
    markDaysDirty(db, instants);
    return { examined, changed };
  }
}
