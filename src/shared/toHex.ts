/** Lower-case hex of bytes, as SHA-256 digests are written everywhere in the cache. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
