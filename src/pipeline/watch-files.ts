/**
 * `portledger watch`: chokidar tells which files appear and change; a poll every quarter second
 * catches what events miss. Rotation, every style:
 * - rename + create, delete + recreate: the old file is held open and drained to its end (for a
 *   grace period, since writers take a moment to reopen) while the new one is read from 0;
 * - copytruncate, truncation: the path now holds new text, read from 0 as a new source; a
 *   rotated copy matched by the glob continues the old source from its saved position, so the
 *   lines written just before the copy are not lost;
 * - compressed rotated files are never read (their text was read before it was compressed).
 * One source is read by one follower at a time, so a copy and its original never both read the
 * same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileFollower } from '../sources/follow';
import { sha256 } from '../util/hash';
import type { LivePipeline, LiveSource } from './live';

export interface WatchOptions {
  pollMs?: number;
  /** How long a replaced or deleted file is still read after it stops growing. */
  drainGraceMs?: number;
  onError?: (e: Error) => void;
}

interface Followed {
  f: FileFollower;
  src: LiveSource;
  /** Set while draining: read until this time passes with nothing new. */
  until?: number;
}

const TAIL = 256;

function isGzip(file: string): boolean {
  if (/\.(gz|tgz|bz2|xz|zst|zip)$/i.test(file)) return true;
  try {
    const fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(2);
    const n = fs.readSync(fd, b, 0, 2, 0);
    fs.closeSync(fd);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } catch {
    return false;
  }
}

export class FileWatch {
  private readonly active = new Map<string, Followed>();
  private draining: Followed[] = [];
  /** Paths seen but not followed yet (empty, or their source is being read by another follower). */
  private readonly pending = new Set<string>();
  private watcher?: { close(): Promise<void> };
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly patterns: string[], private readonly live: LivePipeline, private readonly opts: WatchOptions = {}) {}

  async start(): Promise<void> {
    // chokidar 4 is CommonJS-loadable, so Jest and the built CLI load it the same way.
    const chokidar = await import('chokidar');
    const { globSync, isDynamicPattern } = await import('tinyglobby');
    const roots = this.patterns.map((p) => (isDynamicPattern(p) ? path.dirname(p.split(/[*?[{]/)[0] + 'x') : p));
    const matches = (p: string) => this.patterns.some((pat) => path.resolve(pat) === path.resolve(p)) || globSync(this.patterns, { absolute: true }).includes(path.resolve(p));
    const w = chokidar.watch(roots, { ignoreInitial: false, persistent: true, depth: 0 });
    w.on('add', (p: string) => matches(p) && this.consider(p));
    w.on('change', () => this.tick());
    w.on('unlink', () => this.tick());
    w.on('error', (e: unknown) => this.opts.onError?.(e instanceof Error ? e : new Error(String(e))));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    this.watcher = w;
    for (const p of globSync(this.patterns, { absolute: true })) this.consider(p);
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.pollMs ?? 250);
  }

  /** Stops watching; what is complete is committed already, a partial last line waits for the next run. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.watcher?.close();
    for (const x of [...this.active.values(), ...this.draining]) x.f.close();
    this.active.clear();
    this.draining = [];
  }

  /** Files currently followed (for the live panel and tests). */
  followed(): string[] {
    return [...this.active.keys()];
  }

  private consider(p: string): void {
    const abs = path.resolve(p);
    if (this.active.has(abs) || isGzip(abs)) return;
    this.pending.add(abs);
    this.tick();
  }

  /** One pass over every file; never overlaps itself. */
  tick(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const p of [...this.pending]) this.tryOpen(p);
      for (const [p, x] of [...this.active]) this.step(p, x);
      this.drainStep();
    } catch (e) {
      this.opts.onError?.(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.busy = false;
    }
  }

  private step(p: string, x: Followed): void {
    const state = x.f.pathState();
    if (state === 'same') return this.read(x);
    this.active.delete(p);
    if (state === 'truncated') {
      // The text we followed is gone (copied elsewhere, or thrown away); the path has new text.
      x.f.close();
    } else {
      x.until = Date.now() + (this.opts.drainGraceMs ?? 5000);
      this.draining.push(x);
    }
    this.pending.add(p);
    this.tryOpen(p);
  }

  private drainStep(): void {
    const keep: Followed[] = [];
    for (const x of this.draining) {
      const before = x.f.offset;
      this.read(x);
      if (x.f.offset !== before) x.until = Date.now() + (this.opts.drainGraceMs ?? 5000);
      if (Date.now() < x.until!) keep.push(x);
      else {
        const rest = x.f.drain();
        if (rest.records.length > 0) this.live.process(x.src, rest, this.tail(x.f, rest.endOffset));
        x.f.close();
      }
    }
    this.draining = keep;
  }

  private read(x: Followed): void {
    for (let b = x.f.readNew(); b; b = x.f.readNew()) {
      if (b.records.length === 0 && b.endOffset === x.src.row.offset) continue;
      this.live.process(x.src, b, this.tail(x.f, b.endOffset));
    }
  }

  private tryOpen(p: string): void {
    const probe = FileFollower.open(p);
    if (!probe) return void this.pending.delete(p); // gone again
    // A file we already read under another name (a rename matched by the glob): keep reading it there.
    const same = this.draining.find((x) => x.f.dev === probe.dev && x.f.ino === probe.ino);
    if (same || [...this.active.values()].some((x) => x.f.dev === probe.dev && x.f.ino === probe.ino)) {
      probe.close();
      return void this.pending.delete(p);
    }
    const head = probe.head();
    if (head.length === 0) return void probe.close(); // nothing to identify it by yet; stays pending
    const src = this.live.fileSource(p, head, (o, l) => probe.bytesBefore(o, l), probe.size());
    const holder = [...this.active.values(), ...this.draining].find((x) => x.src.row.id === src.row.id);
    probe.close();
    if (holder) return; // another follower reads this text now; try again when it lets go
    const f = FileFollower.open(p, src.row.offset, src.row.lines);
    if (!f) return void this.pending.delete(p);
    this.pending.delete(p);
    const x: Followed = { f, src };
    this.active.set(p, x);
    this.read(x);
  }

  private tail(f: FileFollower, offset: number): string {
    return sha256(f.bytesBefore(offset, TAIL));
  }
}
