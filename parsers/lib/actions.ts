/**
 * The verdict a free-text log prefix names (netfilter `--log-prefix`, MikroTik's log prefix):
 * `[UFW BLOCK]`, `DROP_INPUT:`, `FWACCEPT`, UniFi's `[WAN_LOCAL-D-2147483647]`.
 */
import type { Action } from '../types';
import { memo } from './memo';

const DENY_WORDS = new Set(['drop', 'dropped', 'deny', 'denied', 'reject', 'rejected', 'block', 'blocked', 'refuse', 'refused']);
const ALLOW_WORDS = new Set(['accept', 'accepted', 'allow', 'allowed', 'pass', 'passed', 'permit', 'permitted']);
// Glued words such as `LOGDROP` or `FWACCEPT` still name the verdict at their end.
const DENY_SUFFIXES = ['drop', 'deny', 'reject', 'block'];
const ALLOW_SUFFIXES = ['accept', 'allow'];

function deduceAction(prefix: string): Action {
  if (prefix === '') return 'unknown';
  // EdgeOS / UniFi: `[RULESET-RULENO-A|D|R]`; the letter is authoritative over the rule name.
  if (prefix.charCodeAt(0) === 91 /* [ */) {
    const close = prefix.indexOf(']');
    const inner = close > 0 ? prefix.slice(0, close + 1) : prefix;
    if (inner.includes('-D-') || inner.endsWith('-D]') || inner.includes('-R-') || inner.endsWith('-R]')) return 'deny';
    if (inner.includes('-A-') || inner.endsWith('-A]')) return 'allow';
  }
  let deny = false;
  let allow = false;
  for (const w of prefix.toLowerCase().split(/[^a-z]+/)) {
    if (w === '') continue;
    if (DENY_WORDS.has(w) || DENY_SUFFIXES.some((s) => w.endsWith(s))) deny = true;
    else if (ALLOW_WORDS.has(w) || ALLOW_SUFFIXES.some((s) => w.endsWith(s))) allow = true;
  }
  if (deny === allow) return 'unknown';
  return deny ? 'deny' : 'allow';
}

/** Action named by a log prefix; `unknown` when it names none or both. */
export const actionFromPrefix = memo(deduceAction);
