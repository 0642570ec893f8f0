/**
 * What the terminal stdout goes to allows: its width (tables are fitted to it) and colour. In a
 * pipe nothing is cut (unless COLUMNS says a width) and nothing is coloured.
 */
import type { TableStyle } from '../../reports/render';

type Env = Record<string, string | undefined>;
interface Out {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Colour on a terminal, unless NO_COLOR is set (no-color.org: any non-empty value) or TERM is
 * dumb; FORCE_COLOR forces it on (or off with 0 / false), as Node and most tools read it.
 */
export function colorOn(out: Out = process.stdout, env: Env = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  return out.isTTY === true && env.TERM !== 'dumb';
}

/** The terminal's columns; COLUMNS when it is set (also in a pipe); undefined: no limit. */
export function terminalWidth(out: Out = process.stdout, env: Env = process.env): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (out.isTTY && out.columns && out.columns > 0) return out.columns;
  return undefined;
}

export function tableStyle(out: Out = process.stdout, env: Env = process.env): TableStyle {
  return { width: terminalWidth(out, env), color: colorOn(out, env) };
}
