/**
 * What DeflateEndFinder.push() found: the stream ended (it is the first
 * `length` bytes of everything pushed), needs more bytes, or is not deflate.
 */
export type DeflateWalk = { kind: 'ended'; length: number } | { kind: 'more' } | { kind: 'invalid'; detail: string };

/**
 * A Huffman decoding table in two levels, as zlib builds them: the next
 * ROOT_BITS input bits (LSB first) index the root; an entry is
 * `symbol << 4 | code length`, 0 for no code, or, for codes longer than the
 * root, minus `subtable offset << 4 | subtable bits`.
 */
interface HuffmanTable {
  entries: Int32Array;
  /** The longest code's length: fewer bits at the end of the data may not be enough. */
  maxBits: number;
}

const ROOT_BITS = 9;
const ROOT_MASK = (1 << ROOT_BITS) - 1;
const MAX_CODE_BITS = 15;
const END_OF_BLOCK = 256;
/** In the extra-bits tables: a symbol no block may use. */
const INVALID_SYMBOL = 0xff;
/** Extra bits of length symbols 257..287 (286 and 287 are not valid). */
const LENGTH_EXTRA_BITS = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0, INVALID_SYMBOL, INVALID_SYMBOL);
/** Extra bits of distance symbols 0..31 (30 and 31 are not valid). */
const DISTANCE_EXTRA_BITS = Uint8Array.of(
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, INVALID_SYMBOL, INVALID_SYMBOL,
);
/** The order the code length code lengths come in (RFC 1951 3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/**
 * The bit buffer is refilled while it holds fewer bits than this, two bytes
 * at a time, so it holds at most 30 bits: an integer V8 keeps unboxed, and
 * enough for any code (15 bits) or extra bits (13).
 */
const REFILL_BELOW_BITS = 15;
/**
 * Most input bytes one step reads: a dynamic block header (3 + 14 bits,
 * 19 x 3 bits, up to 316 code lengths of at most 7 + 7 bits) is the longest.
 * A step the data ends inside is retried with the next push, so a carry
 * longer than this means the data is not deflate.
 */
const MAX_STEP_BYTES = 600;

/** Each byte with its bits in reverse order: Huffman codes are packed MSB first, the bit reader yields LSB first. */
const REVERSED_BYTES = Uint8Array.from({ length: 256 }, (_, byte) => {
  let reversed = 0;
  for (let bit = 0; bit < 8; bit++) reversed |= ((byte >> bit) & 1) << (7 - bit);
  return reversed;
});
/** Scratch space for buildTable, which runs for every dynamic block (a thousand times in some 4 MB files). */
const counts = new Uint16Array(MAX_CODE_BITS + 1);
const nextCode = new Uint16Array(MAX_CODE_BITS + 1);
const subtableBits = new Uint8Array(1 << ROOT_BITS);
/** The reversed code of each symbol (a table has at most 288). */
const symbolCodes = new Uint16Array(288);

