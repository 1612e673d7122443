/**
 * Reverses the byte order of every `unitBytes`-sized unit of `bytes`, in place.
 * A trailing partial unit is left alone.
 */
export function swapBytesInPlace(bytes: Uint8Array, unitBytes: number): void {
  if (unitBytes <= 1) return;
  const units = Math.floor(bytes.byteLength / unitBytes);
  const aligned = bytes.byteOffset % unitBytes === 0;
  // 2 and 4 bytes (int16, float32, ...) are the common cases: on aligned data,
  // whole-word shifts run several times faster than moving single bytes.
  if (unitBytes === 2 && aligned) {
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, units);
    for (let i = 0; i < units; i++) {
      const w = words[i]!;
      words[i] = (w >>> 8) | (w << 8);
    }
    return;
  }
  if (unitBytes === 4 && aligned) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, units);
    for (let i = 0; i < units; i++) {
      const w = words[i]!;
      words[i] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w & 0xff00) << 8) | (w << 24);
    }
    return;
  }
  for (let start = 0, end = units * unitBytes; start < end; start += unitBytes) {
    for (let low = start, high = start + unitBytes - 1; low < high; low++, high--) {
      const a = bytes[low]!;
      bytes[low] = bytes[high]!;
      bytes[high] = a;
    }
  }
}
