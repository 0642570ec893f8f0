/**
 * The windows' memory as a JSON document whose fields are named — tables of named columns, one
 * value per row, rows linking by index — so it describes what is remembered, not how it sits in
 * memory: addresses as text, ports as protocol and number, lines and targets stored once and
 * referenced by index. Times are ms relative to `epoch` (UTC ms); alerts keep absolute times.
 * The detector wraps it with its format name and version (scan.ts).
 */
import type { Alert } from '../alert';
import type { KeptLine } from '../lines';
import type { DistinctWindows } from './distinct-windows';
import { portNumber, protocolOf } from './item-codes';
import { ITEM_SPAN, ItemWindows } from './item-windows';
import { lightItems, setLightItems } from './light-form';
import { scanTypeMask } from '../../contract/scan-types';
import { Episode, GROUP_COST, PortGroup, type Activity, type LightItem } from './records';
import { Tracked } from './tracked';

const ACTIVITY = ['last', 'runFirst', 'runPackets', 'runLine', 'longRunFirst', 'longRunPackets', 'longRunLine'] as const;
const COLUMNS = {
  /** Keys (sources, hosts), stalest first; `form`: `light` or `heavy`. */
  keys: ['address', 'form', ...ACTIVITY],
  /** Items of light keys: `key` is a row of `keys`, `target` an index into `targets`, `protocol` into `protocols`. */
  lightItems: ['key', 'target', 'protocol', 'port', 'first', 'last', 'packets', 'line'],
  /** Items of heavy keys; `fast`: counted in the fast window (else only in the long one). */
  windowItems: ['key', 'target', 'protocol', 'port', 'last', 'fast'],
  /** Heavy keys on one port: their activity. */
  ports: ['key', 'protocol', 'port', ...ACTIVITY],
} as const;
type TableName = keyof typeof COLUMNS;
type Columns<T extends TableName> = Record<(typeof COLUMNS)[T][number], unknown[]>;

/** An open episode: on a key (`port` null) or on one of its ports. */
export interface EpisodeDocument {
  key: number;
  protocol: number | null;
  port: number | null;
  window: 'fast' | 'long';
  /** Its distinct destinations: ports of an episode on a key, targets (indexes) of one on a port. */
  seenPorts: { protocol: number[]; port: number[] } | null;
  seenTargets: number[] | null;
  /** Protocols seen and targets sampled in the alert (indexes). */
  protocols: number[];
  sampledTargets: number[];
  /** Opened or updated since the detector's last drain. */
  changed: boolean;
  alert: Alert;
}

export type WindowsDocument = {
  epoch: number | null;
  now: number | null;
  protocols: string[];
  /** Targets referenced by index: an address, or the code of a hashed one whose text was not kept. */
  targets: (string | number)[];
  lines: string[];
  episodes: EpisodeDocument[];
} & { [T in TableName]: Columns<T> };

