import { VolumeCacheError } from '../errors';
import type { NiftiSummary } from '../types';
import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiHeaderProblem, type NiftiHeaderCheck } from './niftiHeaderProblem';
import { readNiftiHeader } from './readNiftiHeader';
import { toNiftiSummary } from './toNiftiSummary';

/** Enough for the NIfTI-2 header (540 bytes) and its extension flag. */
const HEADER_PREFIX_BYTES = 544;

/**
 * The header problems a download is refused for: so far only a bad shape.
 * Decoding refuses every problem niftiHeaderProblem finds (a vox_offset, bitpix
 * or datatype it cannot use); making the two alike is a later, separate change.
 */
const REFUSED_CHECKS: ReadonlySet<NiftiHeaderCheck> = new Set<NiftiHeaderCheck>(['rank', 'dims']);

/**
 * Checks a download is a whole NIfTI file as its bytes stream past, without
 * keeping them: the gzip layer (when present) is inflated by the browser's
 * DecompressionStream, which verifies the CRC-32 and length trailer that
 * nifti-reader-js skips; the header is parsed from the first bytes; and the
 * decoded length is compared with what the header's dimensions call for.
 */
export class NiftiStreamValidator {
  private compressed: boolean | null = null;
  private readonly firstBytes = new Uint8Array(2);
  private firstBytesSeen = 0;
  private readonly prefix = new Uint8Array(HEADER_PREFIX_BYTES);
  private prefixLength = 0;
  private decodedBytes = 0;
  private inflateWriter: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private inflateDone: Promise<void> | null = null;
  private inflateError: unknown = null;
  private pending: Uint8Array[] = [];

  constructor(private readonly url: string) {}

  /** Feeds the next raw chunk. Resolves when the inflater can take more (backpressure). */
  async push(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    if (this.compressed === null) {
      // Decide on the first two bytes (gzip magic 1f 8b); they may arrive in separate chunks.
      const take = Math.min(2 - this.firstBytesSeen, chunk.byteLength);
      this.firstBytes.set(chunk.subarray(0, take), this.firstBytesSeen);
      this.firstBytesSeen += take;
      // Kept past this call: copy, the caller reuses its buffer.
      this.pending.push(chunk.slice());
      if (this.firstBytesSeen < 2) return;
      this.compressed = this.firstBytes[0] === 0x1f && this.firstBytes[1] === 0x8b;
      if (this.compressed) this.startInflater();
      const held = this.pending;
      this.pending = [];
      for (const piece of held) await this.route(piece);
      return;
    }
    await this.route(chunk);
  }

  /** Call after the last chunk. Returns the header summary or throws `not-nifti` / `corrupt`. */
  async finish(): Promise<NiftiSummary> {
    if (this.compressed === null) {
      for (const piece of this.pending) this.decoded(piece);
      this.compressed = false;
    }
    if (this.inflateWriter && this.inflateDone) {
      try {
        await this.inflateWriter.close();
      } catch (error) {
        this.inflateError ??= error;
      }
      await this.inflateDone;
      if (this.inflateError) {
        throw new VolumeCacheError('corrupt', 'The gzip stream is truncated or fails its CRC check.', { url: this.url, cause: this.inflateError });
      }
    }
    const header = this.headerFields();
    const expected = header.voxOffset + header.voxelBytes;
    if (this.decodedBytes < expected) {
      throw new VolumeCacheError(
        'corrupt',
        `The NIfTI file is truncated: its header calls for ${expected} bytes, ${this.decodedBytes} arrived.`,
        { url: this.url },
      );
    }
    return toNiftiSummary(header, this.compressed);
  }

  /** Releases the inflater when the download fails before finish(). */
  abandon(): void {
    this.inflateWriter?.abort().catch(() => undefined);
    this.inflateWriter = null;
  }

  /** The header read from the first decoded bytes, or `not-nifti`. */
  private headerFields(): NiftiHeaderFields {
    const header = readNiftiHeader(this.prefix.subarray(0, this.prefixLength));
    const details = { url: this.url };
    if (header === 'no-header') {
      throw new VolumeCacheError('not-nifti', `The body is not a NIfTI file (no valid NIfTI-1/2 header in its first ${this.prefixLength} bytes).`, details);
    }
    if (header === 'bad-magic') throw new VolumeCacheError('not-nifti', 'The body is not a NIfTI file (its header magic or size is wrong).', details);
    const problem = niftiHeaderProblem(header);
    if (problem && REFUSED_CHECKS.has(problem.check)) throw new VolumeCacheError('not-nifti', problem.detail, details);
    return header;
  }

  private async route(chunk: Uint8Array): Promise<void> {
    if (!this.compressed) {
      this.decoded(chunk);
      return;
    }
    const writer = this.inflateWriter;
    if (!writer || this.inflateError) return;
    try {
      await writer.ready;
      // Not awaited: the write settles when the inflater consumes it; awaiting
      // `ready` above is what bounds memory.
      // The inflater reads the chunk later, so it gets its own copy (the caller reuses its buffer).
      writer.write(chunk.slice()).catch((error: unknown) => {
        this.inflateError ??= error;
      });
    } catch (error) {
      this.inflateError ??= error;
    }
  }

  private startInflater(): void {
    const inflater = new DecompressionStream('gzip');
    this.inflateWriter = inflater.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
    const reader = inflater.readable.getReader();
    this.inflateDone = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          this.decoded(value);
        }
      } catch (error) {
        this.inflateError ??= error;
      }
    })();
  }

  private decoded(chunk: Uint8Array): void {
    if (this.prefixLength < HEADER_PREFIX_BYTES) {
      const take = Math.min(HEADER_PREFIX_BYTES - this.prefixLength, chunk.byteLength);
      this.prefix.set(chunk.subarray(0, take), this.prefixLength);
      this.prefixLength += take;
    }
    this.decodedBytes += chunk.byteLength;
  }
}
