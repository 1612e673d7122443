import { DeflateEndFinder } from './DeflateEndFinder';

/** A run of one member's bytes; `endsMember` when its last byte is the member's last (the end of its trailer). */
export interface GzipMemberPiece {
  bytes: Uint8Array;
  endsMember: boolean;
}

export type GzipSplit = { kind: 'pieces'; pieces: GzipMemberPiece[] } | { kind: 'invalid'; detail: string };

/** ID1 ID2 CM FLG MTIME(4) XFL OS (RFC 1952 2.3). */
const FIXED_HEADER_BYTES = 10;
/** CRC32 and ISIZE. */
const TRAILER_BYTES = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** FLG bits 5 to 7 are reserved and must be zero (RFC 1952 2.3.1.2). */
const RESERVED_FLAGS = 0xe0;
const DEFLATE = 8;

type Stage =
  | { at: 'fixed'; seen: number }
  | { at: 'extra-length'; seen: number; length: number; flags: number }
  | { at: 'extra'; left: number; flags: number }
  | { at: 'name' | 'comment'; flags: number }
  | { at: 'header-crc'; left: number }
  | { at: 'deflate'; finder: DeflateEndFinder; pushed: number }
  | { at: 'trailer'; left: number };

/** The optional header fields in the order they come (RFC 1952 2.3), each present when its flag is set. */
const OPTIONAL_FIELDS = [FEXTRA, FNAME, FCOMMENT, FHCRC] as const;

/** The stage for the first optional field from OPTIONAL_FIELDS[from] on that `flags` calls for, else the deflate data. */
function stageFrom(from: number, flags: number): Stage {
  for (const field of OPTIONAL_FIELDS.slice(from)) {
    if (!(flags & field)) continue;
    if (field === FEXTRA) return { at: 'extra-length', seen: 0, length: 0, flags };
    if (field === FNAME) return { at: 'name', flags };
    if (field === FCOMMENT) return { at: 'comment', flags };
    return { at: 'header-crc', left: 2 };
  }
  return { at: 'deflate', finder: new DeflateEndFinder(), pushed: 0 };
}

/**
 * Splits a gzip stream (RFC 1952) into its members as the bytes arrive, so
 * that each member can go to a DecompressionStream of its own. Pure: it
 * parses each member's header (FEXTRA, FNAME, FCOMMENT, FHCRC), walks its
 * deflate data with DeflateEndFinder, counts the 8-byte trailer, and expects
 * the next member's magic right after; anything else there, trailing zeros
 * included, is invalid, as a truncated member is.
 *
 * Why not one DecompressionStream('gzip') for every member: the Compression
 * Streams standard decodes one member and calls what follows junk
 * (whatwg/compression#42). Chromium throws "Junk found after end of
 * compressed data" where the first member ends and, as erroring a stream
 * drops what it had queued, loses output of that member (Chromium 150: 128
 * KiB of a 2 MiB member came out); Node 20 inflates every member itself
 * (nodejs/node#58247). Nor can an inflater be fed past a member's end and
 * asked where it ended: a DecompressionStream never says how many bytes it
 * used (whatwg/compression#39). Nor can the next member be found by its
 * magic: 1f 8b, even a whole member with its trailer, can occur inside deflate
 * data. Walking the deflate blocks is how to know where a member ends before
 * its inflater sees a byte past it.
 *
 * Each DecompressionStream then gets exactly one member and checks it in
 * full, CRC-32 and ISIZE included, so a mistake here can only make a valid
 * file fail, never yield bytes other than gunzip's.
 */
export class GzipMemberSplitter {
  private stage: Stage = { at: 'fixed', seen: 0 };
  private readonly fixedHeader = new Uint8Array(FIXED_HEADER_BYTES);
  private members = 0;
  private failure: string | null = null;

  /** Splits the next chunk into pieces of consecutive members (subarrays of `chunk`, not copies). */
  push(chunk: Uint8Array): GzipSplit {
    if (this.failure !== null) return { kind: 'invalid', detail: this.failure };
    const pieces: GzipMemberPiece[] = [];
    let pieceStart = 0;
    let pos = 0;
    while (pos < chunk.byteLength) {
      const { next, endsMember } = this.advance(chunk, pos);
      if (this.failure !== null) return { kind: 'invalid', detail: this.failure };
      pos = next;
      if (endsMember) {
        pieces.push({ bytes: chunk.subarray(pieceStart, pos), endsMember: true });
        pieceStart = pos;
      }
    }
    if (pieceStart < chunk.byteLength) pieces.push({ bytes: chunk.subarray(pieceStart), endsMember: false });
    return { kind: 'pieces', pieces };
  }