/** The canonical Huffman code for `lengths` (RFC 1951 3.2.2) as a table, or null when they over-subscribe it. */
function buildTable(lengths: Uint8Array): HuffmanTable | null {
  counts.fill(0);
  let maxBits = 0;
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol]!;
    counts[length]!++;
    if (length > maxBits) maxBits = length;
  }
  counts[0] = 0;
  for (let length = 1, code = 0; length <= MAX_CODE_BITS; length++) {
    code = (code + counts[length - 1]!) << 1;
    if (code + counts[length]! > 1 << length) return null;
    nextCode[length] = code;
  }
  // First pass: each long code's root prefix needs a subtable as deep as its longest code.
  subtableBits.fill(0);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    const code = nextCode[length]!++;
    const reversed = ((REVERSED_BYTES[code & 0xff]! << 8) | REVERSED_BYTES[code >> 8]!) >> (16 - length);
    symbolCodes[symbol] = reversed;
    if (length > ROOT_BITS) {
      const prefix = reversed & ROOT_MASK;
      if (length - ROOT_BITS > subtableBits[prefix]!) subtableBits[prefix] = length - ROOT_BITS;
    }
  }
  let size = 1 << ROOT_BITS;
  if (maxBits > ROOT_BITS) for (const bits of subtableBits) if (bits > 0) size += 1 << bits;
  const entries = new Int32Array(size);
  if (maxBits > ROOT_BITS) {
    for (let prefix = 0, offset = 1 << ROOT_BITS; prefix < subtableBits.length; prefix++) {
      const bits = subtableBits[prefix]!;
      if (bits === 0) continue;
      entries[prefix] = -((offset << 4) | bits);
      offset += 1 << bits;
    }
  }
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    const entry = (symbol << 4) | length;
    const reversed = symbolCodes[symbol]!;
    if (length <= ROOT_BITS) {
      for (let index = reversed; index < 1 << ROOT_BITS; index += 1 << length) entries[index] = entry;
    } else {
      const link = -entries[reversed & ROOT_MASK]!;
      const offset = link >> 4;
      for (let index = reversed >> ROOT_BITS; index < 1 << (link & 15); index += 1 << (length - ROOT_BITS)) entries[offset + index] = entry;
    }
  }
  return { entries, maxBits };
}

/**
 * The entry for the code at the bottom of `bitBuffer`; its length (entry &
 * 15) may exceed the bits the buffer really holds near the end of the data.
 */
function lookUp(table: Int32Array, bitBuffer: number): number {
  const entry = table[bitBuffer & ROOT_MASK]!;
  if (entry >= 0) return entry;
  const link = -entry;
  return table[(link >> 4) + ((bitBuffer >>> ROOT_BITS) & ((1 << (link & 15)) - 1))]!;
}

let fixedTables: { literals: HuffmanTable; distances: HuffmanTable } | null = null;

/** The fixed codes of block type 1 (RFC 1951 3.2.6), built once. */
function fixed(): { literals: HuffmanTable; distances: HuffmanTable } {
  if (!fixedTables) {
    const literalLengths = new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixedTables = { literals: buildTable(literalLengths)!, distances: buildTable(new Uint8Array(32).fill(5))! };
  }
  return fixedTables;
}

/** Where the walk is: numbers rather than strings, as it is read on every step. */
const MODE = { blockHeader: 0, storedHeader: 1, storedCopy: 2, dynamicHeader: 3, codes: 4, done: 5, invalid: 6 } as const;
type Mode = (typeof MODE)[keyof typeof MODE];

/** Most bytes one literal or length/distance step pulls into the bit buffer (2, then up to 3 and 2), rounded up. */
const CODE_STEP_BYTES = 8;

/** The bit reader's state: the next input byte and the bits pulled from before it but not yet used. */
interface Bits {
  pos: number;
  bitBuffer: number;
  bitCount: number;
}

/**
 * Where a raw deflate stream (RFC 1951) ends, found by walking its blocks
 * without producing output: stored blocks are skipped by their LEN, Huffman
 * blocks by decoding each code and its extra bits. Pure and incremental:
 * any chunking gives the same answer.
 *
 * GzipMemberSplitter needs it because a DecompressionStream never says how
 * many input bytes it used. It checks only what finding the end needs (block
 * types, stored lengths, that each code is one its block defines, that code
 * lengths do not over-subscribe); the DecompressionStream that inflates the
 * same bytes checks the rest (distances, the CRC-32).
 */
export class DeflateEndFinder {
  private mode: Mode = MODE.blockHeader;
  private finalBlock = false;
  private storedLeft = 0;
  private literals: HuffmanTable = { entries: new Int32Array(1 << ROOT_BITS), maxBits: 0 };
  private distances: HuffmanTable = { entries: new Int32Array(1 << ROOT_BITS), maxBits: 0 };
  /** Bits pulled from the input but not yet used, LSB first: at most 30. */
  private bitBuffer = 0;
  private bitCount = 0;
  /** The bytes of the last push not pulled yet (the rest of a step the data ended inside). */
  private carry = new Uint8Array(0);
  /** Bytes pushed before `carry`. */
  private offset = 0;
  private result: DeflateWalk = { kind: 'more' };

