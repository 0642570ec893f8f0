import { OUTPUT_FORMATS, type OutputFormat } from '../../reports/render';

/** `--format`: a human table unless another format is asked for, on a terminal or in a pipe alike. */
export function outputFormat(v: string | undefined): OutputFormat {
  if (v === undefined) return 'table';
  if (!(OUTPUT_FORMATS as string[]).includes(v)) throw new Error(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  return v as OutputFormat;
}
