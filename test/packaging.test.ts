/**
 * What `npm pack` ships (the service recipe installs that tarball): the built CLI and library
 * with their types, the migrations, the knowledge base, the man page, the unit file and the
 * licence — and not the bench, tests, source maps of unshipped sources or golden files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { buildProgram } from '../src/cli/main';

const root = packageRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; main: string; types: string; man: string; engines: { node: string } };
const built = fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'));

(built ? test : test.skip)('npm pack ships what an installed portledger needs, and nothing of the development tree', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  for (const f of [...Object.values(pkg.bin), pkg.main, pkg.types, pkg.man, 'schema/001_init.sql', 'reports/knowledge/ports.json', 'LICENSE', 'README.md', 'docs/portledger.service', 'fixtures/demo/home-router.log']) {
    expect([f, files.has(f)]).toEqual([f, true]);
  }
  for (const f of files) {
    expect(f).not.toMatch(/^(dist\/bench|dist\/test|test|bench)\/|\.map$|\.expected\.ndjson$|\.ts$(?<!\.d\.ts$)/);
  }
  // Every migration the code applies is in the package.
  for (const m of fs.readdirSync(path.join(root, 'schema'))) expect(files.has(`schema/${m}`)).toBe(true);
});

test('the unit file runs a command with options the CLI knows', () => {
  const unit = fs.readFileSync(path.join(root, 'docs', 'portledger.service'), 'utf8');
  const exec = /^ExecStart=(.*)$/m.exec(unit)![1].split(/\s+/);
  expect(exec[0]).toBe('portledger');
  const listen = buildProgram().commands.find((c) => c.name() === exec[1])!;
  expect(listen).toBeDefined();
  const known = new Set(listen.options.flatMap((o) => [o.long, o.short]));
  for (const a of exec.slice(2).filter((x) => x.startsWith('-'))) expect([a, known.has(a)]).toEqual([a, true]);
  expect(unit).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
  expect(unit).toMatch(/^User=portledger$/m);
});
