import type { DB } from './db';

/** Fixed codes seeded by schema/001 (the class vocabulary is used in queries). */
export const CLASS = { scan: 1, late: 2, outbound: 3, internal: 4, external: 5, trusted: 6 } as const;

export type CodedField = 'format' | 'action' | 'direction' | 'class' | 'reason' | 'transport';

/**
 * Name ↔ integer for the dictionary-encoded event columns. New names (a new parser, reason or
 * protocol) get the next code on first use; everything is cached, so a lookup is a Map get.
 */
export class Codes {
  private readonly byName = new Map<string, Map<string, number>>();
  private readonly byCode = new Map<string, Map<number, string>>();
  private readonly insert;

  constructor(db: DB) {
    this.insert = db.prepare('INSERT INTO codes (field, code, name) VALUES (?, (SELECT coalesce(max(code), 0) + 1 FROM codes WHERE field = ?), ?) RETURNING code');
    for (const r of db.prepare('SELECT field, code, name FROM codes').all() as { field: string; code: number; name: string }[]) this.remember(r.field, r.code, r.name);
  }

  code(field: CodedField, name: string): number {
    const c = this.byName.get(field)?.get(name);
    if (c !== undefined) return c;
    const code = (this.insert.get(field, field, name) as { code: number }).code;
    this.remember(field, code, name);
    return code;
  }

  name(field: CodedField, code: number): string {
    return this.byCode.get(field)?.get(code) ?? String(code);
  }

  /** Codes of several names that exist (for `IN` lists). */
  existing(field: CodedField, names: Iterable<string>): number[] {
    const m = this.byName.get(field);
    return [...names].map((n) => m?.get(n)).filter((c): c is number => c !== undefined);
  }

  private remember(field: string, code: number, name: string): void {
    if (!this.byName.has(field)) this.byName.set(field, new Map());
    if (!this.byCode.has(field)) this.byCode.set(field, new Map());
    this.byName.get(field)!.set(name, code);
    this.byCode.get(field)!.set(code, name);
  }
}
