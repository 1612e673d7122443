import { DEFAULTS } from '../defaults';
import { memoKey } from '../derived/memoKey';
import type { MemoryLru } from '../derived/MemoryLru';
import { renderThumbnail } from '../derived/renderThumbnail';
import { isVolumeCacheError } from '../errors';
import { derivedId } from '../metadata/derivedId';
import { storedName, type StoredEntry } from '../metadata/EntryCodec';
import type { CacheTotals } from '../metadata/MetadataStore';
import { decodeNiftiVolume } from '../nifti/decodeNiftiVolume';
import { summaryVoxelBytes } from '../nifti/summaryVoxelBytes';
import { fitsInOneBuffer, tooLargeForOneBuffer } from '../shared/volumeBuffer';
import type { NiftiHeaderInfo } from '../nifti/NiftiHeaderInfo';
import type { BackgroundJobs } from './BackgroundJobs';
import { keepDerived } from './keepDerived';
import type { PartitionContext } from './PartitionContext';
import { readEntryFile } from './readStoredFile';

/** Bumped when decoding changes, so stored decoded copies from an older decoder are not reused. */
const DECODER_VERSION = 1;
const THUMBNAIL_VERSION = 1;
const THUMBNAIL_SIZE_PX = 128;

export interface DecodedVolume {
  header: NiftiHeaderInfo;
  voxels: ArrayBuffer;
}

export interface DecodedVolumesOptions {
  /** The partition while it is open; null without storage or once closed. */
  partition: () => PartitionContext | null;
  keepDecoded: boolean | 'pinned-only';
  thumbnails: boolean;
  /** Recently opened decoded volumes, in memory. */
  memoryTier: MemoryLru<DecodedVolume>;
  background: BackgroundJobs;
  addTotals(delta: Partial<CacheTotals>): Promise<void>;
}

/**
 * What the engine derives from a cached volume by decoding it: the voxels
 * ready to render (from the memory tier, a stored decoded copy, or decoded
 * now) and a thumbnail made in the background. Decoded copies and
 * thumbnails are derived results keyed by the source's SHA-256 and their
 * maker's version: the same mechanism as memo().
 */
export class DecodedVolumes {
  constructor(private readonly options: DecodedVolumesOptions) {}

  /**
   * The decoded volume for an entry (or a body not cached, when `entry` is
   * null), storing the result as keepDecoded says.
   * `keep` is false for background jobs: a thumbnail must not fill the budget
   * or the memory tier with voxels nobody asked for.
   */
  async decoded(entry: StoredEntry | null, file: File, url: string, keep = true): Promise<DecodedVolume & { from: 'decode' | 'disk' | 'memory' }> {
    const { memoryTier, addTotals, keepDecoded } = this.options;
    const partition = this.options.partition();
    if (!entry || !partition) {
      const decoded = await decodeNiftiVolume(file, { url });
      await addTotals({ decodes: 1 });
      return { ...decoded, from: 'decode' };
    }
    const id = derivedId('decoded', await memoKey('volume-cache:decoded', { source: entry.sha256 }, { version: DECODER_VERSION }));
    const inMemory = memoryTier.get(id);
    if (inMemory) {
      await addTotals({ decodedHits: 1 });
      return { header: inMemory.header, voxels: inMemory.voxels.slice(0), from: 'memory' };
    }
    const stored = await partition.derived.get(id, 'decoded');
    if (stored?.data) {
      await addTotals({ decodedHits: 1 });
      const header = stored.value as NiftiHeaderInfo;
      if (keep) this.remember(id, header, stored.data);
      return { header, voxels: stored.data, from: 'disk' };
    }
    const decoded = await decodeNiftiVolume(file, { url });
    await addTotals({ decodes: 1 });
    if (keep && (keepDecoded === true || (keepDecoded === 'pinned-only' && entry.pinned))) {
      // Kept only if it fits beside its source (which may also have been evicted while we decoded); the voxels are returned either way.
      await keepDerived(partition, { id, kind: 'decoded', sources: [storedName(entry)], ttlSeconds: null, data: decoded.voxels, value: decoded.header }).catch((error: unknown) => {
        // No room on disk for the copy (nothing of it was left there): the volume still opens, decoded again next time.
        if (!isVolumeCacheError(error, 'quota')) throw error;
      });
    }
    if (keep) this.remember(id, decoded.header, decoded.voxels);
    return { ...decoded, from: 'decode' };
  }