  /** After the last chunk: null when the stream ended right after a member's trailer, else what is wrong. */
  finish(): string | null {
    if (this.failure !== null) return this.failure;
    const stage = this.stage;
    if (stage.at === 'fixed' && stage.seen === 0) return this.members === 0 ? 'an empty gzip stream' : null;
    return stage.at === 'deflate' || stage.at === 'trailer' ? 'a gzip member cut short' : 'a gzip member header cut short';
  }

  /** Consumes bytes of `chunk` from `pos` within the current stage; returns where it stopped. */
  private advance(chunk: Uint8Array, pos: number): { next: number; endsMember: boolean } {
    const stage = this.stage;
    switch (stage.at) {
      case 'fixed': {
        const take = Math.min(FIXED_HEADER_BYTES - stage.seen, chunk.byteLength - pos);
        this.fixedHeader.set(chunk.subarray(pos, pos + take), stage.seen);
        stage.seen += take;
        this.failure = this.fixedHeaderProblem(stage.seen);
        if (stage.seen === FIXED_HEADER_BYTES) this.stage = stageFrom(0, this.fixedHeader[3]!);
        return { next: pos + take, endsMember: false };
      }
      case 'extra-length': {
        stage.length |= chunk[pos]! << (8 * stage.seen);
        if (++stage.seen === 2) this.stage = stage.length > 0 ? { at: 'extra', left: stage.length, flags: stage.flags } : stageFrom(1, stage.flags);
        return { next: pos + 1, endsMember: false };
      }
      case 'extra': {
        const take = Math.min(stage.left, chunk.byteLength - pos);
        stage.left -= take;
        if (stage.left === 0) this.stage = stageFrom(1, stage.flags);
        return { next: pos + take, endsMember: false };
      }
      case 'name':
      case 'comment': {
        const zero = chunk.indexOf(0, pos);
        if (zero === -1) return { next: chunk.byteLength, endsMember: false };
        this.stage = stageFrom(stage.at === 'name' ? 2 : 3, stage.flags);
        return { next: zero + 1, endsMember: false };
      }
      case 'header-crc': {
        const take = Math.min(stage.left, chunk.byteLength - pos);
        stage.left -= take;
        if (stage.left === 0) this.stage = stageFrom(OPTIONAL_FIELDS.length, 0);
        return { next: pos + take, endsMember: false };
      }
      case 'deflate': {
        const bytes = chunk.subarray(pos);
        const walk = stage.finder.push(bytes);
        if (walk.kind === 'invalid') {
          this.failure = `gzip member ${this.members + 1} has invalid deflate data (${walk.detail})`;
          return { next: chunk.byteLength, endsMember: false };
        }
        if (walk.kind === 'more') {
          stage.pushed += bytes.byteLength;
          return { next: chunk.byteLength, endsMember: false };
        }
        // The end may lie up to 3 bytes back, in the previous chunk (bits the finder had
        // pulled ahead): the trailer starts there, and those bytes went out with that chunk.
        const trailerStart = pos + walk.length - stage.pushed;
        const trailerSeen = Math.max(0, pos - trailerStart);
        if (trailerSeen >= TRAILER_BYTES) {
          this.failure = `gzip member ${this.members + 1} ended before bytes already passed on`;
          return { next: chunk.byteLength, endsMember: false };
        }
        this.stage = { at: 'trailer', left: TRAILER_BYTES - trailerSeen };
        return { next: Math.max(pos, trailerStart), endsMember: false };
      }
      case 'trailer': {
        const take = Math.min(stage.left, chunk.byteLength - pos);
        stage.left -= take;
        if (stage.left > 0) return { next: pos + take, endsMember: false };
        this.members++;
        this.stage = { at: 'fixed', seen: 0 };
        return { next: pos + take, endsMember: true };
      }
    }
  }

  /** What is wrong with the first `seen` bytes of a member's fixed header, checked as they arrive, or null. */
  private fixedHeaderProblem(seen: number): string | null {
    const [id1, id2, method, flags] = this.fixedHeader;
    if (id1 !== 0x1f || (seen > 1 && id2 !== 0x8b)) {
      return this.members === 0 ? 'no gzip magic' : `bytes after gzip member ${this.members} that start no other member`;
    }
    if (seen > 2 && method !== DEFLATE) return `gzip compression method ${method}; only deflate (8) is defined`;
    if (seen > 3 && (flags! & RESERVED_FLAGS) !== 0) return 'a gzip header with reserved flag bits set';
    return null;
  }
}
