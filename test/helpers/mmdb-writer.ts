/**
 * A minimal MaxMind DB (.mmdb) writer for tests, so GeoIP lookups can be tested without the
 * network or a licensed database. It follows the MaxMind DB format spec, version 2.0
 * (https://maxmind.github.io/MaxMind-DB/), and writes only what the tests need:
 *
 *   [search tree][16 zero bytes][data section]["\xAB\xCD\xEFMaxMind.com"][metadata map]
 *
 * - Search tree: always an IPv6 tree (`ip_version` 6), 24-bit records, so one file answers both
 *   IPv4 and IPv6 lookups; IPv4 networks sit under `::/96` as the spec prescribes (readers walk
 *   96 zero bits, then the IPv4 bits). Each node is two 3-byte big-endian records (left = bit 0,
 *   right = bit 1). A record holds a node number (< node_count), node_count itself for "no data",
 *   or node_count + 16 + offset into the data section for a hit.
 * - Data section: one encoded value per distinct record, no pointers (nothing is shared).
 *   Supported types: map, array, UTF-8 string, unsigned ints (uint16/32/64), double, boolean.
 * - Networks may nest (a /16 and a /24 inside it): the longer prefix wins for its addresses.
 */
import ipaddr from 'ipaddr.js';

export type MmdbValue = string | number | bigint | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbOptions {
  databaseType: string;
  description?: string;
  languages?: string[];
  buildEpoch?: number;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')]);

// Type numbers from the spec. Types above 7 are "extended": type bits 0, then a byte (type − 7).
const T = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, boolean: 14 } as const;

/** Control byte(s) for a type and a payload size (sizes ≥ 29 spill into 1–3 extra bytes). */
function control(type: number, size: number): Buffer {
  const ext = type > 7;
  const head = (ext ? 0 : type) << 5;
  let sizeBits: number;
  let extra: number[];
  if (size < 29) [sizeBits, extra] = [size, []];
  else if (size < 29 + 256) [sizeBits, extra] = [29, [size - 29]];
  else if (size < 285 + 65536) [sizeBits, extra] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  else [sizeBits, extra] = [31, [((size - 65821) >> 16) & 0xff, ((size - 65821) >> 8) & 0xff, (size - 65821) & 0xff]];
  return Buffer.from([head | sizeBits, ...(ext ? [type - 7] : []), ...extra]);
}

/** Big-endian unsigned integer in as few bytes as it needs (zero is zero bytes). */
function uintBytes(n: bigint): Buffer {
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Buffer.from(out);
}

export function encodeValue(v: MmdbValue): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([control(T.string, b.length), b]);
  }
  if (typeof v === 'boolean') return control(T.boolean, v ? 1 : 0);
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
    const n = BigInt(v);
    const type = n < 1n << 16n ? T.uint16 : n < 1n << 32n ? T.uint32 : T.uint64;
    const b = uintBytes(n);
    return Buffer.concat([control(type, b.length), b]);
  }
  if (typeof v === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([control(T.double, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([control(T.array, v.length), ...v.map(encodeValue)]);
  const entries = Object.entries(v);
  return Buffer.concat([control(T.map, entries.length), ...entries.flatMap(([k, x]) => [encodeValue(k), encodeValue(x)])]);
}

interface Node {
  child: [Node | number | undefined, Node | number | undefined]; // number = index into records
}

/** The 128 bits of an address or network in the IPv6 tree, as a bit getter and prefix length. */
function networkBits(cidr: string): { bit: (i: number) => number; prefix: number } {
  const [addr, len] = cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.parse(cidr), cidr.includes(':') ? 128 : 32];
  const bytes = addr.kind() === 'ipv4' ? [...new Array(12).fill(0), ...addr.toByteArray()] : addr.toByteArray();
  const prefix = addr.kind() === 'ipv4' ? 96 + len : len;
  return { bit: (i) => (bytes[i >> 3] >> (7 - (i & 7))) & 1, prefix };
}

/** Builds an .mmdb file holding `records` (network → value) in memory. */
export function buildMmdb(records: [cidr: string, value: MmdbValue][], opts: MmdbOptions): Buffer {
  const root: Node = { child: [undefined, undefined] };
  // Shorter prefixes first, so a longer one inside them splits the leaf it lands in.
  const sorted = records.map(([c, v], i) => ({ ...networkBits(c), i, v })).sort((a, b) => a.prefix - b.prefix);
  for (const r of sorted) {
    let node = root;
    for (let depth = 0; depth < r.prefix - 1; depth++) {
      const b = r.bit(depth);
      const next = node.child[b];
      if (typeof next === 'object') node = next;
      else node = node.child[b] = { child: [next, next] }; // split a leaf (or an empty slot)
    }
    node.child[r.bit(r.prefix - 1)] = r.i;
  }

  // Number nodes breadth-first: the root must be node 0.
  const nodes: Node[] = [];
  const ids = new Map<Node, number>();
  for (const queue = [root]; queue.length; ) {
    const n = queue.shift()!;
    ids.set(n, nodes.length);
    nodes.push(n);
    for (const c of n.child) if (typeof c === 'object') queue.push(c);
  }
  const nodeCount = nodes.length;

  const dataOffsets: number[] = [];
  const chunks: Buffer[] = [];
  let size = 0;
  for (const [, v] of records) {
    const b = encodeValue(v);
    dataOffsets.push(size);
    chunks.push(b);
    size += b.length;
  }
  const data = Buffer.concat(chunks);

  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((n, i) => {
    n.child.forEach((c, side) => {
      const value = c === undefined ? nodeCount : typeof c === 'object' ? ids.get(c)! : nodeCount + 16 + dataOffsets[c];
      if (value >= 2 ** 24) throw new Error('mmdb-writer: too big for 24-bit records');
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });

  const metadata = encodeValue({
    node_count: nodeCount,
    record_size: 24,
    ip_version: 6,
    database_type: opts.databaseType,
    languages: opts.languages ?? ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: BigInt(opts.buildEpoch ?? 1_700_000_000),
    description: { en: opts.description ?? `portledger test ${opts.databaseType}` },
  });
  return Buffer.concat([tree, Buffer.alloc(16), data, METADATA_MARKER, metadata]);
}
