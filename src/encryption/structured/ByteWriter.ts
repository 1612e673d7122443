import { TAG } from './format';

/** A lone surrogate (a u-flag class does not match a well-formed pair): such a string cannot go through UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const textEncoder = new TextEncoder();

/** Bytes appended to a buffer that grows by doubling; little-endian throughout. */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned whole number up to 2^53, seven bits a byte (LEB128), in arithmetic so it is not cut at 32 bits. */
  uint(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) + 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  float64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Length, then the bytes. */
  bytes(value: Uint8Array): void {
    this.uint(value.byteLength);
    this.raw(value);
  }

  raw(value: Uint8Array): void {
    this.reserve(value.byteLength);
    this.buffer.set(value, this.length);
    this.length += value.byteLength;
  }

  /** A string behind its own tag: UTF-8 when it is well formed, else its UTF-16 code units. */
  string(value: string): void {
    if (!LONE_SURROGATE.test(value)) {
      this.byte(TAG.utf8);
      this.bytes(textEncoder.encode(value));
      return;
    }
    this.byte(TAG.utf16);
    this.uint(value.length);
    this.reserve(value.length * 2);
    for (let i = 0; i < value.length; i++) {
      this.view.setUint16(this.length, value.charCodeAt(i), true);
      this.length += 2;
    }
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.byteLength) return;
    let size = this.buffer.byteLength * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }
}
