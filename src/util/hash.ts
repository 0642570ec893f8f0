import { createHash } from 'node:crypto';

/** Hex SHA-256: input fingerprints (first bytes, bytes before a read position). */
export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}
