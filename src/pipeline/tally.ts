/** Per-source counts for the summary: what became events, skips and rejects, and why. */
export class Tally {
  lines = 0;
  events = 0;
  skips = 0;
  rejects = 0;
  duplicateLines = 0;
  readonly skipReasons = new Map<string, number>();
  readonly rejectReasons = new Map<string, number>();
  /** Events per format id, and rejects of lines a format recognized. */
  readonly formats = new Map<string, { events: number; rejects: number }>();
  private committed = { events: 0, skips: 0, rejects: 0 };

  event(format: string): void {
    this.events++;
    this.fmt(format).events++;
  }

  skip(reason: string): void {
    this.skips++;
    this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + 1);
  }

  reject(reason: string, format?: string): void {
    this.rejects++;
    this.rejectReasons.set(reason, (this.rejectReasons.get(reason) ?? 0) + 1);
    if (format) this.fmt(format).rejects++;
  }

  /** Counts since the last call, for the per-source coverage columns. */
  takeDelta(): { events: number; skips: number; rejects: number } {
    const d = { events: this.events - this.committed.events, skips: this.skips - this.committed.skips, rejects: this.rejects - this.committed.rejects };
    this.committed = { events: this.events, skips: this.skips, rejects: this.rejects };
    return d;
  }

  add(other: Tally): void {
    this.lines += other.lines;
    this.events += other.events;
    this.skips += other.skips;
    this.rejects += other.rejects;
    this.duplicateLines += other.duplicateLines;
    for (const [k, v] of other.skipReasons) this.skipReasons.set(k, (this.skipReasons.get(k) ?? 0) + v);
    for (const [k, v] of other.rejectReasons) this.rejectReasons.set(k, (this.rejectReasons.get(k) ?? 0) + v);
    for (const [k, v] of other.formats) {
      const f = this.fmt(k);
      f.events += v.events;
      f.rejects += v.rejects;
    }
  }

  private fmt(id: string): { events: number; rejects: number } {
    let f = this.formats.get(id);
    if (!f) this.formats.set(id, (f = { events: 0, rejects: 0 }));
    return f;
  }
}
