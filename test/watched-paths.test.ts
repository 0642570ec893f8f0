/**
 * Which paths `watch` keeps looking at (pipeline/watched-paths.ts): a matched path that goes
 * away stays watched for a while (the new file of a rotation comes moments later), names that
 * do not match are not scanned for again and again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchedPaths } from '../src/pipeline/watched-paths';
import { tempDir } from './helpers/db';

test('a matched path stays watched while absent at one scan, and is let go at the second', () => {
  const dir = tempDir();
  const log = path.join(dir, 'fw.log');
  fs.writeFileSync(log, 'x\n');
  const given = path.join(dir, 'given.log');
  let scans = 0;
  const w = new WatchedPaths([given], () => (scans++, fs.existsSync(log) ? [log] : []));
  const rescan = () => w.reported(path.join(dir, 'fw.log.new')); // an unknown name forces a scan
  expect([...w.all()].sort()).toEqual([given, log].sort());
  fs.unlinkSync(log);
  rescan();
  expect([...w.all()]).toContain(log); // absent at one scan: kept
  rescan();
  expect([...w.all()]).toEqual([given]); // absent at two: let go; the given path stays
  fs.writeFileSync(log, 'y\n');
  expect(w.reported(log)).toBe(true); // found again when it comes back
  expect(scans).toBeGreaterThan(0);
});

test('a name that exists and does not match is scanned for once', () => {
  const dir = tempDir();
  const other = path.join(dir, 'syslog');
  fs.writeFileSync(other, 'x\n');
  let scans = 0;
  const w = new WatchedPaths([], () => (scans++, []));
  const before = scans;
  for (let i = 0; i < 100; i++) expect(w.reported(other)).toBe(false);
  expect(scans - before).toBe(1);
});
