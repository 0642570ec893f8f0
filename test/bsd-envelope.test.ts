/**
 * The hand-written RFC 3164 stamp and tag readers (parsers/envelope/bsd.ts) against the regular
 * expressions they replaced, on every fixture and corpus line and on deterministic mutations of
 * them: same matches, same fields, same end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readBsdStamp, tagNameEnd } from '../parsers/envelope/bsd';
import { MONTHS } from '../parsers/envelope/stamps';
import { mulberry32 } from '../bench/generate';
import { CORPUS_ROOT } from './helpers/corpus';

const STAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?::? |:$)/;
const TAG = /^([A-Za-z0-9_.\-/()@]{1,64}?)(?:\[(\d+)\])?:$/;

function stampByRegex(s: string) {
  const m = STAMP.exec(s);
  if (!m || MONTHS[m[1]] === undefined) return undefined;
  return {
    month: MONTHS[m[1]], day: +m[2], year: m[3] ? +m[3] : undefined, hour: +m[4], minute: +m[5], second: +m[6],
    ms: m[7] ? Math.floor(+`0.${m[7]}` * 1000) : 0, end: m[0].length,
  };
}

function tagByRegex(t: string): { name: string; pid?: string } | undefined {
  const m = TAG.exec(t);
  return m ? { name: m[1], pid: m[2] } : undefined;
}

function tagByReader(t: string): { name: string; pid?: string } | undefined {
  const end = tagNameEnd(t);
  if (end < 0) return undefined;
  return { name: t.slice(0, end), pid: end < t.length - 1 ? t.slice(end + 1, -2) : undefined };
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (/\.(log|txt)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Real lines (fixtures, and the corpus when present), their first 40 characters. */
function samples(): string[] {
  const files = [...filesUnder(path.resolve(__dirname, '../fixtures')), ...filesUnder(CORPUS_ROOT)];
  const lines = new Set<string>();
  for (const f of files) for (const l of fs.readFileSync(f, 'utf8').split('\n').slice(0, 400)) lines.add(l.slice(0, 40));
  return [...lines];
}

const ALPHABET = ' :.0123456789JFMASONDaenbrpyulgctov[]-_()@/xZ\t';

/** Each sample, and mutations of it: characters replaced, dropped and doubled. */
function mutated(base: string[], perLine: number): string[] {
  const rnd = mulberry32(7);
  const out = [...base];
  for (const s of base) {
    for (let k = 0; k < perLine && s.length > 0; k++) {
      const i = Math.floor(rnd() * Math.min(s.length, 24));
      const c = ALPHABET[Math.floor(rnd() * ALPHABET.length)];
      const op = rnd();
      out.push(op < 0.5 ? s.slice(0, i) + c + s.slice(i + 1) : op < 0.75 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + s[i] + s.slice(i));
    }
  }
  return out;
}

describe('RFC 3164 stamp reader', () => {
  const cases = [
    'May  5 20:46:45 host kernel:', 'Jan 1 02:21:38 x', 'Apr 15 2013 09:36:50 gw', 'Jan  8 03:37:09.123 a', 'Jan  8 03:37:09.1234567 a',
    'Dec 31 23:59:59:', 'Dec 31 23:59:59: msg', 'Dec 31 23:59:59:x', 'Foo  1 00:00:00 x', 'jan  1 00:00:00 x', 'Jan   1 00:00:00 x',
    'Jan 123 00:00:00 x', 'Jan 12 0:00:00 x', 'Jan 12 2024 00:00:00', 'Jan 12 2024 00:00:00 ', 'Jan 12 00:00:00.', 'Jan 12 00:00:00. x',
  ];
  test.each(cases)('%j reads as the regular expression does', (s) => {
    expect(readBsdStamp(s)).toEqual(stampByRegex(s));
  });

  test('agrees with the regular expression on every fixture and corpus line and 20 mutations of each', () => {
    const all = mutated(samples(), 20);
    expect(all.length).toBeGreaterThan(1000);
    const differ = all.filter((s) => JSON.stringify(readBsdStamp(s)) !== JSON.stringify(stampByRegex(s)));
    expect(differ).toEqual([]);
    expect(all.filter((s) => readBsdStamp(s)).length).toBeGreaterThan(100);
  });
});

describe('syslog tag reader', () => {
  const cases = ['kernel:', 'sshd[123]:', 'a:', ':', '[1]:', 'x[]:', 'x[1a]:', 'x[1]y:', 'filterlog[9]:', 'a'.repeat(64) + ':', 'a'.repeat(65) + ':', 'IN=eth0', 'DROP:', 'x[1]]:', 'x[[1]:'];
  test.each(cases)('%j reads as the regular expression does', (t) => {
    expect(tagByReader(t)).toEqual(tagByRegex(t));
  });

  test('agrees with the regular expression on every token of the samples and their mutations', () => {
    const tokens = new Set<string>();
    for (const s of mutated(samples(), 5)) for (const t of s.split(' ')) if (t) tokens.add(t);
    const differ = [...tokens].filter((t) => JSON.stringify(tagByReader(t)) !== JSON.stringify(tagByRegex(t)));
    expect(differ).toEqual([]);
  });
});
