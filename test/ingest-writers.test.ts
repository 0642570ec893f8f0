/**
 * An ingest whose source another writer advances while it reads (issue 9): two sessions on two
 * connections to one database file, the second run at a chosen moment between the first's
 * batches. The first must find its position moved, store nothing of its refused batch, and go
 * on from where the other stopped: every line once, from a file and from stdin alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openDb, closeDb } from '../src/store/db';
import { IngestSession } from '../src/pipeline/ingest';
import { openInput, openStream, type Input } from '../src/sources/inputs';
import { tempDir } from './helpers/db';
import { exactness, Seq, summary } from './helpers/live-log';

const LINES = 20_000;

/** Ingests `file` with a session of its own (its own connection), as another process would. */
async function otherWriter(dbFile: string, file: string): Promise<void> {
  const db = openDb(dbFile);
  try {
    const s = new IngestSession(db, { tz: 'UTC', year: 2024 });
    await s.ingest(await openInput(file));
    s.finish();
  } finally {
    closeDb(db);
  }
}

/** The first pass over `input` runs `between` once its first `after` bytes have been handed out. */
function interrupted(input: Input, after: number, between: () => Promise<void>): Input {
  let first = true;
  return {
    ...input,
    chunks(skip) {
      const inner = input.chunks(skip);
      if (!first) return inner;
      first = false;
      return (async function* () {
        let given = skip;
        let ran = false;
        for await (const c of inner) {
          yield c;
          given += c.length;
          if (!ran && given >= after) {
            ran = true;
            await between();
          }
        }
      })();
    },
  };
}

describe('ingest beside another writer of the same source', () => {
  let dir: string;
  let dbFile: string;
  let text: string;
  let half: string;

  beforeEach(() => {
    dir = tempDir();
    dbFile = path.join(dir, 'i.db');
    const seq = new Seq();
    text = seq.lines(LINES);
    // The other writer's copy: the same text, up to a later point than the first batch.
    half = path.join(dir, 'half.log');
    fs.writeFileSync(half, text.slice(0, text.split('\n', LINES / 2).join('\n').length + 1));
  });

  async function run(input: Input): Promise<void> {
    const db = openDb(dbFile);
    try {
      const s = new IngestSession(db, { tz: 'UTC', year: 2024 });
      // After ~5,000 lines were handed out: the first batch (4,000 records) is committed by then.
      const r = await s.ingest(interrupted(input, text.length / 4, () => otherWriter(dbFile, half)));
      s.finish();
      // Lines stored by the other writer count as already ingested, not as read by this run.
      expect(r.tally.lines + r.tally.duplicateLines).toBe(LINES);
      expect(r.tally.duplicateLines).toBeGreaterThan(0);
    } finally {
      closeDb(db);
    }
    expect(summary(exactness(dbFile, LINES))).toEqual({ stored: LINES, missing: 0, doubled: 0, unknown: 0 });
  }

  test('from a file', async () => {
    const file = path.join(dir, 'full.log');
    fs.writeFileSync(file, text);
    await run(await openInput(file));
  });

  test('from stdin (what was read past the last commit is replayed)', async () => {
    const chunks = text.match(/[^]{1,65536}/g)!.map((c) => Buffer.from(c));
    await run(await openStream('-', Readable.from(chunks)));
  });
});
