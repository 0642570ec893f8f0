/**
 * Generated from the registry: for every registered format, no other format's `sniff` claims its
 * example line or any line of its golden fixtures (fixtures/<id>/*.log). Auto-detection tries
 * parsers in order, so a line two parsers claim is parsed by whichever comes first — a new
 * format must not steal lines from the ones before it, nor lose its own to them. Junk lines in a
 * format's fixtures (sshd, dhcpd…) must be claimed by no one else either.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { PARSERS } from '../parsers/index';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

/** The example and every fixture line of a format, with where each comes from. */
function linesOf(id: string, example: string): { where: string; line: string }[] {
  const out = [{ where: 'example', line: example }];
  const dir = path.join(FIXTURES, id);
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((l, i) => out.push({ where: `${f}:${i + 1}`, line: l.endsWith('\r') ? l.slice(0, -1) : l }));
  }
  return out;
}

describe.each(PARSERS.map((p) => [p.id, p] as const))('%s', (id, parser) => {
  const lines = linesOf(id, parser.example);

  test('its example is claimed by it', () => {
    expect(parser.sniff(peelEnvelope(parser.example, clock()))).toBe(true);
  });

  test(`no other format claims its example or its ${lines.length - 1} fixture lines`, () => {
    const c = clock();
    const stolen = lines.flatMap(({ where, line }) => {
      const env = peelEnvelope(line, c);
      const others = PARSERS.filter((q) => q !== parser && q.sniff(env)).map((q) => q.id);
      return others.length > 0 ? [{ where, line, claimedBy: others }] : [];
    });
    expect(stolen).toEqual([]);
  });
});