  /** Walks the next bytes. Once the result is `ended` or `invalid`, later pushes return it unchanged. */
  push(chunk: Uint8Array): DeflateWalk {
    if (this.result.kind !== 'more') return this.result;
    let data = chunk;
    if (this.carry.byteLength > 0) {
      data = new Uint8Array(this.carry.byteLength + chunk.byteLength);
      data.set(this.carry);
      data.set(chunk, this.carry.byteLength);
    }
    const stopped = this.walk(data);
    if (this.mode === MODE.done) {
      // The rest of the last byte is padding; whole bytes still in the bit buffer are not deflate data.
      this.result = { kind: 'ended', length: this.offset + stopped - (this.bitCount >> 3) };
    } else if (this.mode !== MODE.invalid) {
      this.offset += stopped;
      this.carry = data.slice(stopped);
      if (this.carry.byteLength > MAX_STEP_BYTES) this.fail('a step longer than any deflate step');
    }
    if (this.result.kind !== 'more') this.carry = new Uint8Array(0);
    return this.result;
  }

  private fail(detail: string): void {
    this.mode = MODE.invalid;
    this.result = { kind: 'invalid', detail };
  }

  /**
   * Runs whole steps over `data` from the start: a block header, a stored
   * block's LEN and NLEN, a run of stored bytes, a dynamic block's code
   * lengths, the codes of a Huffman block. Returns the index of the first
   * byte not pulled into the bit buffer; a step the data ends inside is left
   * for the next push.
   */
  private walk(data: Uint8Array): number {
    const end = data.byteLength;
    let pos = 0;
    for (;;) {
      switch (this.mode) {
        case MODE.codes: {
          pos = this.codes(data, pos);
          if (this.mode === MODE.codes) return pos;
          break;
        }
        case MODE.blockHeader: {
          pos = this.pull(data, pos, 3);
          if (this.bitCount < 3) return pos;
          this.finalBlock = (this.bitBuffer & 1) === 1;
          const type = (this.bitBuffer >>> 1) & 3;
          this.drop(3);
          if (type === 0) {
            // Stored: the rest of this byte is padding.
            this.drop(this.bitCount & 7);
            this.mode = MODE.storedHeader;
          } else if (type === 1) {
            ({ literals: this.literals, distances: this.distances } = fixed());
            this.mode = MODE.codes;
          } else if (type === 2) {
            this.mode = MODE.dynamicHeader;
          } else {
            this.fail('block type 3');
          }
          break;
        }
        case MODE.storedHeader: {
          // LEN and NLEN, 16 bits each; the bit buffer holds whole bytes here.
          if ((this.bitCount >> 3) + end - pos < 4) {
            return this.pull(data, pos, this.bitCount + 8 * (end - pos));
          }
          pos = this.pull(data, pos, 16);
          const length = this.bitBuffer & 0xffff;
          this.drop(16);
          pos = this.pull(data, pos, 16);
          const complement = this.bitBuffer & 0xffff;
          this.drop(16);
          if (length !== (~complement & 0xffff)) {
            this.fail('a stored block whose LEN and NLEN disagree');
          } else {
            this.storedLeft = length;
            this.mode = MODE.storedCopy;
          }
          break;
        }
        case MODE.storedCopy: {
          // Whole bytes already in the bit buffer come first.
          while (this.storedLeft > 0 && this.bitCount >= 8) {
            this.drop(8);
            this.storedLeft--;
          }
          const skip = Math.min(this.storedLeft, end - pos);
          pos += skip;
          this.storedLeft -= skip;
          if (this.storedLeft > 0) return pos;
          this.mode = this.finalBlock ? MODE.done : MODE.blockHeader;
          break;
        }
        case MODE.dynamicHeader: {
          const after = this.dynamicHeader(data, { pos, bitBuffer: this.bitBuffer, bitCount: this.bitCount });
          if (after === null) return pos;
          if (typeof after === 'string') {
            this.fail(after);
            break;
          }
          ({ pos, bitBuffer: this.bitBuffer, bitCount: this.bitCount } = after);
          this.mode = MODE.codes;
          break;
        }
        default:
          return pos;
      }
    }
  }

