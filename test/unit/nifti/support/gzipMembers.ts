import { deflateRawSync, gzipSync, type ZlibOptions } from 'node:zlib';

/** CRC-32 (ISO 3309, as gzip uses it), for trailers and FHCRC fields built by hand. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.byteLength), 0);
  return out;
}

/** `bytes` cut into consecutive parts of `size` bytes (the last may be shorter). */
export function partsOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) parts.push(bytes.subarray(at, at + size));
  return parts;
}

/** What `cat a.gz b.gz ...` makes: each part gzipped on its own (node:zlib), concatenated. */
export function gzipMembers(parts: readonly Uint8Array[], options?: ZlibOptions): Uint8Array {
  return concat(parts.map((part) => new Uint8Array(gzipSync(part, options))));
}

/** The end offset of each member of gzipMembers(parts): where a splitter must cut. */
export function memberEnds(members: readonly Uint8Array[]): number[] {
  let at = 0;
  return members.map((member) => (at += member.byteLength));
}

function le32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

export interface HeaderFields {
  /** FEXTRA: the subfields' bytes, as they follow XLEN. */
  extra?: Uint8Array;
  /** FNAME, without its terminating zero. */
  name?: string;
  /** FCOMMENT, without its terminating zero. */
  comment?: string;
  /** FHCRC: the low 16 bits of the CRC-32 of the header before it. */
  headerCrc?: boolean;
}

/** One gzip member of `payload` with the optional header fields RFC 1952 2.3 allows, built by hand. */
export function gzipMember(payload: Uint8Array, fields: HeaderFields = {}, options?: ZlibOptions): Uint8Array {
  const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const flags = (fields.headerCrc ? 0x02 : 0) | (fields.extra ? 0x04 : 0) | (fields.name !== undefined ? 0x08 : 0) | (fields.comment !== undefined ? 0x10 : 0);
  const header = concat([
    Uint8Array.of(0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 0xff),
    fields.extra ? concat([Uint8Array.of(fields.extra.byteLength & 0xff, fields.extra.byteLength >> 8), fields.extra]) : new Uint8Array(0),
    fields.name !== undefined ? concat([latin1(fields.name), Uint8Array.of(0)]) : new Uint8Array(0),
    fields.comment !== undefined ? concat([latin1(fields.comment), Uint8Array.of(0)]) : new Uint8Array(0),
  ]);
  const headerCrc = fields.headerCrc ? le32(crc32(header)).subarray(0, 2) : new Uint8Array(0);
  return concat([header, headerCrc, new Uint8Array(deflateRawSync(payload, options)), le32(crc32(payload)), le32(payload.byteLength)]);
}

/**
 * BGZF as htslib's bgzip writes it: members of at most `blockBytes` of
 * payload, each with a 'BC' extra subfield holding its size - 1, and the
 * empty end-of-file member.
 */
export function bgzf(payload: Uint8Array, blockBytes = 0xff00): Uint8Array {
  const block = (part: Uint8Array) => {
    const body = new Uint8Array(deflateRawSync(part));
    // BSIZE: the whole member's size minus 1 (18 header bytes, the deflate data, 8 trailer bytes).
    const size = 18 + body.byteLength + 8 - 1;
    return gzipMember(part, { extra: Uint8Array.of(0x42, 0x43, 2, 0, size & 0xff, size >> 8) });
  };
  const eof = Uint8Array.of(0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0x1b, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  return concat([...partsOf(payload, blockBytes).map(block), eof]);
}
