/**
 * How an input is recognized whatever its name (Filebeat's fingerprint idea): the SHA-256 of
 * its first 4 KiB, after decompression. A rotated copy, its .gz and the same text on stdin all
 * share it; the store keeps it with the read position.
 */
export const FINGERPRINT_BYTES = 4096;
