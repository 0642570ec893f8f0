/**
 * The light form: a key's items inline in its record (no maps, no per-target or per-port
 * records). Most keys never leave it — a source seen a handful of times costs one small object —
 * and none can meet a threshold in it: keys are promoted on the item that would give them as many
 * distinct items as the smallest threshold (a source needs 15 distinct ports of one target, or 25
 * targets on one port, so one with 14 items of any kind cannot be a scan yet). With the 24-hour
 * window this is what keeps the long window cheap: most sources probe a few items a day and stay
 * light all day; only the few that probe enough distinct items to matter get the heavy form.
 */
import type { KeptLine } from '../lines';
import type { Budget, LightItem } from './records';
import type { Tracked } from './tracked';

/** Most items a key keeps in the light form (the rules' smallest threshold, less one, may lower it). */
export const LIGHT_ITEMS = 24;

/** Counts the event on the item it repeats, if the key has it. */
export function updateLight(k: Tracked, target: number, port: number, t: number, packets: number): boolean {
  if (k.lightCount > 0 && k.target0 === target && k.port0 === port) {
    if (t > k.last0) k.last0 = t;
    k.packets0 += packets;
    return true;
  }
  const m = k.more;
  if (m === undefined) return false;
  for (let i = 0; i < m.length; i += 5) {
    if (m[i] === target && m[i + 1] === port) {
      if (t > m[i + 3]) m[i + 3] = t;
      m[i + 4] += packets;
      return true;
    }
  }
  return false;
}

/** A new item, below the light limit. */
export function addLight(k: Tracked, budget: Budget, target: number, port: number, t: number, packets: number, line: KeptLine): void {
  if (k.lightCount === 0) {
    setFirst(k, target, port, t, t, packets, line);
    k.lightOldest = t;
  } else {
    (k.more ??= []).push(target, port, t, t, packets);
    (k.moreLines ??= []).push(line);
  }
  k.lightCount++;
  budget.charge(k, 1);
}

/** The key was quiet for a whole long window: the event is its only item. */
export function restartLight(k: Tracked, budget: Budget, target: number, port: number, t: number, packets: number, line: KeptLine): void {
  budget.charge(k, 1 - k.lightCount);
  setFirst(k, target, port, t, t, packets, line);
  k.lightCount = 1;
  k.lightOldest = t;
  k.more = k.moreLines = undefined;
}

/**
 * Drops the items last seen before `cut`, in place; call it when `k.lightOldest` is before the cut
 * (it then becomes the oldest item's time again, so a key active for days prunes once per item
 * that leaves, not on every event).
 */
export function pruneLight(k: Tracked, budget: Budget, cut: number): void {
  let dropped = 0;
  let oldest = Infinity;
  const m = k.more;
  if (m !== undefined) {
    const lines = k.moreLines!;
    let kept = 0;
    for (let i = 0; i < m.length; i += 5) {
      if (m[i + 3] < cut) continue;
      if (m[i + 3] < oldest) oldest = m[i + 3];
      if (kept !== i) {
        for (let j = 0; j < 5; j++) m[kept + j] = m[i + j];
        lines[kept / 5] = lines[i / 5];
      }
      kept += 5;
    }
    dropped = (m.length - kept) / 5;
    m.length = kept;
    lines.length = kept / 5;
  }
  if (k.lightCount > 0 && k.last0 < cut) {
    dropped++;
    const more = k.more;
    if (more !== undefined && more.length > 0) {
      // The next item moves inline.
      setFirst(k, more[0], more[1], more[2], more[3], more[4], k.moreLines![0]);
      more.splice(0, 5);
      k.moreLines!.splice(0, 1);
    } else k.line0 = '';
  } else if (k.lightCount > 0 && k.last0 < oldest) oldest = k.last0;
  k.lightOldest = oldest;
  if (dropped === 0) return;
  k.lightCount -= dropped;
  budget.charge(k, -dropped);
  if (k.more !== undefined && k.more.length === 0) k.more = k.moreLines = undefined;
}

export function lightItems(k: Tracked): LightItem[] {
  const out: LightItem[] = [];
  if (k.lightCount > 0) out.push({ target: k.target0, port: k.port0, first: k.first0, last: k.last0, packets: k.packets0, line: k.line0 });
  const m = k.more;
  if (m !== undefined) {
    for (let i = 0; i < m.length; i += 5) {
      out.push({ target: m[i], port: m[i + 1], first: m[i + 2], last: m[i + 3], packets: m[i + 4], line: k.moreLines![i / 5] });
    }
  }
  return out;
}

export function setLightItems(k: Tracked, budget: Budget, items: LightItem[]): void {
  budget.charge(k, items.length - k.lightCount);
  k.lightCount = items.length;
  k.more = k.moreLines = undefined;
  if (items.length === 0) {
    k.line0 = '';
    return;
  }
  const p = items[0];
  setFirst(k, p.target, p.port, p.first, p.last, p.packets, p.line);
  k.lightOldest = Math.min(...items.map((q) => q.last));
  for (const q of items.slice(1)) {
    (k.more ??= []).push(q.target, q.port, q.first, q.last, q.packets);
    (k.moreLines ??= []).push(q.line);
  }
}

export function shiftLight(k: Tracked, delta: number): void {
  k.first0 -= delta;
  k.last0 -= delta;
  k.lightOldest -= delta;
  const m = k.more;
  if (m === undefined) return;
  for (let i = 0; i < m.length; i += 5) {
    m[i + 2] -= delta;
    m[i + 3] -= delta;
  }
}

function setFirst(k: Tracked, target: number, port: number, first: number, last: number, packets: number, line: KeptLine): void {
  k.target0 = target;
  k.port0 = port;
  k.first0 = first;
  k.last0 = last;
  k.packets0 = packets;
  k.line0 = line;
}
