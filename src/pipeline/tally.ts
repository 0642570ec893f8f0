/** Per-run counts for the summary: what became events, skips and rejects, and why. */
export class Tally {
  lines = 0;
  events = 0;
  skips = 0;
  rejects = 0;
  duplicateLines = 0;
  /**
   * Sessions forgotten before their end record was read (src/pipeline/sessions.ts): past their
   * lifetime, or at the bound of open sessions per source. A later record of one counts again.
   */
  sessionsExpired = 0;
  sessionsEvicted = 0;
  /** Counts per `reasonKey` of parsers/lib/reasons.ts (the code, or the code and its detail). */
  readonly skipReasons = new Map<string, number>();
  readonly rejectReasons = new Map<string, number>();
  /** Events per format id, and rejects of lines a format recognized. */
  readonly formats = new Map<string, { events: number; rejects: number }>();

  event(format: string): void {
    this.events++;
    this.format(format, 1, 0);
  }

  skip(reason: string, n = 1): void {
    this.skips += n;
    this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + n);
  }

  reject(reason: string, format?: string, n = 1): void {
    this.rejects += n;
    this.rejectReasons.set(reason, (this.rejectReasons.get(reason) ?? 0) + n);
    if (format) this.format(format, 0, n);
  }

  format(id: string, events: number, rejects: number): void {
    let f = this.formats.get(id);
    if (!f) this.formats.set(id, (f = { events: 0, rejects: 0 }));
    f.events += events;
    f.rejects += rejects;
  }

  /** A Tally again from its structured clone (another thread's). */
  static from(data: Tally): Tally {
    const t = new Tally();
    t.add(data);
    return t;
  }

  add(other: Tally): void {
    this.lines += other.lines;
    this.events += other.events;
    this.duplicateLines += other.duplicateLines;
    this.sessionsExpired += other.sessionsExpired;
    this.sessionsEvicted += other.sessionsEvicted;
    for (const [k, v] of other.skipReasons) this.skip(k, v);
    for (const [k, v] of other.rejectReasons) this.reject(k, undefined, v);
    for (const [k, v] of other.formats) this.format(k, v.events, v.rejects);
  }
}
