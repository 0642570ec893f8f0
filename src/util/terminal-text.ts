/**
 * The one home of terminal escaping. Text that comes from outside — log content, file names from
 * the command line, PTR records — may carry control characters: an ESC sequence can rewrite the
 * screen, retitle the window or hide lines, a newline can forge output lines. Every C0 and C1
 * control character and DEL becomes `?` before such text reaches a terminal (table, Markdown and
 * CSV output, the progress bar, the summary, the live panel, alert lines, error messages).
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

export function terminalSafe(s: string): string {
  return s.replace(CONTROL, '?');
}
