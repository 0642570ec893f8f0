/**
 * `config preset psad|zeek|crowdsec` sets the scan thresholds as those tools ship them, `config
 * show` names the preset in effect (`custom` once a threshold changed after it), and the
 * detectors of the next run use them.
 */
import { closeDb } from '../src/store/db';
import { allSettings, changeSetting } from '../src/config/settings';
import { activePreset, applyPreset } from '../src/config/presets';
import { configGet, configPreset, configShow } from '../src/cli/commands/config';
import { alertsReport } from '../reports/alerts';
import { freshDb, ingest } from './helpers/db';
import { hosts, logText, portScan } from '../bench/scan-lines';

const thresholds = (db: Parameters<typeof allSettings>[0]) => {
  const s = allSettings(db);
  return { ports: s.scanPorts, hosts: s.scanHosts, windowS: s.scanWindowS, minLevel: s.scanMinLevel };
};

describe('config preset', () => {
  test('each preset sets the thresholds its tool ships', () => {
    const { db } = freshDb();
    expect(activePreset(db)).toBe('portledger');
    applyPreset(db, 'psad');
    expect(thresholds(db)).toEqual({ ports: 2, hosts: 10, windowS: 3600, minLevel: 1 });
    expect(activePreset(db)).toBe('psad');
    applyPreset(db, 'zeek');
    expect(thresholds(db)).toEqual({ ports: 15, hosts: 25, windowS: 300, minLevel: 1 });
    expect(activePreset(db)).toBe('zeek');
    applyPreset(db, 'CrowdSec');
    expect(thresholds(db)).toEqual({ ports: 16, hosts: 25, windowS: 75, minLevel: 1 });
    expect(activePreset(db)).toBe('crowdsec');
    applyPreset(db, 'portledger');
    expect(thresholds(db)).toEqual({ ports: 15, hosts: 25, windowS: 300, minLevel: 2 });
    expect(activePreset(db)).toBe('portledger');
    expect(() => applyPreset(db, 'snort')).toThrow(/unknown preset "snort"; presets: psad, zeek, crowdsec, portledger/);
  });

  test('a threshold changed after a preset makes it custom; setting it back restores the name', () => {
    const { db } = freshDb();
    applyPreset(db, 'psad');
    changeSetting(db, 'scan-hosts', '12');
    expect(activePreset(db)).toBe('custom (from psad)');
    changeSetting(db, 'scan-hosts', '10');
    expect(activePreset(db)).toBe('psad');
    applyPreset(db, 'portledger');
    changeSetting(db, 'scan-ports', '20');
    expect(activePreset(db)).toBe('custom');
    // Not a setting: `config set preset` is refused, `config preset` is the way.
    expect(() => changeSetting(db, 'preset', 'psad')).toThrow(/unknown setting "preset"/);
  });

  test('config show and config get name the preset in effect', () => {
    const { db, file } = freshDb();
    closeDb(db);
    expect(configPreset('zeek', { db: file })).toMatch(/^preset zeek: scan-ports = 15, scan-hosts = 25, scan-window = 300, scan-min-level = 1/);
    expect(configShow({ db: file, format: 'csv' }).split('\n')[1]).toMatch(/^preset,zeek,portledger,/);
    const json = JSON.parse(configShow({ db: file, format: 'json' })).rows as { key: string; value: unknown }[];
    expect(json[0]).toMatchObject({ key: 'preset', value: 'zeek' });
    expect(configGet('preset', { db: file })).toBe('zeek\n');
    expect(configShow({ db: file, format: 'table' })).toMatch(/preset\s+zeek\s+portledger/);
  });

  test('the next run detects with the preset: a sweep of 11 hosts alerts as psad, not as Zeek', async () => {
    const sweep = logText(portScan({ start: Date.UTC(2026, 5, 1, 12), src: '198.51.100.20', targets: hosts('203.0.113.', 11), ports: [23], everyMs: 200, repeat: 2 }));
    const run = async (preset: string) => {
      const { db } = freshDb();
      applyPreset(db, preset);
      await ingest(db, [{ stdin: sweep }]);
      return alertsReport(db, { tz: 'UTC' }).map((a) => `${a.kind} ${a.source} ${a.level}`);
    };
    expect(await run('psad')).toEqual(['horizontal-scan 198.51.100.20 2']);
    expect(await run('zeek')).toEqual([]);
  });
});
