import { VolumeCacheError } from '../errors';
import type { NiftiSummary } from '../types';
import { GzipMembersInflater } from './GzipMembersInflater';
import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiHeaderProblem } from './niftiHeaderProblem';
import { readNiftiHeader } from './readNiftiHeader';
import { toNiftiSummary } from './toNiftiSummary';

/** Enough for the NIfTI-2 header (540 bytes) and its extension flag. */
const HEADER_PREFIX_BYTES = 544;

/**
 * Checks a download is a whole NIfTI file that decodeNiftiVolume can decode,
 * as its bytes stream past, without keeping them: the gzip layer (when
 * present) is inflated by the browser's DecompressionStream, which checks
 * its CRC-32 and length trailer (nifti-reader-js skips them); the header
 * read from the first bytes must pass every niftiHeaderProblem check, the
 * same ones decoding makes; and the decoded length must hold what the
 * header's dimensions call for.
 *
 * One DecompressionStream inflates one gzip member: a multi-member body
 * (`cat a.gz b.gz`, BGZF) makes it fail where the first member ends. Walking
 * every body's deflate blocks to find member ends would cost as much CPU
 * again as inflating, on every .nii.gz, for a rare layout; so the stream
 * takes the fast path, and only when it fails does finish() read the stored
 * body back (`readBack`) and inflate it member by member (GzipMembersInflater).
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

  /**
   * Call after the last chunk. Returns the header summary or throws
   * `not-nifti` / `corrupt`. `readBack` gives the whole body again (as
   * stored) for a second, member-by-member pass when the single inflater
   * failed; without it such a body is `corrupt`.
   */
  async finish(readBack?: () => Promise<Blob>): Promise<NiftiSummary> {
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
        if (!readBack) throw new VolumeCacheError('corrupt', 'The gzip stream is truncated or fails its CRC check.', { url: this.url, cause: this.inflateError });
        await this.inflateMembers(await readBack());
      }
    }
    const header = this.headerFields();
    // A finite number: niftiHeaderProblem passed only a whole vox_offset and an exact voxel count.
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

  /** The second pass: the stored body inflated member by member, from the start; `corrupt` if that fails too. */
  private async inflateMembers(body: Blob): Promise<void> {
    this.prefixLength = 0;
    this.decodedBytes = 0;
    const inflater = new GzipMembersInflater((payload) => this.decoded(payload), this.url);
    const reader = body.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await inflater.push(value);
      }
      await inflater.finish();
    } catch (error) {
      inflater.abandon();
      throw error;
    } finally {
      reader.releaseLock();
    }
  }

  /** The header read from the first decoded bytes, or `not-nifti` for any header decodeNiftiVolume would refuse. */
  private headerFields(): NiftiHeaderFields {
    const header = readNiftiHeader(this.prefix.subarray(0, this.prefixLength));
    const details = { url: this.url };
    if (header === 'no-header') {
      throw new VolumeCacheError('not-nifti', `The body is not a NIfTI file (no valid NIfTI-1/2 header in its first ${this.prefixLength} bytes).`, details);
    }
    if (header === 'bad-magic') throw new VolumeCacheError('not-nifti', 'The body is not a NIfTI file (its header magic or size is wrong).', details);
    const problem = niftiHeaderProblem(header);
    if (problem) throw new VolumeCacheError('not-nifti', problem.detail, details);
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
      // `ready` above is what bounds memory. The inflater reads the chunk
      // later, so it gets its own copy (the caller reuses its buffer).
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
