import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../util/package-root';

/** The version in package.json (what `--version` prints). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
