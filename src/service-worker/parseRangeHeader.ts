export type RangeRequest = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Interprets a Range header against a representation of `size` bytes
 * (RFC 9110 §14): one `bytes=` range, an end past the last byte clamped to
 * it, a start past the end unsatisfiable. A header that is malformed or asks
 * for several ranges is ignored, which the RFC allows, and the whole
 * representation is sent. Written here rather than taken from
 * workbox-range-requests, which answers 416 to an end past the last byte
 * and 206 to a start at the very end.
 */
export function parseRangeHeader(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'part', start, end };
}
