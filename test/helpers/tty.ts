/**
 * Running the built CLI as a user at a terminal does: on a pseudo-terminal of a given size,
 * through util-linux `script` (tests that need it skip when it is absent).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/util/package-root';

export const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const sh = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The CLI's output as the terminal received it (CR LF turned back into LF), on a pty of
 * `cols` × `rows`. `env` is added to this process's environment (PORTLEDGER_DB cleared).
 */
export function runOnTty(args: string[], opts: { cols?: number; rows?: number; env?: Record<string, string | undefined>; cwd?: string } = {}): { out: string; code: number } {
  const cmd = `stty cols ${opts.cols ?? 80} rows ${opts.rows ?? 24} 2>/dev/null; exec ${[process.execPath, CLI, ...args].map(sh).join(' ')}`;
  const env = { ...process.env, PORTLEDGER_DB: '', TERM: 'xterm', NO_COLOR: undefined, FORCE_COLOR: undefined, COLUMNS: undefined, LINES: undefined, ...opts.env };
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, cwd: opts.cwd, input: '' });
  return { out: r.stdout.replace(/\r\n/g, '\n'), code: r.status ?? -1 };
}

/** The CLI in a pipe, as a script runs it. */
export function runInPipe(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): { out: string; err: string; code: number } {
  const env = { ...process.env, PORTLEDGER_DB: '', NO_COLOR: undefined, FORCE_COLOR: undefined, COLUMNS: undefined, ...opts.env };
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, input: opts.input ?? '', cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}
