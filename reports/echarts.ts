/**
 * ECharts for server-side rendering, from the bundle the build makes (dist/vendor/echarts.js,
 * see vendor/echarts.ts): the same file the dashboard's browser code loads. The `echarts`
 * package itself is a devDependency, used here for its types only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Core from 'echarts/core';
import { packageRoot } from '../src/util/package-root';

export type { EChartsOption, LineSeriesOption } from 'echarts';

export type EChartsLib = Pick<typeof Core, 'init'>;

let lib: EChartsLib | undefined;

export function echartsBundleFile(): string {
  return path.join(packageRoot(), 'dist', 'vendor', 'echarts.js');
}

/** The bundle, loaded on first use; a clear message when the build has not made it. */
export function echarts(): EChartsLib {
  if (lib) return lib;
  const file = echartsBundleFile();
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (it bundles the charts)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lib = require(file) as EChartsLib;
  return lib;
}
