import type { Command } from 'commander';
import { PARSERS } from '../../../parsers';
import { render } from '../../../reports/render';
import { outputFormat } from '../output';
import { outputOption, TABLE_FORMATS } from '../options';

export function formatsList(f: { format?: string }): string {
  const rows = PARSERS.map((p) => ({ id: p.id, title: p.title, example: p.example }));
  return render(rows, [{ key: 'id', title: 'format' }, { key: 'title', title: 'what' }, { key: 'example', title: 'example line' }], outputFormat(f.format));
}

export function register(program: Command): void {
  program
    .command('formats')
    .description('the log formats portledger reads, with an example line each')
    .addOption(outputOption(TABLE_FORMATS))
    .action((o) => void process.stdout.write(formatsList(o)));
}
