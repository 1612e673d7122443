/** Size of the fixed header for each version, read from sizeof_hdr in either byte order. */
export function niftiHeaderSize(prefix: Uint8Array): 348 | 540 | null {
  if (prefix.byteLength < 4) return null;
  const view = new DataView(prefix.buffer, prefix.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === 348 || size === 540) return size;
  }
  return null;
}
