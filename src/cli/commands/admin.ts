import { closeDb, openDb, openReadOnly, resolveDbPath, type DB } from '../../store/db';
import { addTrusted, listTrusted, removeTrusted } from '../../store/trust-store';
import { loadSettings, setSetting } from '../../store/settings';
import { rebuildRollups } from '../../store/rollups/rebuild';
import { DEFAULT_HOME } from '../../classify/networks';
import { PARSERS } from '../../../parsers';
import { render } from '../../../reports/render';
import { formatInstant } from '../../../reports/time';
import { outputFormat } from '../output';

/** A command that writes: opens (creating and migrating) and leaves the file readable at rest. */
function withDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openDb(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    closeDb(db);
  }
}

/** A command that only reads: works on a database this user cannot write. */
function readDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function trustAdd(target: string, f: { db?: string; note?: string }): string {
  return withDb(f.db, (db) => {
    const r = addTrusted(db, target, f.note);
    return `trusted ${r.cidr}; ${r.events.toLocaleString('en-US')} past events reclassified as trusted\n`;
  });
}

export function trustRemove(target: string, f: { db?: string }): string {
  return withDb(f.db, (db) => {
    const r = removeTrusted(db, target);
    return `removed ${r.cidr}; ${r.events.toLocaleString('en-US')} past events count as scans or late packets again\n`;
  });
}

export function trustList(f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) => {
    const tz = loadSettings(db).tz;
    const rows = listTrusted(db).map((t) => ({ cidr: t.cidr, note: t.note ?? '', added: formatInstant(t.added, tz) }));
    return render(rows, [{ key: 'cidr', title: 'trusted' }, { key: 'note', title: 'note' }, { key: 'added', title: 'added' }], outputFormat(f.format), 'no trusted sources');
  });
}

export function configShow(f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) => {
    const s = loadSettings(db);
    const rows = [
      { key: 'home', value: s.home.join(',') || '(none added)', note: `always home too: ${DEFAULT_HOME.join(', ')}` },
      { key: 'wan-if', value: s.wanIf.join(',') || '(none)', note: 'interfaces facing the Internet' },
      { key: 'tz', value: s.tz, note: 'zone of report days and hours' },
      { key: 'worm-threshold', value: String(s.wormThreshold), note: 'distinct outside hosts on 445 that raise a worm alert' },
      { key: 'worm-window', value: String(s.wormWindowS), note: 'seconds in which they must be reached' },
      { key: 'scan-ports', value: String(s.scanPorts), note: 'distinct ports of one target that make a vertical scan (Zeek, CrowdSec: 15)' },
      { key: 'scan-hosts', value: String(s.scanHosts), note: 'distinct targets on one port that make a horizontal sweep (Zeek: 25)' },
      { key: 'scan-window', value: String(s.scanWindowS), note: 'seconds of the fast scan window (watch and listen also keep 24 h)' },
      { key: 'scan-min-level', value: String(s.scanMinLevel), note: "psad danger level (1-5: 5/15/150/1,500/10,000 packets) an alert needs" },
    ];
    return render(rows, [{ key: 'key', title: 'setting' }, { key: 'value', title: 'value' }, { key: 'note', title: 'meaning' }], outputFormat(f.format));
  });
}

export function configSet(key: string, value: string, f: { db?: string }): string {
  return withDb(f.db, (db) => {
    const before = loadSettings(db).tz;
    setSetting(db, key, value);
    let note = '';
    if (key === 'tz' && value.trim() !== before) {
      const n = rebuildRollups(db);
      note = `; report rollups rebuilt in the new zone from ${n.toLocaleString('en-US')} scan events`;
    } else if (key === 'home' || key === 'wan-if') {
      note = '; applies to events ingested from now on';
    }
    return `${key} = ${value}${note}\n`;
  });
}

export function formatsList(f: { format?: string }): string {
  const rows = PARSERS.map((p) => ({ id: p.id, title: p.title, example: p.example }));
  return render(rows, [{ key: 'id', title: 'format' }, { key: 'title', title: 'what' }, { key: 'example', title: 'example line' }], outputFormat(f.format));
}
