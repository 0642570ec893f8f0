/**
 * File names from the command line are text from outside like log content: a name can carry an
 * ESC sequence (recolour, clear or retitle the terminal) or a newline (forge an output line).
 * They reached the terminal raw in `ingest` (progress bar, "already ingested" line) and in
 * `sources --format md|csv`. The built CLI, run as a user runs it: on a terminal (a pty from
 * `script`, when present) and in a pipe.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/util/package-root';
import { terminalSafe } from '../src/util/terminal-text';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const NAME = 'kern\x1b[31mRED\x1b]0;owned\x07\nportledger: FORGED.log';
const SAFE = 'kern?[31mRED?]0;owned??portledger: FORGED.log';
const LINE =
  'Jun 14 10:00:00 gw kernel: DROP IN=eth0 OUT= MAC=00:00:5e:00:53:c0:00:00:5e:00:53:c1:08:00 SRC=203.0.113.5 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0 \n';

function run(args: string[], cwd: string): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PORTLEDGER_DB: '' } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

/** Nothing of the name's own control sequences: no ESC [31m, no OSC title, no BEL, no forged line. */
function clean(text: string): void {
  expect(text).not.toContain('\x1b[31m');
  expect(text).not.toContain('\x1b]0;');
  expect(text).not.toContain('\x07');
  expect(text).not.toMatch(/^portledger: FORGED/m);
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const maybe = fs.existsSync(CLI) ? describe : describe.skip;

maybe('file names with control characters (built CLI)', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, NAME), LINE);
  fs.writeFileSync(path.join(dir, '=HYPERLINK("x","y").log'), LINE.replace('203.0.113.5', '203.0.113.6'));

  (hasScript ? test : test.skip)('ingest on a terminal: the progress bar shows the name escaped', () => {
    // `script` gives the command a pty, so the progress bar is drawn; its own cursor codes stay.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ingest kern* --db t.db --tz UTC --year 2024`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(SAFE);
    clean(r.stdout);
    expect(r.stdout).toMatch(/events stored\s+1/);
  });

  test('ingest in a pipe: the "already ingested" line and the summary', () => {
    run(['ingest', NAME, '--db', 't.db', '--tz', 'UTC', '--year', '2024'], dir);
    const again = run(['ingest', NAME, '--db', 't.db', '--tz', 'UTC', '--year', '2024'], dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${SAFE}: already ingested, nothing new`);
    clean(again.out + again.err);
  });

  test('an error naming the file', () => {
    const r = run(['ingest', `missing${NAME}`, '--db', 't.db'], dir);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(`portledger: no file matches missing${SAFE}\n`); // `[` makes it a glob
    clean(r.err);
  });

  test('sources as table, Markdown and CSV, by absolute path; a name that is a formula stays text in CSV', () => {
    run(['ingest', '=HYPERLINK("x","y").log', '--db', 't.db', '--tz', 'UTC', '--year', '2024', '-q'], dir);
    const shown = { table: SAFE, md: 'kern?\\[31mRED?\\]0;owned? portledger: FORGED.log', csv: SAFE };
    for (const [format, name] of Object.entries(shown)) {
      const r = run(['sources', '--db', 't.db', '--format', format], dir);
      expect(r.code).toBe(0);
      clean(r.out);
      expect(r.out).toContain(name);
    }
    // Sources are stored by absolute path, so a name never starts a CSV cell with `=`.
    const csv = run(['sources', '--db', 't.db', '--format', 'csv'], dir).out.split('\n');
    expect(csv.some((l) => l.startsWith(`"${dir}/=HYPERLINK(""x"",""y"").log"`))).toBe(true);
    expect(csv.some((l) => l.startsWith(`${dir}/kern?[31mRED?]0;owned??portledger: FORGED.log,`))).toBe(true);
  });
});

test('terminalSafe: every C0, DEL and C1 control character becomes ?', () => {
  expect(terminalSafe('a\x00b\x1bc\x7fd\x9be\tf\ng')).toBe('a?b?c?d?e?f?g');
  expect(terminalSafe('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
});
