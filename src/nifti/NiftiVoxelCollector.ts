import { VolumeCacheError } from '../errors';
import { allocateVolumeBuffer } from '../shared/volumeBuffer';
import type { NiftiHeaderFields } from './NiftiHeaderFields';
import type { NiftiHeaderInfo } from './NiftiHeaderInfo';
import { niftiDatatypes } from './niftiDatatypes';
import { niftiHeaderProblem } from './niftiHeaderProblem';
import { niftiHeaderSize } from './niftiHeaderSize';
import { readNiftiHeader } from './readNiftiHeader';
import { swapBytesInPlace } from './swapBytesInPlace';
import { toNiftiHeaderInfo } from './toNiftiHeaderInfo';

/** The NIfTI-2 fixed header (540 bytes) is the longest prefix the header parser needs. */
const MAX_HEADER_BYTES = 540;

function noHeader(bytes: number): string {
  return `No valid NIfTI-1/2 header in the first ${bytes} bytes.`;
}

export interface NiftiVoxelCollectorOptions {
  /** Reported on errors. */
  url?: string;
  /**
   * Most decompressed bytes the source can yield (its size if uncompressed, a
   * bound from the gzip size otherwise). A header that calls for more is
   * refused as `corrupt` before the voxel buffer is allocated, so a damaged
   * header cannot make us allocate gigabytes.
   */
  maxDecodedBytes?: number;
}

export interface DecodedNiftiVolume {
  header: NiftiHeaderInfo;
  /** Exactly `header.voxelBytes` bytes, in the platform's byte order. */
  voxels: ArrayBuffer;
}

/**
 * Collects the voxels of a decompressed NIfTI file as its bytes stream past:
 * parses the header from the first sizeof_hdr bytes, allocates one buffer of
 * exactly the voxel size, and copies each chunk's bytes past vox_offset
 * straight into it. Extensions and trailing bytes are skipped, never kept.
 * Pure (no I/O), so any chunking can be tested in Node.
 */
export class NiftiVoxelCollector {
  private readonly prefix = new Uint8Array(MAX_HEADER_BYTES);
  private prefixLength = 0;
  private header: NiftiHeaderInfo | null = null;
  private voxels: Uint8Array | null = null;
  private received = 0;
  private copied = 0;

  constructor(private readonly options: NiftiVoxelCollectorOptions = {}) {}

  /** The header once its bytes have arrived, else null. */
  get headerInfo(): NiftiHeaderInfo | null {
    return this.header;
  }

  /** Decompressed bytes pushed so far, trailing data included. */
  get receivedBytes(): number {
    return this.received;
  }

  /** True once every voxel byte has arrived: later bytes are trailing data and ignored. */
  get complete(): boolean {
    return this.header !== null && this.copied === this.header.voxelBytes;
  }

  /** Feeds the next decompressed chunk. Throws `not-nifti` as soon as the header shows the data is not NIfTI. */
  push(chunk: Uint8Array): void {
    const start = this.received;
    this.received += chunk.byteLength;
    if (!this.header) {
      this.collectHeader(chunk);
      if (!this.header) return;
    }
    const { voxOffset, voxelBytes } = this.header;
    const from = Math.max(start, voxOffset);
    const to = Math.min(this.received, voxOffset + voxelBytes);
    if (from < to) {
      this.voxels!.set(chunk.subarray(from - start, to - start), from - voxOffset);
      this.copied += to - from;
    }
  }

  /** Call after the last chunk: the header and voxels, or `not-nifti` / `corrupt` (truncated). */
  finish(): DecodedNiftiVolume {
    const header = this.header;
    const voxels = this.voxels;
    if (!header || !voxels) {
      throw new VolumeCacheError('not-nifti', noHeader(this.prefixLength), this.errorDetails());
    }
    if (this.copied < header.voxelBytes) {
      throw new VolumeCacheError(
        'corrupt',
        `The NIfTI file is truncated: its header calls for ${header.voxOffset + header.voxelBytes} bytes, ${this.received} arrived.`,
        this.errorDetails(),
      );
    }
    // Once, over the finished buffer: swapping per chunk would have to track
    // values split across chunk boundaries.
    if (header.swapped) swapBytesInPlace(voxels, niftiDatatypes.get(header.datatypeCode)!.swapUnitBytes);
    this.voxels = null;
    return { header, voxels: voxels.buffer as ArrayBuffer };
  }

  private collectHeader(chunk: Uint8Array): void {
    const take = Math.min(MAX_HEADER_BYTES - this.prefixLength, chunk.byteLength);
    this.prefix.set(chunk.subarray(0, take), this.prefixLength);
    this.prefixLength += take;
    if (this.prefixLength < 4) return;
    const size = niftiHeaderSize(this.prefix);
    if (size === null) {
      // Fail on the first bytes (an HTML page, a zip), not after reading the whole file.
      throw new VolumeCacheError('not-nifti', 'The data does not start with a NIfTI-1/2 header (sizeof_hdr is neither 348 nor 540).', this.errorDetails());
    }
    if (this.prefixLength < size) return;
    const header = toNiftiHeaderInfo(this.checkedHeader(this.prefix.subarray(0, size)));
    const needed = header.voxOffset + header.voxelBytes;
    const { maxDecodedBytes } = this.options;
    if (maxDecodedBytes !== undefined && needed > maxDecodedBytes) {
      throw new VolumeCacheError(
        'corrupt',
        `The NIfTI header calls for ${needed} bytes, more than this file can hold (at most ${maxDecodedBytes}).`,
        this.errorDetails(),
      );
    }
    // Before any voxel is inflated: a volume no buffer can hold fails with `unsupported` at once, not after the work.
    this.voxels = new Uint8Array(allocateVolumeBuffer(header.voxelBytes, this.options.url));
    this.header = header;
  }

  /** The header's fields, or `not-nifti` when decoding cannot rely on them (any niftiHeaderProblem). */
  private checkedHeader(bytes: Uint8Array): NiftiHeaderFields {
    const header = readNiftiHeader(bytes);
    if (header === 'no-header') throw new VolumeCacheError('not-nifti', noHeader(bytes.byteLength), this.errorDetails());
    if (header === 'bad-magic') throw new VolumeCacheError('not-nifti', 'The NIfTI header magic or size is wrong.', this.errorDetails());
    const problem = niftiHeaderProblem(header);
    if (problem) throw new VolumeCacheError('not-nifti', problem.detail, this.errorDetails());
    return header;
  }

  private errorDetails(): { url?: string } {
    return this.options.url === undefined ? {} : { url: this.options.url };
  }
}
