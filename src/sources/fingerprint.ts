/**
 * How an input is recognized whatever its name (Filebeat's fingerprint idea): the SHA-256 of
 * its first 4 KiB, after decompression. A rotated copy, its .gz and the same text on stdin all
 * share it; the store keeps it with the read position.
 */
export const FINGERPRINT_BYTES = 4096;
/** Bytes before a saved read position whose hash is kept with it (`tail_hash`): what a later run compares. */
export const TAIL_BYTES = 256;
