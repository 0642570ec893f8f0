import { OUTPUT_FORMATS, type OutputFormat } from '../../reports/render';

/** `--format`, defaulting to a table on a terminal and JSON in a pipe. */
export function outputFormat(v: string | undefined): OutputFormat {
  if (v === undefined) return process.stdout.isTTY ? 'table' : 'json';
  if (!(OUTPUT_FORMATS as string[]).includes(v)) throw new Error(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  return v as OutputFormat;
}
