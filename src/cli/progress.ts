import cliProgress from 'cli-progress';
import { terminalSafe } from '../util/terminal-text';
import type { FinishStep, StoredProgress } from '../pipeline/ingest';

const STEP_TEXT: Record<FinishStep, string> = {
  detectors: 'saving detector state',
  rollups: 'settling the report rollups',
  checkpoint: 'writing the database file (WAL checkpoint)',
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
}

/**
 * What the ingest progress bar says, from what the pipeline reports as stored (committed), never
 * from what the reader has read ahead: the reader can be far ahead of the store, and a bar that
 * follows it sits at 84 % while the store catches up. After the last batch comes a finishing
 * phase (detector state, rollups, checkpoint) that the bar names. Time comes in as an argument,
 * so the model is testable without a clock.
 */
export class IngestProgress {
  private name = '';
  private size = 0;
  private gzip = false;
  private stored: StoredProgress | undefined;
  private startedAt = 0;
  private done = false;
  private step: { step: FinishStep; at: number } | undefined;

  start(name: string, size: number, gzip: boolean, now: number): void {
    Object.assign(this, { name, size, gzip, stored: undefined, startedAt: now, step: undefined, done: false });
  }

  update(p: StoredProgress): void {
    this.stored = p;
  }

  /** The file is read and stored to its end. */
  fileDone(): void {
    this.done = true;
  }

  finishing(step: FinishStep, now: number): void {
    this.step = { step, at: now };
    this.done = true;
  }

  /** Text size of the input: its size, or for gzip its size scaled by the text per disk byte read so far. */
  private textSize(): number | undefined {
    if (this.size <= 0) return undefined;
    if (!this.gzip) return this.size;
    const s = this.stored;
    if (!s || s.readDisk <= 0 || s.readText <= 0) return undefined;
    return Math.max(s.offset, (this.size * s.readText) / s.readDisk);
  }

  /** Share of the input stored, 0..1, or undefined when it cannot be told (stdin, a gzip before its first batch). */
  fraction(): number | undefined {
    if (this.done || this.step) return 1;
    const total = this.textSize();
    if (total === undefined) return undefined;
    // Never 100 % before the last batch is committed.
    return Math.min((this.stored?.offset ?? 0) / total, 0.999);
  }

  /** The text after the bar: events stored, rate, ETA; or the finishing step and its time. */
  status(now: number): string {
    if (this.step) return `finishing: ${STEP_TEXT[this.step.step]} (${duration((now - this.step.at) / 1000)})`;
    const s = this.stored;
    if (!s) return 'reading…';
    const secs = (now - this.startedAt) / 1000;
    const lines = s.lines - s.fromLines;
    const parts = [`${fmt(s.events)} events stored`, `${secs > 0 ? fmt(lines / secs) : 0} lines/s`];
    const f = this.fraction();
    const total = this.textSize();
    if (f !== undefined && total !== undefined && !this.done) {
      const gained = s.offset - s.fromOffset;
      parts.push(`ETA ${gained > 0 && secs > 0 ? duration(((total - s.offset) * secs) / gained) : '?'}`);
    }
    return parts.join(' | ');
  }

  line(now: number, barWidth: number): string {
    const f = this.fraction();
    const bar = f === undefined ? '' : ` |${'█'.repeat(Math.round(f * barWidth)).padEnd(barWidth, '░')}| ${Math.floor(f * 100)}%`;
    return `${terminalSafe(this.name)}${bar} | ${this.status(now)}`;
  }
}

/** A progress bar on stderr when it is a terminal (see IngestProgress); silent otherwise. */
export function progressBar(enabled: boolean) {
  const model = new IngestProgress();
  if (!enabled || !process.stderr.isTTY) {
    return { start(_n: string, _s: number, _g = false) {}, update(_p: StoredProgress) {}, fileDone() {}, finishing(_s: FinishStep) {}, stop() {} };
  }
  // The formatter draws the model at every redraw; cli-progress redraws on a timer, so the
  // finishing phase's seconds tick while the write thread works.
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: () => model.line(Date.now(), 30),
    hideCursor: true,
    clearOnComplete: true,
  });
  let running = false;
  const show = () => {
    if (!running) bar.start(1, 0);
    running = true;
    bar.update(model.fraction() ?? 0);
  };
  return {
    start(name: string, size: number, gzip = false) {
      model.start(name, size, gzip, Date.now());
      show();
    },
    update(p: StoredProgress) {
      model.update(p);
      show();
    },
    fileDone() {
      model.fileDone();
      if (running) show();
    },
    finishing(step: FinishStep) {
      model.finishing(step, Date.now());
      if (!running) return;
      show();
      // Drawn now: on the main thread (stdin) the step runs synchronously, before any timer.
      bar.render();
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
