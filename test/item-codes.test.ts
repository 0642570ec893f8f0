import { HASHED_BASE, ItemCodes } from '../src/detectors/distinct/item-codes';

describe('ItemCodes.target', () => {
  test('the code of an address is the same whether or not it repeats the one before', () => {
    const fresh = (a: string) => new ItemCodes().target(a);
    const codes = new ItemCodes();
    for (const a of ['', '203.0.113.7', '203.0.113.7', '', '2001:db8::1', '2001:db8::1', '198.51.100.2', '']) {
      expect(codes.target(a)).toBe(fresh(a));
    }
    expect(fresh('')).toBeGreaterThanOrEqual(HASHED_BASE);
    expect(codes.targetName(codes.target('2001:db8::1'))).toBe('2001:db8::1');
  });
});
