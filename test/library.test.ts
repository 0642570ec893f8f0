/** The package's library entry (package.json `main`): what a script that requires portledger gets. */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { tempDir } from './helpers/db';

const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { main: string; types: string };
const built = path.join(packageRoot(), pkg.main);
const maybe = fs.existsSync(built) ? describe : describe.skip;

maybe('require("portledger")', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(built) as typeof import('../src/index');

  test('main and types point at built files', () => {
    expect(fs.existsSync(path.join(packageRoot(), pkg.types))).toBe(true);
  });

  test('parseLine: an ECS document, a skip or a reject with its reason', () => {
    const r = lib.parseLine('Jun 14 10:00:00 gw kernel: DROP IN=eth0 OUT= SRC=198.51.100.1 DST=203.0.113.10 LEN=44 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0', { year: 2024 });
    expect(r).toMatchObject({ event: { '@timestamp': '2024-06-14T10:00:00.000Z', source: { ip: '198.51.100.1' }, destination: { port: 23 }, portledger: { class: 'scan' } } });
    expect(lib.parseLine('Jun 14 10:00:00 gw sshd[1]: Accepted publickey for root')).toEqual({ skip: 'not-firewall', detail: 'sshd' });
    expect(lib.parseLine('Jun 14 10:00:00 gw kernel: DROP IN=eth0 OUT= SRC=X.X.X.X DST=203.0.113.10 PROTO=TCP SPT=1 DPT=23')).toEqual({ reject: 'placeholder-address' });
  });

  test('ingestFiles then openLedger reads the per-port report', async () => {
    const db = path.join(tempDir(), 'lib.db');
    const [s] = await lib.ingestFiles(db, [path.join(packageRoot(), 'fixtures', 'demo', 'home-router.log')], { tz: 'UTC', year: 2024 });
    expect(s.status).toBe('new');
    const ledger = lib.openLedger(db);
    try {
      expect(ledger.ports({ port: 445 })).toEqual([{ date: '2024-06-14', port: 445, proto: 'tcp', events: 49, sources: 42, targets: 1 }]);
    } finally {
      ledger.close();
    }
  });
});
