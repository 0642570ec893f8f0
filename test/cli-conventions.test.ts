/**
 * What users expect of any command line (lnav, cscli, GoAccess): a closed pipe ends a command
 * quietly, exit codes say what happened (0 done, 1 runtime error, 2 usage error), --version.
 * Run on the built CLI with real pipes.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const version = (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

function run(args: string[]): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, PORTLEDGER_DB: '' } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

/** Runs the CLI with stdout into a pipe that is closed after the first chunk, like `| head -c 1`. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORTLEDGER_DB: '' } });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.once('data', () => p.stdout.destroy());
    p.on('close', (code) => resolve({ code, err }));
  });
}

maybe('command-line conventions', () => {
  const dir = tempDir();
  const db = path.join(dir, 'c.db');
  // A log long enough that the output does not fit in a pipe's buffer.
  const log = path.join(dir, 'big.log');
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    lines.push(`Jun 14 10:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')} gw kernel: DROP IN=eth0 OUT= SRC=198.51.${(i >> 8) & 255}.${i & 255} DST=203.0.113.10 LEN=44 TTL=50 ID=${i} PROTO=TCP SPT=40000 DPT=${1 + (i % 2000)} WINDOW=1024 RES=0x00 SYN URGP=0`);
  }
  fs.writeFileSync(log, lines.join('\n') + '\n');

  beforeAll(() => {
    expect(run(['ingest', log, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']).code).toBe(0);
  });

  test('--version', () => {
    expect(run(['--version'])).toMatchObject({ code: 0, out: `${version}\n` });
  });

  test.each([
    ['parse', ['parse', log, '--tz', 'UTC', '--year', '2024']],
    ['report ports', ['report', 'ports', '--db', db, '--from', '2024-06-14', '--to', '2024-06-14']],
    ['report ports as JSON', ['report', 'ports', '--db', db, '--format', 'json']],
    ['formats', ['formats']],
  ])('%s | head ends quietly', async (_name, args) => {
    const r = await runIntoClosedPipe(args as string[]);
    expect(r.err).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });

  test('export dshield | head: an export cut short is not remembered', async () => {
    const cut = await runIntoClosedPipe(['export', 'dshield', '--db', db, '--date', '2024-06-14', '--tz', 'UTC']);
    expect(cut.code).toBe(0);
    const full = run(['export', 'dshield', '--db', db, '--date', '2024-06-14', '--tz', 'UTC']);
    expect(full.code).toBe(0);
    expect(full.err).toMatch(/exported 20000 inbound scans/);
    expect(full.out.split('\n').filter(Boolean)).toHaveLength(20_000);
  });

  test.each([
    ['a port out of range', ['report', 'ports', '--port', '99999']],
    ['an unknown protocol', ['report', 'ports', '--proto', 'xyz']],
    ['an unknown option', ['report', 'ports', '--bogus']],
    ['an unknown command', ['reprot']],
    ['a bad output format', ['report', 'ports', '--format', 'xml']],
  ])('%s is a usage error: exit 2', (_name, args) => {
    const r = run([...(args as string[]), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });

  test('a runtime error is one line on stderr and exit 1', () => {
    const r = run(['report', 'ports', '--db', path.join(dir, 'missing.db')]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^portledger: no database at .*missing\.db/)]);
  });

  test('reports are a table by default, also in a pipe', () => {
    const r = run(['report', 'ports', '--db', db, '--port', '1']);
    expect(r.out.split('\n')[0]).toMatch(/^date\s+port\s+proto\s+events\s+sources\s+targets$/);
  });

  test('--limit', () => {
    const r = run(['report', 'ports', '--db', db, '--limit', '3', '--format', 'json']);
    expect(JSON.parse(r.out).rows).toHaveLength(3);
  });

  test('--format on a reading command still works as the log format, with a deprecation note', () => {
    const r = run(['parse', log, '--format', 'netfilter', '--tz', 'UTC', '--year', '2024']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/deprecated: use --log-format/);
  });

  test('completion bash: sourced by bash, it completes commands, subcommands and options', () => {
    const script = run(['completion', 'bash']).out;
    const file = path.join(dir, 'completion.bash');
    fs.writeFileSync(file, script);
    const complete = (words: string[]) =>
      spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _portledger; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim();
    expect(complete(['portledger', 'rep'])).toBe('report');
    expect(complete(['portledger', 'report', '']).split(' ')).toEqual(expect.arrayContaining(['ports', 'sources-per-hour', 'daily', 'range']));
    expect(complete(['portledger', 'report', 'ports', '--p']).split(' ')).toEqual(['--port', '--proto']);
    expect(run(['completion', 'fish']).out).toContain("complete -c portledger -n '__fish_use_subcommand' -a 'ingest'");
    expect(run(['completion', 'zsh']).out).toMatch(/^#compdef portledger/);
    expect(run(['completion', 'tcsh']).code).toBe(2);
  });

  test('man page: every command, from the same tree as --help', () => {
    const page = run(['man']).out;
    expect(page).toMatch(/^\.TH PORTLEDGER 1/);
    for (const c of ['ingest', 'parse', 'report ports', 'alerts', 'watch', 'listen', 'trust add', 'config set', 'prune', 'export dshield']) {
      expect(page).toContain(`.SS portledger ${c.replace(/-/g, '\\-')}`);
    }
    expect(fs.existsSync(path.join(packageRoot(), 'dist', 'man', 'portledger.1'))).toBe(true);
  });

  test('an old Node.js gets a clear message, not a stack trace', () => {
    const runtime = path.join(packageRoot(), 'dist', 'src', 'cli', 'runtime.js');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(runtime)}).checkNode('18.19.1')`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^portledger: needs Node\.js 20\.19 or newer, this is 18\.19\.1/);
  });
});
