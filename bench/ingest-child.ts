/**
 * Runs one full ingest in its own process, the way `portledger ingest FILE` does (write thread
 * and parse worker), so its peak RSS is the ingest's alone.
 * Prints one JSON line: { lines, events, seconds, maxRssMb }. A third argument `no-slow-scans`
 * runs it as `--no-slow-scans` does (the 5-minute scan window only).
 */
import { ingestInThread } from '../src/pipeline/ingest-thread';

async function main(): Promise<void> {
  const [file, dbFile, mode] = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  const [r] = await ingestInThread(dbFile, [file], { tz: 'UTC', year: 2024, slowScans: mode !== 'no-slow-scans' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ lines: r.tally.lines, events: r.tally.events, seconds, maxRssMb }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
