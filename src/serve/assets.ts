/**
 * The dashboard's static files: a fixed list, read into memory once. A URL names one of these
 * entries or nothing: no path from a request ever reaches the filesystem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { packageRoot } from '../util/package-root';
import { echartsBundleFile } from '../../reports/echarts';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** URL name → file, relative to the package root, and content type. */
const FILES: Record<string, [string, string]> = {
  'app.js': ['dist/src/serve/static/app.js', 'text/javascript; charset=utf-8'],
  'style.css': ['dist/src/serve/static/style.css', 'text/css; charset=utf-8'],
  'favicon.svg': ['dist/src/serve/static/favicon.svg', 'image/svg+xml'],
};

export function loadAssets(): Map<string, Asset> {
  const root = packageRoot();
  const files: Record<string, [string, string]> = { ...FILES, 'echarts.js': [path.relative(root, echartsBundleFile()), 'text/javascript; charset=utf-8'] };
  const out = new Map<string, Asset>();
  for (const [name, [rel, type]] of Object.entries(files)) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (it builds the dashboard's files)`);
    const body = fs.readFileSync(file);
    out.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return out;
}
