import { TAG } from './format';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads what ByteWriter wrote. Bytes that end early or say something
 * impossible throw a plain Error; deserializeStructured() turns any of them
 * into `corrupt`.
 */
export class ByteReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  done(): boolean {
    return this.at === this.buffer.byteLength;
  }

  byte(): number {
    this.need(1);
    return this.buffer[this.at++]!;
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw new Error('number too large');
    }
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  /** A view of the bytes in place (no copy): a caller that keeps them copies them. */
  bytes(): Uint8Array {
    const length = this.uint();
    this.need(length);
    return this.buffer.subarray(this.at, (this.at += length));
  }

  /** A string after its tag (read by the caller, or here when `tag` is not given). */
  string(tag = this.byte()): string {
    if (tag === TAG.utf8) return textDecoder.decode(this.bytes());
    if (tag !== TAG.utf16) throw new Error(`expected a string, found tag ${tag}`);
    const length = this.uint();
    this.need(length * 2);
    let text = '';
    for (let i = 0; i < length; i++, this.at += 2) text += String.fromCharCode(this.view.getUint16(this.at, true));
    return text;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.buffer.byteLength) throw new Error('truncated');
  }
}
