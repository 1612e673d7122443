/** Something the test server can serve with ranges and validators. */
export interface ByteSource {
  readonly size: number;
  /** Strong validator, already quoted: `"..."`. */
  readonly etag: string;
  readonly lastModified: Date;
  /** The bytes from `start` to `endInclusive`, in order, without holding them all in memory. */
  chunks(start: number, endInclusive: number): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}