  /**
   * Refuses, with `unsupported`, a cached volume whose voxels no one buffer
   * can hold, known from its stored header before anything is read (and, in
   * an encrypted partition, decrypted) for nothing.
   */
  refuseUndecodable(entry: StoredEntry | null, url: string): void {
    if (!entry?.nifti) return;
    const voxelBytes = summaryVoxelBytes(entry.nifti);
    if (!fitsInOneBuffer(voxelBytes)) throw tooLargeForOneBuffer(voxelBytes, url);
  }

  /** The stored thumbnail of an entry, or null (queuing one to be made). */
  async thumbnail(entry: StoredEntry): Promise<Blob | null> {
    const partition = this.options.partition();
    if (!partition) return null;
    const hit = await partition.derived.get(await thumbnailId(entry), 'thumbnail');
    if (hit?.data) return new Blob([hit.data], { type: 'image/png' });
    if (entry.nifti) this.scheduleThumbnail(entry);
    return null;
  }

  /** Queues a thumbnail of a cached volume, made in the background (see BackgroundJobs). */
  scheduleThumbnail(entry: StoredEntry): void {
    if (!this.options.thumbnails || typeof OffscreenCanvas === 'undefined' || !this.options.partition() || !entry.nifti) return;
    // Decoding a huge volume in the background only for a 128 px picture would cost its whole size in memory.
    if (summaryVoxelBytes(entry.nifti) > DEFAULTS.thumbnailMaxVoxelBytes) return;
    // Queued at once, under a name known without hashing, so stats() counts it as pending as soon as the get that caused it returns.
    this.options.background.add(`thumbnail:${entry.sha256}`, async () => {
      const id = await thumbnailId(entry);
      if (await this.options.partition()?.store.getDerived(id)) return 'nothing-to-do';
      return this.makeThumbnail(id, entry.key);
    });
  }

  /** Makes and stores the thumbnail; 'nothing-to-do' when the entry went away first. */
  private async makeThumbnail(id: string, key: string): Promise<void | 'nothing-to-do'> {
    const partition = this.options.partition();
    const entry = partition ? await partition.store.get(key) : undefined;
    const file = entry && partition ? await readEntryFile(partition, entry) : null;
    if (!entry || !file) return 'nothing-to-do';
    const { header, voxels } = await this.decoded(entry, file, entry.url, false);
    const png = await (await renderThumbnail(header, voxels, { size: THUMBNAIL_SIZE_PX })).arrayBuffer();
    // Closed while decoding: nothing to store it in.
    const current = this.options.partition();
    if (!current) return 'nothing-to-do';
    const stored = await keepDerived(current, { id, kind: 'thumbnail', sources: [storedName(entry)], ttlSeconds: null, data: png, value: { type: 'image/png' } });
    if (!stored) return 'nothing-to-do';
    current.changes.post({ type: 'entries', keys: [key] });
  }

  /** Keeps a copy in the memory tier (the original is transferred to the page). */
  private remember(id: string, header: NiftiHeaderInfo, voxels: ArrayBuffer): void {
    const { memoryTier } = this.options;
    if (voxels.byteLength <= memoryTier.maxBytes) memoryTier.set(id, { header, voxels: voxels.slice(0) }, voxels.byteLength);
  }
}

async function thumbnailId(entry: StoredEntry): Promise<string> {
  return derivedId('thumbnail', await memoKey('volume-cache:thumbnail', { source: entry.sha256 }, { version: THUMBNAIL_VERSION }));
}
