/**
 * The paths `watch` follows: those given, and those its globs match — found by a scan at start,
 * every few seconds, and when chokidar reports a file not known yet. A path that goes away stays
 * watched: a rename or a delete is usually followed by a new file of that name moments later,
 * and that file must be picked up whenever it appears. One absent at two scans in a row is let
 * go (a scan finds it again if it comes back). A scan walks the folder (~15 ms for 500 files on
 * a busy machine), so it is not done on every poll, and names seen not to match are remembered.
 */
import fs from 'node:fs';

const SCAN_MS = 2000;
/** Bound on remembered non-matching names (a folder of dated logs keeps getting new ones). */
const MAX_NOT_MATCHING = 10_000;

export class WatchedPaths {
  private paths: Set<string>;
  private absentAtLastScan = new Set<string>();
  private readonly notMatching = new Set<string>();
  private lastScan = 0;

  /** `explicit`: paths given as such (always watched); `scan`: the current glob matches. */
  constructor(private readonly explicit: string[], private readonly scan: () => string[]) {
    this.paths = new Set(explicit);
    this.rescan();
  }

  all(): Iterable<string> {
    return this.paths;
  }

  /** Call on every poll: scans when it is time. */
  poll(): void {
    if (Date.now() - this.lastScan >= SCAN_MS) this.rescan();
  }

  /** chokidar reported `p` (added or changed): whether it is a watched path. */
  reported(p: string): boolean {
    if (this.paths.has(p)) return true;
    if (this.notMatching.has(p)) return false;
    this.rescan();
    if (this.paths.has(p)) return true;
    // It exists and no glob matches it: no glob ever will (matching goes by name).
    if (fs.existsSync(p)) {
      if (this.notMatching.size >= MAX_NOT_MATCHING) this.notMatching.clear();
      this.notMatching.add(p);
    }
    return false;
  }

  private rescan(): void {
    this.lastScan = Date.now();
    const now = new Set([...this.explicit, ...this.scan()]);
    const absent = new Set<string>();
    for (const p of this.paths) {
      if (now.has(p) || this.absentAtLastScan.has(p)) continue;
      now.add(p);
      absent.add(p);
    }
    this.paths = now;
    this.absentAtLastScan = absent;
  }
}
