/**
 * A copy of `s` that does not share memory with the string it was cut from. V8 keeps substrings
 * as slices of their parent, so one short address kept for hours can pin a whole megabyte-sized
 * chunk of the log. Use it for the few strings kept long-term; it costs an allocation.
 */
export function detach(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
