/**
 * Runs one full ingest in its own process, so its peak RSS is the ingest's alone.
 * Prints one JSON line: { lines, events, seconds, maxRssMb }.
 */
import { openDb } from '../src/store/db';
import { IngestSession } from '../src/pipeline/ingest';
import { openInput } from '../src/sources/inputs';

async function main(): Promise<void> {
  const [file, dbFile] = process.argv.slice(2);
  const db = openDb(dbFile);
  const t0 = process.hrtime.bigint();
  const session = new IngestSession(db, { tz: 'UTC', year: 2024 });
  const r = await session.ingest(await openInput(file));
  session.finish();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ lines: r.tally.lines, events: r.tally.events, seconds, maxRssMb }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
