export const LF = 10;
export const CR = 13;
export const NUL = 0;
export const SP = 32;

/** End of `buf[start, end)` without trailing LF / CR / NUL. */
export function trimEnd(buf: Buffer, start: number, end: number): number {
  while (end > start) {
    const c = buf[end - 1];
    if (c === LF || c === CR || c === NUL) end--;
    else break;
  }
  return end;
}
