/**
 * The one list of log formats. Adding a format = one module in `parsers/`, one line here,
 * `fixtures/<id>/` with its expected output and `docs/formats/<id>.md` (CONTRIBUTING.md).
 */
import type { Clock, Envelope, LogParser, ParseOutcome, SourceState } from './types';
import { peelEnvelope } from './envelope/peel';
import { reject, skip, type SkipOutcome } from './lib/reasons';
import { IMPOSSIBLE_DATE } from './lib/time-checks';
import { netfilter } from './netfilter';
import { nftTrace } from './nft-trace';
import { pfsense } from './pfsense';
import { openbsdPf } from './openbsd-pf';
import { windowsFirewall } from './windows-firewall';
import { mikrotik } from './mikrotik';
import { sonicwall } from './sonicwall';
import { checkpoint } from './checkpoint';
import { netgear } from './netgear';
import { zyxel } from './zyxel';
import { awsVpcFlow } from './aws-vpc-flow';
import { zeekConn } from './zeek-conn';
import { dshield } from './dshield';
import { ciscoAsa } from './cisco-asa';
import { ciscoIos } from './cisco-ios';
import { fortigate } from './fortigate';
import { paloalto } from './paloalto';
import { juniperSrx } from './juniper-srx';
import { cef } from './cef';
import { leef } from './leef';
import { sophosFirewall } from './sophos-firewall';
import { gcpVpcFlow } from './gcp-vpc-flow';

/** Order matters for auto-detection: more specific sniffers first. */
export const PARSERS: readonly LogParser[] = [
  netfilter, nftTrace, pfsense, openbsdPf, windowsFirewall, mikrotik, sonicwall, checkpoint, netgear, zyxel, awsVpcFlow, zeekConn, dshield,
  ciscoAsa, ciscoIos, fortigate, paloalto, juniperSrx, cef, leef, sophosFirewall, gcpVpcFlow,
];

export function parserById(id: string): LogParser {
  const p = PARSERS.find((x) => x.id === id);
  if (!p) {
    throw new Error(`unknown format "${id}"; known formats: ${PARSERS.map((x) => x.id).join(', ')}`);
  }
  return p;
}

/** Picks the parser for one record; `undefined` when no format claims it. */
export function detect(env: Envelope, hint?: LogParser): LogParser | undefined {
  // A file is usually one format: try the last parser that matched first.
  if (hint && hint.sniff(env)) return hint;
  for (const p of PARSERS) if (p !== hint && p.sniff(env)) return p;
  return undefined;
}

export interface RecordResult {
  envelope: Envelope;
  parser?: LogParser;
  outcome: ParseOutcome;
}

/**
 * Envelope + detection + parsing for one record. `forced` is `--log-format`: that parser only.
 * `hint` is the parser that matched the previous record of the same source.
 */
export function parseRecord(raw: string, clock: Clock, forced?: LogParser, hint?: LogParser, state?: SourceState): RecordResult {
  const envelope = peelEnvelope(raw, clock);
  if (forced) {
    if (!forced.sniff(envelope)) return { envelope, outcome: skip('not-forced-format', forced.id) };
    return { envelope, parser: forced, outcome: run(forced, envelope, clock, state) };
  }
  const parser = detect(envelope, hint);
  if (!parser) return { envelope, outcome: skipReason(envelope) };
  return { envelope, parser, outcome: run(parser, envelope, clock, state) };
}

/**
 * A parser that throws on a line has a bug; the line is kept as a reject, the run goes on.
 * Every stamp reader converts fields that name no real time (Feb 29 2023, Apr 31, 24:00) to NaN
 * rather than rolling them over: such an event is the reject impossible-date, for every format.
 */
function run(p: LogParser, env: Envelope, clock: Clock, state: SourceState | undefined): ParseOutcome {
  let outcome: ParseOutcome;
  try {
    outcome = p.parse(env, clock, state);
    if (env.repeats !== undefined && outcome.kind === 'event') outcome.event.count = (outcome.event.count ?? 1) * env.repeats;
  } catch {
    return reject('parser-error');
  }
  return outcome.kind === 'event' && Number.isNaN(outcome.event.ts) ? reject(IMPOSSIBLE_DATE) : outcome;
}

/** Names what a non-firewall line is, so skips are counted by something a user recognizes. */
function skipReason(env: Envelope): SkipOutcome {
  if (env.message.trim() === '') return skip('empty-line');
  return skip('not-firewall', env.tag?.toLowerCase());
}
