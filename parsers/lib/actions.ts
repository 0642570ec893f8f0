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

/**
 * The verdict of a device's action field, as FortiGate, PAN-OS, Check Point, Sophos and the CEF /
 * LEEF records of any vendor spell it. Deny: deny, drop, block, reject and their -ed forms,
 * PAN-OS `drop-icmp` / `reset-client|server|both` / `block-*`. Allow: accept, allow, pass,
 * permit (and -ed forms), Check Point's encrypt / decrypt, and the words of a session an allow rule let through — FortiGate's
 * `start`, `close`, `timeout`, `client-rst`, `server-rst` (the session ended by a reset, after the
 * policy allowed it). Anything else (`dns`, `ip-conn`, `Log`, `Encrypt`) is unknown.
 */
export function actionWord(v: string | undefined): Action {
  if (v === undefined || v === '') return 'unknown';
  const l = v.toLowerCase();
  const known = ACTION_WORDS.get(l);
  if (known !== undefined) return known;
  if (l.startsWith('drop') || l.startsWith('block') || l.startsWith('reset') || l.startsWith('deny') || l.startsWith('reject')) return 'deny';
  if (l.endsWith('-rst')) return 'allow';
  return 'unknown';
}

const ACTION_WORDS = new Map<string, Action>([
  ...['deny', 'denied', 'drop', 'dropped', 'block', 'blocked', 'reject', 'rejected', 'refuse', 'refused', 'discard', 'discarded', 'prevent'].map((w) => [w, 'deny'] as [string, Action]),
  // Check Point's encrypt / decrypt: VPN traffic the rule let through.
  ...['accept', 'accepted', 'allow', 'allowed', 'pass', 'passed', 'permit', 'permitted', 'start', 'close', 'timeout', 'encrypt', 'decrypt'].map((w) => [w, 'allow'] as [string, Action]),
]);
