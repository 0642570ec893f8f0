/** CSV records (PAN-OS, pfSense filterlog). */
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * CSV fields of one record. Lines without quotes (nearly all lines) are split directly,
 * well-formed RFC 4180 quoting (a rule or user name with a comma) by `quotedSplit`; anything
 * irregular goes to csv-parse, which is about a hundred times slower per line. Undefined when
 * the text is not one CSV record.
 */
export function splitCsv(line: string): string[] | undefined {
  if (line.indexOf('"') < 0) return line.split(',');
  const fast = quotedSplit(line);
  if (fast) return fast;
  try {
    const rows = parseCsv(line, { relax_quotes: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
    return rows.length === 1 ? rows[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Fields when every quote opens a field, closes it, or is doubled inside it; else undefined. */
function quotedSplit(line: string): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let pos = 0;
  for (;;) {
    if (line.charCodeAt(pos) === 34 /* " */) {
      let v = '';
      let i = pos + 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        v += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          i = q + 2;
        } else {
          pos = q + 1;
          break;
        }
      }
      out.push(v);
      if (pos === n) return out;
      if (line.charCodeAt(pos) !== 44 /* , */) return undefined;
      pos++;
    } else {
      const c = line.indexOf(',', pos);
      const v = line.slice(pos, c < 0 ? n : c);
      if (v.indexOf('"') >= 0) return undefined;
      out.push(v);
      if (c < 0) return out;
      pos = c + 1;
    }
  }
}
