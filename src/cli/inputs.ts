import fs from 'node:fs';
import { globSync, isDynamicPattern } from 'tinyglobby';

/** Expands the paths a user typed: `-` for stdin, plain paths, and globs the shell left quoted. */
export function expandPaths(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a === '-' || fs.existsSync(a) || !isDynamicPattern(a)) {
      out.push(a);
      continue;
    }
    const found = globSync(a, { onlyFiles: true, absolute: false, expandDirectories: false }).sort();
    if (found.length === 0) throw new Error(`no file matches ${a}`);
    out.push(...found);
  }
  return out;
}

/** Repeatable option collector for commander. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${name} takes a whole number, not "${v}"`);
    return n;
  };
}
