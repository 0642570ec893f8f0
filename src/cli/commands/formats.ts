import type { Command } from 'commander';
import { PARSERS } from '../../../parsers';
import { render } from '../../../reports/render';
import { limited, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { listingOptions } from '../options';

export function formatsList(f: ListingFlags): string {
  const rows = limited(PARSERS.map((p) => ({ id: p.id, title: p.title, example: p.example })), f);
  return render(rows, [{ key: 'id', title: 'format' }, { key: 'title', title: 'what' }, { key: 'example', title: 'example line' }], outputFormat(f.format), 'no formats', tableStyle());
}

export function register(program: Command): void {
  listingOptions(program.command('formats').description('the log formats portledger reads, with an example line each (on a terminal, cut to its width: --format md or csv for whole lines)')).action(
    async (o: ListingFlags) => show(formatsList(o), o),
  );
}
