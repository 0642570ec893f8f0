/**
 * Long output on a terminal goes through a pager, as git and journalctl do: `$PAGER` (or
 * `PORTLEDGER_PAGER`), else `less -FRX` when installed (-F: quit at once when it fits, -R: keep
 * colours, -X: leave the text on the screen). Never in a pipe, never with --no-pager, and an
 * empty PAGER or `cat` means none.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

type Env = Record<string, string | undefined>;

export interface PagerFlags {
  /** false with --no-pager. */
  pager?: boolean;
}

function onPath(cmd: string, env: Env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The pager command line to run, or undefined for none. */
export function pagerCommand(env: Env = process.env): string | undefined {
  const chosen = env.PORTLEDGER_PAGER ?? env.PAGER;
  if (chosen !== undefined) return chosen.trim() === '' || chosen.trim() === 'cat' ? undefined : chosen;
  return onPath('less', env) ? 'less -FRX' : undefined;
}

/** Whether text of this many lines is paged: on a terminal, longer than its screen. */
export function wantsPager(lines: number, f: PagerFlags, out: { isTTY?: boolean; rows?: number } = process.stdout): boolean {
  if (f.pager === false || !out.isTTY) return false;
  return lines >= (out.rows && out.rows > 0 ? out.rows : 24);
}

function runPager(cmd: string, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    // Like git: the user's own pager setting runs through the shell (it may carry options);
    // nothing from a log is ever part of the command. less keeps colours without being told.
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...process.env } });
    // Ctrl-C belongs to the pager (less uses it); this process waits for the pager to end.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    let started = true;
    child.on('error', () => {
      started = false;
    });
    child.stdin.on('error', () => undefined); // the pager quit before reading everything
    child.on('close', (code) => {
      process.off('SIGINT', ignore);
      // A pager that could not start (127: not found) leaves the text to be printed plainly.
      resolve(started && code !== 127 && code !== 126);
    });
    child.stdin.end(text);
  });
}

/** Prints a listing: through the pager when it is longer than the terminal, else as is. */
export async function show(text: string, f: PagerFlags = {}): Promise<void> {
  const lines = text.length === 0 ? 0 : text.split('\n').length - 1;
  const cmd = wantsPager(lines, f) ? pagerCommand() : undefined;
  if (cmd && (await runPager(cmd, text))) return;
  process.stdout.write(text);
}
