/**
 * Where an address's or a port's events are, by event id: an in-memory index the dashboard's
 * read thread builds from the events table, so the questions about one address or one port read
 * only the rows that can match instead of every event of the period (an address over seven days
 * read 2 million rows; its events are a few thousand).
 *
 * It exists because the database has no index on addresses or ports: each one would be paid on
 * every row ingested. This one costs ingest nothing; it is built on the read side, in steps,
 * when the read thread is idle (about 8 bytes an event).
 *
 * Why it stays exact. Ids are in fixed chunks of CHUNK rowids; a chunk is indexed only once
 * every id in it is at most the table's max(id), and new rows take ids above max(id), so no
 * row can join an indexed chunk later. The columns indexed (src, dst, dport, icmp_type) are
 * never updated once a row is stored (trust and reclassification rewrite class, direction and
 * reason; session keys the action). Rows deleted by pruning leave ids that match nothing. What
 * would break it is an id used again: that needs the newest rows deleted, which only a prune
 * can do, and a prune records its cutoff first — a changed cutoff, or max(id) below what was
 * indexed, throws everything away. Keys are hashes, so a lookup gives candidates: callers keep
 * their own filter (src = ?, the port, the time range), and the ids past the indexed chunks
 * (the newest rows, at most a couple of chunks) are read by rowid range.
 */
import type { DB } from '../src/store/db';
import { ipv4ToInt } from '../src/classify/networks';
import { prunedBefore } from '../src/store/prune';

/** Rowids per chunk: local offsets fit in 16 bits. */
const CHUNK = 65536;
/** Past this many events the index is not built (about 8 bytes an event in memory). */
const MAX_EVENTS = 25_000_000;
/** Chunks past the indexed ones still read by rowid range when the index is used. */
const MAX_TAIL_CHUNKS = 2;
/** Rows read in order in the time a row is fetched by id (measured: 31,000 by id ≈ 320,000 in order). */
const LOOKUP_COST = 10;

/** 32-bit key of an address: an IPv4 address is its own number; anything else an FNV-1a hash. */
export function addressKey(ip: string): number {
  const n = ipv4ToInt(ip);
  if (n >= 0) return n;
  let h = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Sorted unique keys, where each one's ids start, and the ids (offsets in the chunk). */
interface Postings { keys: Uint32Array; starts: Uint32Array; ids: Uint16Array }

interface Chunk { n: number; minTs: number; maxTs: number; addr: Postings; port: Postings }

function postings(pairs: Float64Array, count: number): Postings {
  // key * CHUNK + offset in one number: one typed-array sort orders by key, then by id.
  const sorted = pairs.subarray(0, count).sort();
  const keys: number[] = [];
  const starts: number[] = [];
  const ids = new Uint16Array(count);
  let last = -1;
  for (let i = 0; i < count; i++) {
    const v = sorted[i];
    const key = Math.floor(v / CHUNK);
    ids[i] = v - key * CHUNK;
    if (key !== last) {
      keys.push(key);
      starts.push(i);
      last = key;
    }
  }
  starts.push(count);
  return { keys: Uint32Array.from(keys), starts: Uint32Array.from(starts), ids };
}

function lookup(p: Postings, key: number): Uint16Array | null {
  let lo = 0;
  let hi = p.keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = p.keys[mid];
    if (k === key) return p.ids.subarray(p.starts[mid], p.starts[mid + 1]);
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/** Candidate ids from the indexed chunks, and the first id not indexed (read those by range). */
export interface Candidates { ids: number[]; tail: number }

export type LocatorKey = { addr: string } | { port: number };

export class EventLocator {
  private chunks: Chunk[] = [];
  private pruned: number | undefined;
  /** Chunks built (tests and figures). */
  built = 0;

  private readonly size: number;

  /** `chunk`: rowids per chunk (tests use small ones), at most 65,536. */
  constructor(private readonly db: DB, opts: { chunk?: number } = {}) {
    this.pruned = prunedBefore(db);
    this.size = Math.min(opts.chunk ?? CHUNK, CHUNK);
  }

  private maxId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;
  }

  /** First id not covered by an indexed chunk. */
  get indexedTo(): number {
    return this.chunks.length * this.size;
  }

  /** Throws the index away when ids may have been used again (see the file comment). */
  private check(maxId: number): void {
    const pruned = prunedBefore(this.db);
    if (pruned !== this.pruned || maxId + 1 < this.indexedTo) {
      this.chunks = [];
      this.pruned = pruned;
    }
  }

  /** Indexes the next complete chunk; false when there is none (or the table is too big to index). */
  step(): boolean {
    const maxId = this.maxId();
    this.check(maxId);
    if (maxId > MAX_EVENTS) return false;
    const k = this.chunks.length;
    const size = this.size;
    const base = k * size;
    if (maxId < base + size - 1) return false;
    const addr = new Float64Array(2 * size);
    const port = new Float64Array(size);
    let na = 0;
    let np = 0;
    // One text per chunk, split in JS: a row handed over as JS values costs several times more.
    const [text, minTs, maxTs] = this.db
      .prepare(`SELECT group_concat(id || ' ' || src || ' ' || dst || ' ' || coalesce(dport, icmp_type, 0), ' '), min(ts), max(ts) FROM events WHERE id >= ? AND id < ?`)
      .raw()
      .get(base, base + size) as [string | null, number | null, number | null];
    const f = text ? text.split(' ') : [];
    for (let i = 0; i + 3 < f.length; i += 4) {
      const off = +f[i] - base;
      const s = addressKey(f[i + 1]);
      const d = addressKey(f[i + 2]);
      addr[na++] = s * CHUNK + off;
      if (d !== s) addr[na++] = d * CHUNK + off;
      port[np++] = +f[i + 3] * CHUNK + off;
    }
    this.chunks.push({ n: np, minTs: minTs ?? 0, maxTs: maxTs ?? 0, addr: postings(addr, na), port: postings(port, np) });
    this.built++;
    return true;
  }

  /** Whether every id but the newest few chunks is indexed (else callers read the old way). */
  ready(): boolean {
    const maxId = this.maxId();
    this.check(maxId);
    return maxId < this.indexedTo + MAX_TAIL_CHUNKS * this.size;
  }

  /**
   * Candidate ids of events that may have this address (as source or destination) or this port
   * (destination port or ICMP type, any transport), within [from, to) UTC ms when given; null
   * when the index is not ready. Ids from `tail` on are not indexed: read them by range.
   */
  find(key: LocatorKey, from?: number, to?: number): Candidates | null {
    if (!this.ready()) return null;
    const ids: number[] = [];
    let rows = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      if (!c.n || (from !== undefined && c.maxTs < from) || (to !== undefined && c.minTs >= to)) continue;
      rows += c.n;
      const hit = 'addr' in key ? lookup(c.addr, addressKey(key.addr)) : lookup(c.port, key.port);
      if (hit) for (const off of hit) ids.push(k * this.size + off);
    }
    // A row fetched by id costs about ten read in order: a key that common is read the old way.
    if (ids.length * LOOKUP_COST > rows) return null;
    return { ids, tail: this.indexedTo };
  }

  /** Bytes the index holds (figures). */
  bytes(): number {
    let b = 0;
    for (const c of this.chunks) for (const p of [c.addr, c.port]) b += p.keys.byteLength + p.starts.byteLength + p.ids.byteLength;
    return b;
  }
}