  /** Pulls bytes into the bit buffer until it holds `bits` bits (at most 30) or the data ends; returns the next byte's index. */
  private pull(data: Uint8Array, pos: number, bits: number): number {
    while (this.bitCount < bits && pos < data.byteLength) {
      this.bitBuffer |= data[pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    return pos;
  }

  private drop(bits: number): void {
    this.bitBuffer >>>= bits;
    this.bitCount -= bits;
  }

  /**
   * Walks a Huffman block's codes from `data[pos]` to its end-of-block code
   * (then the mode moves on), an invalid code, or the end of the data (the
   * mode stays `codes`). The last few bytes, where a step could run past the
   * data, are walked again in a zero-padded copy, and a step that used the
   * padding is undone: the loop over the rest needs no bounds checks.
   */
  private codes(data: Uint8Array, pos: number): number {
    const bulkEnd = data.byteLength - CODE_STEP_BYTES;
    if (pos <= bulkEnd) {
      pos = this.codesWithin(data, pos, bulkEnd, Infinity);
      if (this.mode !== MODE.codes) return pos;
    }
    const rest = data.byteLength - pos;
    const padded = new Uint8Array(rest + CODE_STEP_BYTES);
    padded.set(data.subarray(pos));
    const stopped = this.codesWithin(padded, 0, rest, 8 * rest);
    if (this.mode === MODE.invalid) return pos + stopped;
    // Bytes of padding pulled into the bit buffer (never used) go back out.
    const padding = Math.max(0, stopped - rest);
    this.bitCount -= 8 * padding;
    this.bitBuffer &= (1 << this.bitCount) - 1;
    return pos + stopped - padding;
  }

  /**
   * The codes loop: steps that start at or before `lastStart`, each reading
   * at most CODE_STEP_BYTES bytes, so none runs off `data`. With a finite
   * `limitBits` (the bits of real data in a padded copy), a step that would
   * use more is undone and the walk stops; a code that looks invalid there
   * may just be cut short, so it too waits for more data.
   */
  private codesWithin(data: Uint8Array, pos: number, lastStart: number, limitBits: number): number {
    const literals = this.literals.entries;
    const distances = this.distances.entries;
    let bitBuffer = this.bitBuffer;
    let bitCount = this.bitCount;
    let stepPos = pos;
    let stepBuffer = bitBuffer;
    let stepCount = bitCount;
    let problem = '';
    for (; pos <= lastStart; ) {
      stepPos = pos;
      stepBuffer = bitBuffer;
      stepCount = bitCount;
      if (bitCount < REFILL_BELOW_BITS) {
        bitBuffer |= (data[pos]! | (data[pos + 1]! << 8)) << bitCount;
        pos += 2;
        bitCount += 16;
      }
      const entry = lookUp(literals, bitBuffer);
      if (entry === 0) {
        problem = 'a literal/length code its block does not define';
        break;
      }
      bitBuffer >>>= entry & 15;
      bitCount -= entry & 15;
      const symbol = entry >> 4;
      if (symbol > END_OF_BLOCK) {
        const lengthExtra = LENGTH_EXTRA_BITS[symbol - 257]!;
        if (lengthExtra === INVALID_SYMBOL) {
          problem = `length symbol ${symbol}`;
          break;
        }
        // The extra bits (at most 5) and the distance code (at most 15).
        while (bitCount < 20) {
          bitBuffer |= data[pos++]! << bitCount;
          bitCount += 8;
        }
        bitBuffer >>>= lengthExtra;
        bitCount -= lengthExtra;
        const distanceEntry = lookUp(distances, bitBuffer);
        const distanceExtra = DISTANCE_EXTRA_BITS[distanceEntry >> 4]!;
        if (distanceEntry === 0 || distanceExtra === INVALID_SYMBOL) {
          problem = 'a distance code its block does not define';
          break;
        }
        bitBuffer >>>= distanceEntry & 15;
        bitCount -= distanceEntry & 15;
        while (bitCount < distanceExtra) {
          bitBuffer |= data[pos++]! << bitCount;
          bitCount += 8;
        }
        bitBuffer >>>= distanceExtra;
        bitCount -= distanceExtra;
      }
      if (8 * pos - bitCount > limitBits) {
        // This step used padding: undo it and wait for the real bytes.
        pos = stepPos;
        bitBuffer = stepBuffer;
        bitCount = stepCount;
        break;
      }
      if (symbol === END_OF_BLOCK) {
        this.mode = this.finalBlock ? MODE.done : MODE.blockHeader;
        break;
      }
    }
    if (problem) {
      if (8 * pos > limitBits) {
        pos = stepPos;
        bitBuffer = stepBuffer;
        bitCount = stepCount;
      } else {
        this.fail(problem);
      }
    }
    this.bitBuffer = bitBuffer;
    this.bitCount = bitCount;
    return pos;
  }

  /**
   * Reads a dynamic block's code lengths (RFC 1951 3.2.7) and builds its
   * tables: the state after them, null when the data ends first, or what is
   * wrong.
   */
  private dynamicHeader(data: Uint8Array, start: Bits): Bits | string | null {
    const state = { ...start };
    /** The next `count` bits, or -1 when the data ends first. */
    const bits = (count: number): number => {
      while (state.bitCount < count) {
        if (state.pos >= data.byteLength) return -1;
        state.bitBuffer |= data[state.pos++]! << state.bitCount;
        state.bitCount += 8;
      }
      const value = state.bitBuffer & ((1 << count) - 1);
      state.bitBuffer >>>= count;
      state.bitCount -= count;
      return value;
    };
    const [literalBits, distanceBits, codeLengthBits] = [bits(5), bits(5), bits(4)];
    // Once the data ends, every later read fails too.
    if (codeLengthBits < 0) return null;
    const literalCount = literalBits + 257;
    const distanceCount = distanceBits + 1;
    const codeLengthCount = codeLengthBits + 4;
    if (literalCount > 286 || distanceCount > 30) return `a dynamic block of ${literalCount} literal/length and ${distanceCount} distance codes`;
    const codeLengthLengths = new Uint8Array(19);
    for (let i = 0; i < codeLengthCount; i++) {
      const length = bits(3);
      if (length < 0) return null;
      codeLengthLengths[CODE_LENGTH_ORDER[i]!] = length;
    }
    const codeLengthTable = buildTable(codeLengthLengths);
    if (!codeLengthTable || codeLengthTable.maxBits === 0) return 'an invalid code length code';
    const lengths = new Uint8Array(literalCount + distanceCount);
    for (let i = 0; i < lengths.length; ) {
      while (state.bitCount < codeLengthTable.maxBits && state.pos < data.byteLength) {
        state.bitBuffer |= data[state.pos++]! << state.bitCount;
        state.bitCount += 8;
      }
      const entry = lookUp(codeLengthTable.entries, state.bitBuffer);
      if (entry === 0 || (entry & 15) > state.bitCount) return state.bitCount < codeLengthTable.maxBits ? null : 'a code length code its block does not define';
      state.bitBuffer >>>= entry & 15;
      state.bitCount -= entry & 15;
      const symbol = entry >> 4;
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      const [base, extraBits, value] = symbol === 16 ? [3, 2, lengths[i - 1]] : symbol === 17 ? [3, 3, 0] : [11, 7, 0];
      if (value === undefined) return 'a repeated code length with none before it';
      const extra = bits(extraBits);
      if (extra < 0) return null;
      if (i + base + extra > lengths.length) return 'code lengths past the end of the table';
      lengths.fill(value, i, i + base + extra);
      i += base + extra;
    }
    if (lengths[END_OF_BLOCK] === 0) return 'a block without an end-of-block code';
    const literals = buildTable(lengths.subarray(0, literalCount));
    const distances = buildTable(lengths.subarray(literalCount));
    if (!literals || !distances) return 'over-subscribed code lengths';
    this.literals = literals;
    this.distances = distances;
    return state;
  }
}
