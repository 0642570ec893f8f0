import { reasonKeyText } from '../../parsers/lib/reasons';
import type { Tally } from '../pipeline/tally';
import { terminalSafe } from '../util/terminal-text';

const n = (v: number) => v.toLocaleString('en-US');

function reasons(m: Map<string, number>): string {
  // Details quote log text (a MikroTik topic, a zone name): nothing raw to the terminal.
  return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([key, c]) => `${terminalSafe(reasonKeyText(key))} ${n(c)}`).join(', ');
}

/**
 * The end-of-run summary: every line read is accounted for. `done` says what became of the
 * events: `stored` (ingest) or `parsed` (parse, which stores nothing).
 */
export function summaryLines(t: Tally, inputs: number, seconds: number, done: 'stored' | 'parsed' = 'stored'): string[] {
  const rate = seconds > 0 ? ` in ${seconds.toFixed(2)} s (${n(Math.round(t.lines / seconds))} lines/s)` : '';
  const formats = [...t.formats.entries()].filter(([, f]) => f.events > 0).map(([id, f]) => `${id} ${n(f.events)}`).join(', ');
  const lines = [
    `${n(inputs)} input${inputs === 1 ? '' : 's'}, ${n(t.lines)} lines read${rate}`,
    `  events ${done.padEnd(13)}${n(t.events)}${formats ? `  (${formats})` : ''}`,
    `  skipped             ${n(t.skips)}${t.skips ? `  (${reasons(t.skipReasons)})` : ''}`,
    `  rejected            ${n(t.rejects)}${t.rejects ? `  (${reasons(t.rejectReasons)})` : ''}`,
  ];
  if (t.duplicateLines > 0) lines.push(`  duplicates ignored  ${n(t.duplicateLines)} lines already ingested`);
  if (t.sessionsExpired + t.sessionsEvicted > 0) {
    // Not an error: a device that logs only session starts never sends the end. Said, so that a
    // session counted twice (its end read after it was forgotten) is never a surprise.
    const why = [t.sessionsExpired ? `${n(t.sessionsExpired)} after a day without their end record` : '', t.sessionsEvicted ? `${n(t.sessionsEvicted)} over the limit of open sessions` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  sessions forgotten  ${why} (a later record of one counts as a new event)`);
  }
  return lines;
}
