import fs from 'node:fs';
import path from 'node:path';
import { isReasonCode, reasonKey, reasonKeyText, reasonText, reject, REJECT_REASONS, skip, SKIP_REASONS, splitReasonKey } from '../../parsers/lib/reasons';

describe('the reason catalog', () => {
  test('codes are stable kebab-case words, each with one wording; skip and reject codes are apart', () => {
    const codes = [...Object.keys(REJECT_REASONS), ...Object.keys(SKIP_REASONS)];
    for (const c of codes) expect(c).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
    expect(new Set(codes).size).toBe(codes.length);
    const wordings = [...Object.values(REJECT_REASONS), ...Object.values(SKIP_REASONS)];
    expect(new Set(wordings).size).toBe(wordings.length);
  });

  test('the codes the time checks use are in it', () => {
    expect(isReasonCode('time-out-of-range')).toBe(true);
    expect(isReasonCode('impossible-date')).toBe(true);
    expect(isReasonCode('truncated: no SRC/DST')).toBe(false);
  });

  test('a detail is kept beside the code, cleaned of control characters and cut', () => {
    expect(skip('not-firewall', 'dhcpd')).toEqual({ kind: 'skip', reason: 'not-firewall', detail: 'dhcpd' });
    expect(skip('not-firewall')).toEqual({ kind: 'skip', reason: 'not-firewall' });
    expect(skip('not-firewall', '')).toEqual({ kind: 'skip', reason: 'not-firewall' });
    expect(reject('unknown-time-zone', 'X\x1b[31mY')).toEqual({ kind: 'reject', reason: 'unknown-time-zone', detail: 'X?[31mY' });
    expect(reject('unknown-time-zone', 'z'.repeat(100)).detail).toHaveLength(40);
  });

  test('keys count code and detail together and come apart again', () => {
    expect(reasonKey('not-firewall', 'dhcpd')).toBe('not-firewall dhcpd');
    expect(splitReasonKey('not-firewall dhcpd')).toEqual(['not-firewall', 'dhcpd']);
    expect(splitReasonKey('unknown-time-zone Foo Bar')).toEqual(['unknown-time-zone', 'Foo Bar']);
    expect(splitReasonKey('no-addresses')).toEqual(['no-addresses', '']);
  });

  test('people read the wording; text that is no code is shown as stored', () => {
    expect(reasonText('not-firewall', 'dhcpd')).toBe('not firewall traffic (dhcpd)');
    expect(reasonKeyText('no-addresses')).toBe('no source or destination address');
    expect(reasonText('dropped: oversize', '')).toBe('dropped: oversize');
    expect(reasonText('toString')).toBe('toString');
  });
});

describe('docs/reasons.md', () => {
  test('lists every code with its wording, and no code the catalog does not have', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/reasons.md'), 'utf8');
    const all: Record<string, string> = { ...REJECT_REASONS, ...SKIP_REASONS };
    const missing = Object.entries(all).filter(([code, text]) => !doc.includes(`| \`${code}\` | ${text} |`));
    expect(missing).toEqual([]);
    const listed = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.filter((c) => !isReasonCode(c))).toEqual([]);
  });
});
