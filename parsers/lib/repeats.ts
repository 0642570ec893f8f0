/**
 * rsyslog's repeated-message reduction (`$RepeatedMsgReduction on`, the Debian and Ubuntu
 * default): identical messages after the first are folded into one line that keeps the tag and
 * wraps the text, `kernel: message repeated 3 times: [ [UFW BLOCK] IN=eth0 …]`. The first
 * occurrence was logged as usual; the folded line stands for the N that followed, so its event
 * counts N. Cisco devices put their message id where the tag would be
 * (`%ASA-2-106006: message repeated 2 times: [ Deny inbound UDP …]`), so the ASA parser reads the
 * wrapper after its header; every other format gets it from the envelope.
 */

const LEAD = 'message repeated ';

export interface Repeat {
  /** Occurrences the line stands for (the N of `repeated N times`). */
  times: number;
  /** The folded message, without the brackets and the space rsyslog puts after `[`. */
  inner: string;
}

/** The wrapper at the start of `s`, or undefined (a cheap first-character test first). */
export function readRepeat(s: string): Repeat | undefined {
  if (s.charCodeAt(0) !== 109 /* m */ || !s.startsWith(LEAD)) return undefined;
  let i = LEAD.length;
  let times = 0;
  const start = i;
  while (i < s.length && i - start < 10) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    times = times * 10 + d;
    i++;
  }
  if (i === start || times < 1) return undefined;
  const tail = s.startsWith(' times: [', i) ? i + 9 : s.startsWith(' time: [', i) ? i + 8 : -1;
  if (tail < 0) return undefined;
  let end = s.length;
  while (end > tail && s.charCodeAt(end - 1) === 32) end--;
  if (s.charCodeAt(end - 1) === 93 /* ] */) end--;
  let from = tail;
  if (s.charCodeAt(from) === 32) from++;
  return { times, inner: s.slice(from, end) };
}
