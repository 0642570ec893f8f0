/**
 * `portledger watch`: chokidar tells which files appear and change; a poll every quarter second
 * catches what events miss. A watched path — given, or matched by a glob — stays watched while
 * it is absent and is picked up whenever it appears (watched-paths.ts). Rotation, every style:
 * - rename + create, delete + recreate: the old file is held open and drained to its end (for a
 *   grace period, since writers take a moment to reopen) while the new one is read from 0,
 *   however late it appears;
 * - copytruncate, truncation (also when the file grew back past the read position between two
 *   looks): the path now holds new text, read from 0 as a new source; a rotated copy matched by
 *   the glob continues the old source from its saved position once it has reached it (a copy
 *   still being written is waited for), so the lines written just before the copy are not lost;
 * - compressed rotated files are never read (their text was read before it was compressed).
 * One source is read by one follower at a time, so a copy and its original never both read the
 * same bytes. The read position moves only with a commit: a commit that fails (database busy or
 * full) rewinds the follower to the committed position and the watch retries with backoff; a
 * commit refused because another writer stored part of the text resyncs to where it stored to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileFollower, type FollowBatch } from '../sources/follow';
import { SourceMoved, type StoredPosition } from '../store/sources';
import type { LivePipeline, LiveSource } from './live';
import { WatchedPaths } from './watched-paths';

export interface WatchOptions {
  pollMs?: number;
  /** How long a replaced or deleted file is still read after it stops growing. */
  drainGraceMs?: number;
  onError?: (e: Error) => void;
  /** Told once when storing starts failing (and why), once when it works again. */
  onNotice?: (message: string) => void;
  /** Told when a file opened with CATCH_UP_BYTES or more of unread text begins to be read. */
  onCatchUp?: (c: CatchUp) => void;
}

interface Followed {
  f: FileFollower;
  src: LiveSource;
  /** Set while draining: read until this time passes with nothing new. */
  until?: number;
  /** Set while the text already in the file when it was opened is being read (see CatchUp). */
  catchUp?: { fromOffset: number; fromLines: number; since: number };
}

/**
 * A file opened with much unread text (a large existing log): how far reading it has got. The
 * watch reads it in slices of READ_SLICE_MS, so the panel and progress lines keep running, and
 * it is caught up when a read reaches the end of the file.
 */
export interface CatchUp {
  path: string;
  /** Bytes of the file read (committed) so far, and the file's size now. */
  offset: number;
  size: number;
  /** Lines read so far, and during this catch-up. */
  lines: number;
  linesRead: number;
  /** Bytes and milliseconds since the catch-up began (the rate). */
  bytesRead: number;
  elapsedMs: number;
}

/** Unread text at opening from which a file counts as catching up. */
export const CATCH_UP_BYTES = 1024 * 1024;
/** The longest one file is read for in one pass before the event loop gets a turn. */
const READ_SLICE_MS = 200;
/** Bytes committed at a time: small enough that a slice on a slow, busy machine ends near its time. */
const READ_BATCH_BYTES = 1024 * 1024;

/** Backoff after a failed commit: doubles from the first to the last, and stays there. */
const BACKOFF_MS = [250, 500, 1000, 2000, 5000];

function compressedName(file: string): boolean {
  return /\.(gz|tgz|bz2|xz|zst|zip)$/i.test(file);
}

function gzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export class FileWatch {
  private readonly active = new Map<string, Followed>();
  private draining: Followed[] = [];
  private watched = new WatchedPaths([], () => []);
  /** Paths looked at and left alone (a copy shorter than its source's position, a gzip), by what they were then. */
  private readonly leftAlone = new Map<string, string>();
  private watcher?: { close(): Promise<void> };
  private timer?: NodeJS.Timeout;
  private busy = false;
  private failures = 0;
  private retryAt = 0;
  private problem?: string;
  private stopped = false;
  /** A pass left text unread (a slice ran out): the next pass runs as soon as the event loop allows. */
  private more = false;
  private soon?: NodeJS.Immediate;
  /** Catch-ups that ended since the last call of `caughtUp`. */
  private finished: CatchUp[] = [];

  constructor(private readonly patterns: string[], private readonly live: LivePipeline, private readonly opts: WatchOptions = {}) {}

  async start(): Promise<void> {
    // chokidar 4 is CommonJS-loadable, so Jest and the built CLI load it the same way.
    const chokidar = await import('chokidar');
    const { globSync, isDynamicPattern } = await import('tinyglobby');
    const globs = this.patterns.filter((p) => isDynamicPattern(p));
    const explicit = this.patterns.filter((p) => !isDynamicPattern(p)).map((p) => path.resolve(p));
    this.watched = new WatchedPaths(explicit, () => (globs.length ? globSync(globs, { absolute: true }).map((p) => path.resolve(p)) : []));
    const roots = this.patterns.map((p) => (isDynamicPattern(p) ? path.dirname(p.split(/[*?[{]/)[0] + 'x') : p));
    const w = chokidar.watch(roots, { ignoreInitial: false, persistent: true, depth: 0 });
    // A file (re)created within moments of its removal is reported as a change, not an add:
    // both may name a file to pick up.
    const seen = (p: string) => this.watched.reported(path.resolve(p)) && this.tick();
    w.on('add', seen);
    w.on('change', seen);
    w.on('unlink', () => this.tick());
    w.on('error', (e: unknown) => this.opts.onError?.(e instanceof Error ? e : new Error(String(e))));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    this.watcher = w;
    this.tick();
    this.timer = setInterval(() => {
      this.watched.poll();
      this.tick();
    }, this.opts.pollMs ?? 250);
  }

  /** Stops watching; what is complete is committed already, a partial last line waits for the next run. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    await this.watcher?.close();
    for (const x of [...this.active.values(), ...this.draining]) x.f.close();
    this.active.clear();
    this.draining = [];
  }

  /** Files currently followed (for the live panel and tests). */
  followed(): string[] {
    return [...this.active.keys()];
  }

  /** Files still reading the text they held when opened, with how far they have got. */
  catchingUp(): CatchUp[] {
    const out: CatchUp[] = [];
    for (const [p, x] of this.active) if (x.catchUp) out.push(this.progressOf(p, x));
    return out;
  }

  /** Catch-ups finished since the last call (each reported once). */
  caughtUp(): CatchUp[] {
    const done = this.finished;
    this.finished = [];
    return done;
  }

  private progressOf(p: string, x: Followed): CatchUp {
    const c = x.catchUp!;
    let size = x.f.offset;
    try {
      size = Math.max(size, x.f.size());
    } catch {
      // closed meanwhile: the position is all there is
    }
    return {
      path: p, offset: x.f.offset, size, lines: x.src.row.lines, linesRead: x.src.row.lines - c.fromLines,
      bytesRead: x.f.offset - c.fromOffset, elapsedMs: Date.now() - c.since,
    };
  }

  /** Why nothing is being stored right now (the database is locked, the disk is full), if so. */
  storeProblem(): string | undefined {
    return this.problem;
  }

  /** One pass over every file; never overlaps itself, and waits out the backoff after a failed commit. */
  tick(): void {
    if (this.stopped || this.busy || Date.now() < this.retryAt) return;
    this.busy = true;
    this.more = false;
    try {
      for (const p of this.watched.all()) if (!this.active.has(p)) this.tryOpen(p);
      for (const [p, x] of [...this.active]) this.step(p, x);
      this.drainStep();
      this.stored();
    } catch (e) {
      this.notStored(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.busy = false;
    }
    // A large file is read slice by slice, each pass right after the last, with the event loop
    // (the panel, signals, the dashboard) served in between.
    if (this.more && !this.stopped && !this.soon) {
      this.soon = setImmediate(() => {
        this.soon = undefined;
        this.tick();
      });
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
    this.tryOpen(p);
  }

  private drainStep(): void {
    for (const x of [...this.draining]) {
      const before = x.f.offset;
      this.read(x);
      if (!this.draining.includes(x)) continue; // let go by a resync
      if (x.f.offset !== before) x.until = Date.now() + (this.opts.drainGraceMs ?? 5000);
      if (Date.now() < x.until!) continue;
      const rest = x.f.drain();
      if (rest && rest.records.length > 0 && !this.commit(x, rest)) continue;
      x.f.close();
      this.draining = this.draining.filter((d) => d !== x);
    }
  }

  /** Reads what is new, for one slice of time at most; what is left waits for the next pass. */
  private read(x: Followed): void {
    const end = Date.now() + READ_SLICE_MS;
    for (let b = x.f.readNew(READ_BATCH_BYTES); b; b = x.f.readNew(READ_BATCH_BYTES)) {
      if (b.records.length === 0 && b.endOffset === x.src.row.offset) continue;
      if (!this.commit(x, b)) return;
      if (Date.now() >= end) {
        this.more = true;
        if (!x.catchUp || x.f.offset < x.f.size()) return;
        break; // the slice ended at the end of the file: caught up
      }
    }
    if (x.catchUp) {
      const p = [...this.active].find(([, a]) => a === x)?.[0] ?? x.f.path;
      this.finished.push(this.progressOf(p, x));
      x.catchUp = undefined;
    }
  }

  /**
   * Commits one batch. False when another writer had stored part of this text: the follower is
   * resynced to where that writer got to (or let go) and its current batch is dropped. A commit
   * that fails rewinds the follower to the committed position and rethrows (tick backs off).
   */
  private commit(x: Followed, b: FollowBatch): boolean {
    try {
      this.live.process(x.src, b, b.tailHash, x.f.readHead());
      return true;
    } catch (e) {
      if (e instanceof SourceMoved) {
        this.resync(x, e.stored);
        return false;
      }
      x.f.rewind(x.src.row.offset, x.src.row.lines);
      throw e;
    }
  }

  /** Goes on from where another writer stored this text to, when this file holds that text. */
  private resync(x: Followed, stored: StoredPosition): void {
    Object.assign(x.src.row, stored);
    const f = x.f;
    const sameText = f.size() >= stored.offset && (!stored.tail_hash || f.tailHash(stored.offset) === stored.tail_hash);
    if (sameText) return f.rewind(stored.offset, stored.lines);
    // The other writer read further than this file reaches (a shorter copy), or other text: an
    // active file is decided afresh (tryOpen waits for it, or makes it a source of its own); a
    // draining one has nothing that is not stored.
    f.close();
    for (const [p, a] of this.active) if (a === x) this.active.delete(p);
    this.draining = this.draining.filter((d) => d !== x);
  }

  private tryOpen(p: string): void {
    const f = FileFollower.open(p);
    if (!f) return; // absent for now: stays watched
    let src: LiveSource | undefined;
    try {
      src = this.sourceOf(p, f);
    } finally {
      if (!src) f.close();
    }
    if (!src) return;
    f.rewind(src.row.offset, src.row.lines);
    const x: Followed = { f, src };
    if (f.size() - src.row.offset >= CATCH_UP_BYTES) {
      x.catchUp = { fromOffset: src.row.offset, fromLines: src.row.lines, since: Date.now() };
      this.opts.onCatchUp?.(this.progressOf(p, x));
    }
    this.active.set(p, x);
    this.read(x);
  }

  /** The source to follow `f` (just opened at `p`) as, or undefined to leave it for now. */
  private sourceOf(p: string, f: FileFollower): LiveSource | undefined {
    // A file we already read under another name (a rename matched by the glob): keep reading it there.
    const followers = [...this.active.values(), ...this.draining];
    if (followers.some((x) => x.f.dev === f.dev && x.f.ino === f.ino)) return undefined;
    const size = f.size();
    const state = `${f.dev}:${f.ino}:${size}`;
    if (this.leftAlone.get(p) === state) return undefined;
    const head = f.firstBytes();
    if (head.length === 0) return undefined; // nothing to identify it by yet
    if (compressedName(p) || gzipMagic(head)) return void this.leftAlone.set(p, state);
    // A copy in progress may be too short for the stored fingerprint: the text a follower here
    // has read starting with these bytes says which source it is a copy of.
    const twin = followers.find((x) => head.length < x.f.readHead().length && x.f.readHead().subarray(0, head.length).equals(head));
    const src = this.live.fileSource(p, { head, size, bytesBefore: (o, l) => f.bytesBefore(o, l) }, twin?.src.row.id);
    if (src === 'wait') return void this.leftAlone.set(p, state);
    this.leftAlone.delete(p);
    // Another follower reads this text now; try again when it lets go.
    if (followers.some((x) => x.src.row.id === src.row.id)) return undefined;
    return src;
  }

  private failedSince = 0;

  private stored(): void {
    if (this.problem === undefined) return;
    this.opts.onNotice?.(`storing again (${this.problem} for ${Math.round((Date.now() - this.failedSince) / 1000)} s; nothing was lost)`);
    this.problem = undefined;
    this.failures = 0;
  }

  /** Nothing could be stored (busy, full, …): say so once, keep every position, retry with backoff. */
  private notStored(e: Error): void {
    const why = e.message.replace(/\s+/g, ' ').trim();
    if (this.problem !== why) {
      if (this.problem === undefined) this.failedSince = Date.now();
      const code = (e as { code?: unknown }).code;
      const what = typeof code === 'string' && code.startsWith('SQLITE') ? `cannot store (${why})` : why;
      this.opts.onNotice?.(`${what}: keeping the read positions and retrying`);
      this.problem = why;
    }
    this.retryAt = Date.now() + BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    this.failures++;
  }
}
