import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/** The folder holding package.json, from both `src/` (tests) and `dist/src/` (built). */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'schema'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the portledger package root (package.json beside schema/)');
    dir = up;
  }
  root = dir;
  return dir;
}
