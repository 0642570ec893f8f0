import type { DB } from './db';
import type { CodedField } from '../contract/batch/codec';

export type { CodedField };

/** Fixed codes seeded by schema/001 (the class vocabulary is used in queries). */
export const CLASS = { scan: 1, late: 2, outbound: 3, internal: 4, external: 5, trusted: 6 } as const;



/**
 * Names kept in memory per field. Real networks have a few dozen interfaces, devices and rules;
 * beyond this (a syslog sender inventing host names), lookups go to the database instead of
 * memory growing without bound.
 */
const CACHED_PER_FIELD = 50_000;

/**
 * Name ↔ integer for the dictionary-encoded event columns. New names (a new parser, reason,
 * protocol, interface, device or rule) get the next code on first use; known ones are cached,
 * so a lookup is a Map get.
 */
export class Codes {
  private readonly byName = new Map<string, Map<string, number>>();
  private readonly byCode = new Map<string, Map<number, string>>();
  private readonly insert;
  private readonly findCode;
  private readonly findName;

  constructor(db: DB) {
    this.insert = db.prepare('INSERT INTO codes (field, code, name) VALUES (?, (SELECT coalesce(max(code), 0) + 1 FROM codes WHERE field = ?), ?) RETURNING code').pluck();
    this.findCode = db.prepare('SELECT code FROM codes WHERE field = ? AND name = ?').pluck();
    this.findName = db.prepare('SELECT name FROM codes WHERE field = ? AND code = ?').pluck();
    for (const r of db.prepare('SELECT field, code, name FROM codes').iterate() as Iterable<{ field: string; code: number; name: string }>) {
      this.remember(r.field, r.code, r.name);
    }
  }

  code(field: CodedField, name: string): number {
    const c = this.byName.get(field)?.get(name) ?? this.lookup(field, name);
    if (c !== undefined) return c;
    const code = this.insert.get(field, field, name) as number;
    this.remember(field, code, name);
    return code;
  }

  name(field: CodedField, code: number): string {
    let n = this.byCode.get(field)?.get(code);
    if (n === undefined) {
      n = this.findName.get(field, code) as string | undefined;
      if (n !== undefined) this.remember(field, code, n);
    }
    return n ?? String(code);
  }

  /** Codes of several names that exist (for `IN` lists). */
  existing(field: CodedField, names: Iterable<string>): number[] {
    return [...names].map((n) => this.byName.get(field)?.get(n) ?? this.lookup(field, n)).filter((c): c is number => c !== undefined);
  }

  /** A code not in memory: stored beyond the cache, or by another process (watch beside ingest). */
  private lookup(field: CodedField, name: string): number | undefined {
    const c = this.findCode.get(field, name) as number | undefined;
    if (c !== undefined) this.remember(field, c, name);
    return c;
  }

  private remember(field: string, code: number, name: string): void {
    let names = this.byName.get(field);
    let codes = this.byCode.get(field);
    if (!names) this.byName.set(field, (names = new Map()));
    if (!codes) this.byCode.set(field, (codes = new Map()));
    if (names.size >= CACHED_PER_FIELD) return;
    names.set(name, code);
    codes.set(code, name);
  }
}