export function saveWindows(w: DistinctWindows): WindowsDocument {
  const { codes, clock } = w;
  const lines: string[] = [];
  const lineIndex = new Map<string, number>();
  const line = (k: KeptLine): number => {
    const s = w.text(k);
    let i = lineIndex.get(s);
    if (i === undefined) lineIndex.set(s, (i = lines.push(s) - 1));
    return i;
  };
  const targets: (string | number)[] = [];
  const targetIndex = new Map<number, number>();
  const target = (code: number): number => {
    let i = targetIndex.get(code);
    if (i === undefined) targetIndex.set(code, (i = targets.push(codes.targetName(code) ?? code) - 1));
    return i;
  };
  const t = Object.fromEntries(Object.entries(COLUMNS).map(([name, cols]) => [name, Object.fromEntries(cols.map((c) => [c, []]))])) as unknown as {
    [T in TableName]: Columns<T>;
  };
  const activity = (cols: Record<(typeof ACTIVITY)[number], unknown[]>, a: Activity) => {
    cols.last.push(a.last);
    cols.runFirst.push(a.runFirst);
    cols.runPackets.push(a.runPackets);
    cols.runLine.push(line(a.runLine));
    cols.longRunFirst.push(a.longRunFirst);
    cols.longRunPackets.push(a.longRunPackets);
    cols.longRunLine.push(line(a.longRunLine));
  };
  const episodes: EpisodeDocument[] = [];
  const episode = (key: number, port: number | null, ep: Episode) => {
    const onKey = port === null;
    episodes.push({
      key, protocol: onKey ? null : protocolOf(port), port: onKey ? null : portNumber(port), window: ep.slow ? 'long' : 'fast',
      seenPorts: onKey ? { protocol: [...ep.seen].map(protocolOf), port: [...ep.seen].map(portNumber) } : null,
      seenTargets: onKey ? null : [...ep.seen].map(target),
      protocols: [...ep.protos], sampledTargets: ep.targets.map(target), changed: w.changed.has(ep), alert: w.settle(ep).alert,
    });
  };
  let key = 0;
  for (const k of w.table) {
    t.keys.address.push(codes.keyName(k.key));
    t.keys.form.push(k.heavy === undefined ? 'light' : 'heavy');
    activity(t.keys, k);
    const hv = k.heavy;
    if (hv === undefined) {
      for (const p of lightItems(k)) {
        const c = t.lightItems;
        c.key.push(key), c.target.push(target(p.target)), c.protocol.push(protocolOf(p.port)), c.port.push(portNumber(p.port));
        c.first.push(p.first), c.last.push(p.last), c.packets.push(p.packets), c.line.push(line(p.line));
      }
    } else {
      // Oldest first, as the queue holds them.
      const items = [...hv.items].sort((a, b) => hv.timeOf(a[1]) - hv.timeOf(b[1]));
      for (const [item, v] of items) {
        const c = t.windowItems;
        const port = item % ITEM_SPAN;
        c.key.push(key), c.target.push(target(hv.target(Math.floor(item / ITEM_SPAN)).code)), c.protocol.push(protocolOf(port));
        c.port.push(portNumber(port)), c.last.push(hv.timeOf(v)), c.fast.push(hv.inFast(v));
      }
      for (const [port, po] of hv.ports) {
        t.ports.key.push(key), t.ports.protocol.push(protocolOf(port)), t.ports.port.push(portNumber(port));
        activity(t.ports, po);
        if (po.episode !== undefined) episode(key, port, po.episode);
      }
      if (hv.episode !== undefined) episode(key, null, hv.episode);
    }
    key++;
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { epoch: finite(clock.epoch), now: finite(clock.now), protocols: [...codes.protocols], targets, lines, episodes, ...t };
}

/** Loads a document into fresh windows; throws when a table or column is missing or ragged. */
export function loadWindows(w: DistinctWindows, doc: WindowsDocument): void {
  const { codes, table } = w;
  const protocol = (doc.protocols ?? []).map((name) => codes.protocol(String(name)));
  const target = (doc.targets ?? []).map((x) => (typeof x === 'number' ? x : codes.target(String(x))));
  const lines = doc.lines ?? [];
  const port = (proto: unknown, number: unknown) => protocol[proto as number] * 65536 + (number as number);
  if (doc.epoch === null || doc.now === null) return;
  w.clock.epoch = doc.epoch;
  w.clock.now = doc.now;
  const t = Object.fromEntries(Object.keys(COLUMNS).map((name) => [name, columns(doc, name as TableName)])) as { [T in TableName]: Columns<T> };
  const setActivity = (a: Activity, c: Record<(typeof ACTIVITY)[number], unknown[]>, i: number) => {
    a.last = c.last[i] as number;
    a.runFirst = c.runFirst[i] as number;
    a.runPackets = c.runPackets[i] as number;
    a.runLine = lines[c.runLine[i] as number];
    a.longRunFirst = c.longRunFirst[i] as number;
    a.longRunPackets = c.longRunPackets[i] as number;
    a.longRunLine = lines[c.longRunLine[i] as number];
  };
  const keys: Tracked[] = [];
  const light: LightItem[][] = [];
  for (let i = 0; i < t.keys.address.length; i++) {
    const k = new Tracked(codes.key(String(t.keys.address[i])), 0, 0, 0, 0);
    setActivity(k, t.keys, i);
    table.add(k);
    keys.push(k);
    light.push([]);
    if (t.keys.form[i] === 'heavy') {
      setLightItems(k, table, []);
      k.heavy = new ItemWindows();
    }
  }
  const li = t.lightItems;
  for (let i = 0; i < li.key.length; i++) {
    light[li.key[i] as number].push({
      target: target[li.target[i] as number], port: port(li.protocol[i], li.port[i]), first: li.first[i] as number,
      last: li.last[i] as number, packets: li.packets[i] as number, line: lines[li.line[i] as number],
    });
  }
  keys.forEach((k, i) => k.heavy === undefined && setLightItems(k, table, light[i]));
  const po = t.ports;
  for (let i = 0; i < po.key.length; i++) {
    const k = keys[po.key[i] as number];
    const group = new PortGroup(0, 0, '');
    setActivity(group, po, i);
    k.heavy!.ports.set(port(po.protocol[i], po.port[i]), group);
    table.charge(k, GROUP_COST);
  }
  const wi = t.windowItems;
  for (let i = 0; i < wi.key.length; i++) {
    const k = keys[wi.key[i] as number];
    const hv = k.heavy!;
    const p = port(wi.protocol[i], wi.port[i]);
    const group = hv.ports.get(p);
    if (group === undefined) continue;
    const tg = hv.targetGroup(k, table, target[wi.target[i] as number]);
    hv.add(k, table, tg, group, tg.index * ITEM_SPAN + p, wi.last[i] as number, wi.fast[i] === true ? -Infinity : Infinity);
  }
  for (const e of doc.episodes ?? []) {
    const k = keys[e.key];
    const slow = e.window === 'long';
    const seen = new Set<number>(
      e.seenPorts !== null ? e.seenPorts.port.map((n, j) => port(e.seenPorts!.protocol[j], n)) : (e.seenTargets ?? []).map((x) => target[x]),
    );
    const ep = new Episode(e.alert, slow, slow ? w.longMs : w.fastMs, seen);
    ep.protos.push(...e.protocols.map((x) => protocol[x]));
    ep.targets.push(...e.sampledTargets.map((x) => target[x]));
    ep.probes = scanTypeMask((e.alert.evidence as { scanTypes?: unknown }).scanTypes);
    if (e.changed) w.changed.add(ep);
    table.charge(k, seen.size);
    if (e.port === null) k.heavy!.episode = ep;
    else {
      k.heavy!.ports.get(port(e.protocol, e.port))!.episode = ep;
      k.heavy!.portEpisodeEntries += seen.size;
    }
  }
  // Smaller limits than the saved detector's: forget the stalest.
  table.enforce();
}

function columns<T extends TableName>(doc: WindowsDocument, name: T): Columns<T> {
  const tbl = (doc as unknown as Record<string, unknown>)[name] as Record<string, unknown> | undefined;
  if (tbl === null || typeof tbl !== 'object') throw new Error(`detector state: no table "${name}"`);
  let rows = -1;
  for (const c of COLUMNS[name]) {
    const col = tbl[c];
    if (!Array.isArray(col)) throw new Error(`detector state: table "${name}" has no column "${c}"`);
    if (rows >= 0 && col.length !== rows) throw new Error(`detector state: column "${name}.${c}" has ${col.length} rows, not ${rows}`);
    rows = col.length;
  }
  return tbl as Columns<T>;
}
