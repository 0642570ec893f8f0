// Builds what tsc does not: the ECharts bundle (dist/vendor/echarts.js, for the browser and for
// server-side rendering) and the dashboard's browser code and stylesheet (dist/src/serve/static/).
// Run by `npm run build` after tsc. esbuild and echarts are devDependencies: the published
// package carries only these outputs.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = (...p) => path.join(root, 'dist', ...p);
const banner = '/* ECharts (Apache-2.0, https://echarts.apache.org) and zrender (BSD-3-Clause): the parts portledger uses. See vendor/echarts.ts. */';

// An IIFE that defines the global `echarts` in a browser and is also a CommonJS module in Node.
await build({
  entryPoints: [path.join(root, 'vendor', 'echarts.ts')],
  outfile: out('vendor', 'echarts.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'echarts',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2020',
  legalComments: 'none',
  // ECharts' development checks read process.env, which a browser does not have.
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: banner },
  footer: { js: "if (typeof module === 'object' && module.exports) module.exports = echarts;" },
  logLevel: 'warning',
});

// The dashboard's browser code: one file, no inline script anywhere (the CSP forbids it).
const client = path.join(root, 'src', 'serve', 'client');
if (fs.existsSync(client)) {
  await build({
    entryPoints: [path.join(client, 'main.ts')],
    outfile: out('src', 'serve', 'static', 'app.js'),
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(client, 'style.css'), out('src', 'serve', 'static', 'style.css'));
  fs.copyFileSync(path.join(client, 'favicon.svg'), out('src', 'serve', 'static', 'favicon.svg'));
}
