import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

/**
 * The compiled script `name`.js of a folder of the project (`src/pipeline`, `src/sources/syslog`)
 * for a worker thread, given the calling module's own `__filename`: beside it when the caller
 * runs compiled, from `dist/` when it runs from TypeScript sources (tests) and a build exists;
 * undefined otherwise (the caller then works in-process).
 */
export function threadScript(caller: string, folder: string, name: string): string | undefined {
  if (caller.endsWith('.js')) return path.join(path.dirname(caller), `${name}.js`);
  const built = path.join(packageRoot(), 'dist', folder, `${name}.js`);
  return fs.existsSync(built) ? built : undefined;
}
