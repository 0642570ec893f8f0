import fs from 'node:fs';
import path from 'node:path';
import { count, freshDb, inboundLine, ingest } from './helpers/db';
import { changeSetting as setSetting } from '../src/config/settings';
import { alertsReport } from '../reports/queries';

// One source probing 6 ports of one target within a minute: 6 packets, danger level 1.
const probe = Array.from({ length: 6 }, (_, i) => inboundLine(`Jun 14 10:00:${String(i * 5).padStart(2, '0')}`, '198.51.100.77', 1000 + i));

async function run(settings: Record<string, string>) {
  const { db, dir } = freshDb();
  for (const [k, v] of Object.entries(settings)) setSetting(db, k, v);
  const file = path.join(dir, 'probe.log');
  fs.writeFileSync(file, probe.join('\n') + '\n');
  await ingest(db, [file], { year: 2024 });
  return db;
}

describe('scan thresholds come from the configuration', () => {
  test('defaults (15 ports, level 2): six probes raise nothing', async () => {
    expect(count(await run({}), 'SELECT count(*) FROM alerts')).toBe(0);
  });

  test('scan-ports 5 and scan-min-level 1: the same probes are a vertical scan', async () => {
    const db = await run({ 'scan-ports': '5', 'scan-min-level': '1' });
    const alerts = alertsReport(db, { tz: 'UTC' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', host: '198.51.100.77', threshold: 5 });
  });

  test('bad values are refused', async () => {
    const { db } = freshDb();
    expect(() => setSetting(db, 'scan-min-level', '9')).toThrow(/1 to 5/);
    expect(() => setSetting(db, 'scan-ports', '0')).toThrow(/whole number/);
  });
});
