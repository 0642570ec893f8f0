/**
 * The source stage for one-shot reading: plain files, gzip files (by magic bytes, whatever the
 * name) and stdin, each exposed as its first bytes (for the fingerprint) and a chunk stream
 * that can start past what an earlier run already consumed.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { FINGERPRINT_BYTES } from './fingerprint';

const CHUNK = 256 * 1024;

export interface Input {
  /** Path as given, or `-` for stdin. */
  name: string;
  kind: 'file' | 'gzip' | 'stdin';
  /** Up to FINGERPRINT_BYTES of the (decompressed) text. */
  head: Buffer;
  /** Size on disk (compressed for gzip), for progress; undefined for stdin. */
  size?: number;
  /**
   * When the text was last written: the file's modification time; now for stdin, which is
   * written while it is read. Year-less stamps are placed before it, and stamps more than a day
   * past it are rejects.
   */
  reference(): number;
  dev?: number;
  ino?: number;
  /** Chunks of (decompressed) text from byte `skip` on. */
  chunks(skip: number): AsyncIterable<Buffer>;
  /** Bytes read from disk so far (compressed for gzip), for progress. */
  bytesRead(): number;
  /** The `len` bytes before `offset`, when they can be read without re-reading the text. */
  bytesBefore?(offset: number, len: number): Buffer;
  /**
   * Told that the text up to `offset` is stored: a stream read once (stdin) keeps what follows,
   * so `chunks` can start again from any later position (after another writer stored part of
   * the same text).
   */
  committed?(offset: number): void;
}

/** Reads at least `n` bytes (or to the end) without closing the stream, which stays usable. */
function readUpTo(stream: Readable, n: number): Promise<{ head: Buffer; rest: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      stream.pause();
      const all = Buffer.concat(parts);
      resolve({ head: all.subarray(0, n), rest: [all.subarray(n)], ended });
    };
    const onData = (c: Buffer) => {
      parts.push(c);
      total += c.length;
      if (total >= n) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (e: Error) => reject(e);
    stream.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

async function* skipBytes(source: AsyncIterable<Buffer>, skip: number): AsyncIterable<Buffer> {
  let left = skip;
  for await (const c of source) {
    if (left >= c.length) {
      left -= c.length;
      continue;
    }
    yield left > 0 ? c.subarray(left) : c;
    left = 0;
  }
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export async function openInput(name: string): Promise<Input> {
  if (name === '-') return openStream('-', process.stdin);
  let st: fs.Stats;
  try {
    st = fs.statSync(name);
  } catch {
    throw new Error(`cannot read ${name}: no such file`);
  }
  if (st.isDirectory()) throw new Error(`${name} is a directory; give files or a glob such as '${name}/*.log'`);
  const mtime = st.mtimeMs;
  const base = { name, size: st.size, reference: () => mtime, dev: st.dev, ino: st.ino };
  let read = 0;
  const counted = (s: fs.ReadStream): fs.ReadStream => {
    s.on('data', (c) => (read += c.length));
    return s;
  };
  if (isGzip(name)) {
    const probe = fs.createReadStream(name).pipe(zlib.createGunzip());
    const { head } = await readUpTo(probe, FINGERPRINT_BYTES).catch(() => ({ head: Buffer.alloc(0) }));
    probe.destroy();
    return {
      ...base,
      kind: 'gzip',
      head,
      bytesRead: () => read,
      chunks: (skip) => skipBytes(counted(fs.createReadStream(name, { highWaterMark: CHUNK })).pipe(zlib.createGunzip({ chunkSize: 256 * 1024 })), skip),
    };
  }
  const fd = fs.openSync(name, 'r');
  const head = Buffer.alloc(Math.min(FINGERPRINT_BYTES, st.size));
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return {
    ...base,
    kind: 'file',
    head,
    bytesRead: () => read,
    chunks: (skip) => {
      read = skip;
      return counted(fs.createReadStream(name, { start: skip, highWaterMark: CHUNK }));
    },
    bytesBefore: (offset, len) => {
      const from = Math.max(0, offset - len);
      const b = Buffer.alloc(offset - from);
      const f = fs.openSync(name, 'r');
      try {
        fs.readSync(f, b, 0, b.length, from);
      } finally {
        fs.closeSync(f);
      }
      return b;
    },
  };
}

/**
 * A stream read once (stdin): its head is buffered for the fingerprint, then replayed. What was
 * read past the last committed position is kept, so reading can start again from there.
 */
export async function openStream(name: string, stdin: Readable): Promise<Input> {
  const { head, rest, ended } = await readUpTo(stdin, FINGERPRINT_BYTES);
  // Pulled by hand and never returned, so that abandoning one pass does not destroy the stream.
  const source = ended ? undefined : (stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const kept: { at: number; buf: Buffer }[] = [];
  let pulled = 0;
  const keep = (buf: Buffer) => {
    if (buf.length === 0) return;
    kept.push({ at: pulled, buf });
    pulled += buf.length;
  };
  keep(Buffer.concat([head, ...rest]));
  let done = !source;
  // Only a reader that says what is committed (ingest) needs the replay; others (parse) would
  // only pile the whole stream up in memory.
  let replay = false;
  async function* from(skip: number): AsyncIterable<Buffer> {
    for (let pos = skip; ; ) {
      const c = kept.find((k) => k.at + k.buf.length > pos);
      if (c) {
        const part = c.buf.subarray(Math.max(0, pos - c.at));
        pos = c.at + c.buf.length;
        if (!replay) kept.splice(kept.indexOf(c), 1);
        yield part;
        continue;
      }
      if (done) return;
      const r = await source!.next();
      if (r.done) done = true;
      else keep(r.value);
    }
  }
  return {
    name,
    kind: 'stdin',
    head,
    reference: () => Date.now(),
    bytesRead: () => pulled,
    chunks: (skip) => from(skip),
    committed: (offset) => {
      replay = true;
      while (kept.length > 0 && kept[0].at + kept[0].buf.length <= offset) kept.shift();
    },
  };
}
