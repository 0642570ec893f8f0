/**
 * A copy of `s` that does not share memory with the string it was cut from. V8 keeps substrings
 * as slices of their parent, so one short address kept for hours can pin a whole megabyte-sized
 * chunk of the log. Use it for the strings kept long-term.
 *
 * The rope ' ' + s is flattened into a fresh string by the slice: about three times faster than
 * a round trip through a Buffer. Measured with --expose-gc: 300 copies of 190-char slices of
 * 1 MB strings retain 3.6 MB, the slices themselves 303 MB.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}
