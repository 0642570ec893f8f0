/**
 * Epoch rebasing. Times are kept in ms relative to an epoch so they stay small integers: V8
 * keeps a small integer in an object field or array as is, but boxes any other number (16
 * bytes and one more object per field) — and the windows hold millions of times. The epoch is
 * the first event's time and moves forward when relative times grow past `REBASE_AT` (12.4
 * days); every time kept is then shifted by the same amount.
 */

export const REBASE_AT = 2 ** 30;

export class RelativeClock {
  /** UTC ms that relative time 0 stands for; NaN until the first event. */
  epoch = NaN;
  /** Newest relative time seen. */
  now = -Infinity;

  /** `shift(delta)` moves every time kept by `-delta` when the epoch moves forward by `delta`. */
  constructor(private readonly shift: (delta: number) => void) {}

  /** `ts` (UTC ms) as relative ms (NaN for a NaN `ts`), moving the epoch first if it has to. */
  relative(ts: number): number {
    let t = ts - this.epoch;
    if (!(t <= REBASE_AT)) {
      if (ts !== ts) return NaN;
      if (this.epoch !== this.epoch) this.epoch = ts;
      else {
        const delta = t - REBASE_AT / 2;
        this.epoch += delta;
        this.now -= delta;
        this.shift(delta);
      }
      t = ts - this.epoch;
    }
    if (t > this.now) this.now = t;
    return t;
  }

  absolute(t: number): number {
    return t + this.epoch;
  }
}
