import cliProgress from 'cli-progress';
import { terminalSafe } from '../util/terminal-text';

/** A progress bar on stderr when it is a terminal (file name, bytes, lines/s, ETA); silent otherwise. */
export function progressBar(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { start() {}, update() {}, stop() {} };
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{name} |{bar}| {percentage}% {mb}/{totalmb} MB | {rate} lines/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let base = 0;
  let baseLines = 0;
  return {
    start(name: string, total: number) {
      bar.start(Math.max(total, 1), 0, { name: terminalSafe(name), mb: '0.0', totalmb: (total / 1e6).toFixed(1), rate: 0 });
      base = 0;
    },
    update(bytes: number, lines: number) {
      const secs = (Date.now() - started) / 1000;
      baseLines = Math.max(baseLines, lines);
      bar.update(bytes - base, { mb: (bytes / 1e6).toFixed(1), rate: secs > 0 ? Math.round(baseLines / secs).toLocaleString('en-US') : 0 });
    },
    stop() {
      bar.stop();
    },
  };
}
