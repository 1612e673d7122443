import { storedSize } from '../encryption/chunkFormat';
import { createEncryptingSink } from '../encryption/EncryptingSink';
import { decryptAll } from '../encryption/readEncryptedFile';
import { openDerivedValue, sealDerivedValue, type SealedValue } from '../encryption/sealDerivedValue';
import { VolumeCacheError } from '../errors';
import { migratedDerivedId, type DerivedKind } from '../metadata/derivedId';
import type { DerivedRecord, MetadataStore } from '../metadata/MetadataStore';
import { readWholeBlob } from '../shared/volumeBuffer';
import type { PartitionFiles } from './PartitionFiles';

export interface DerivedPut {
  /** derivedId(kind, digest): ids of different kinds never meet. */
  id: string;
  kind: DerivedKind;
  sources: string[];
  ttlSeconds: number | null;
  /** Bytes kept as a file under derived/. */
  data: ArrayBuffer | null;
  /** Kept in the row: a small value, or what describes `data`. */
  value: unknown;
}

export interface DerivedHit {
  record: DerivedRecord;
  data: ArrayBuffer | null;
  value: unknown;
}

/**
 * Results derived from cached volumes, one mechanism for all of them: the
 * decoded voxels of getVolume(), thumbnails and applications' memo(). Each
 * lives until it expires or any of its sources leaves the cache; files are
 * written like downloads (a locked temporary, then moved into place) and
 * sealed like volumes in an encrypted partition.
 *
 * Reads name the kind they expect and see only records of that kind, on top
 * of ids that keep kinds apart (derivedId): an application's memo() can
 * never be read back as a decoded volume or a thumbnail, nor the reverse.
 */
export class DerivedResults {
  constructor(
    private readonly store: MetadataStore,
    private readonly files: PartitionFiles,
    private readonly key: CryptoKey | null,
    private readonly now: () => number,
  ) {}

  async get(id: string, kind: DerivedKind): Promise<DerivedHit | null> {
    const record = await this.store.getDerived(id);
    if (!record || record.kind !== kind) return null;
    if (record.expiresAt !== null && record.expiresAt <= this.now()) {
      await this.drop([record]);
      return null;
    }
    let data: ArrayBuffer | null = null;
    let value: unknown;
    try {
      if (record.file) {
        const file = await this.files.readDerived(record.file);
        if (!file || file.size !== (this.key ? storedSize(record.bytes) : record.bytes)) throw new VolumeCacheError('corrupt', 'derived file missing or damaged');
        data = this.key ? await decryptAll(file, this.key, record.bytes) : await readWholeBlob(file);
      }
      value = this.key && record.value !== undefined ? await openDerivedValue(this.key, record.id, record.value as SealedValue) : record.value;
    } catch (error) {
      if (!(error instanceof VolumeCacheError) || error.code !== 'corrupt') throw error;
      await this.drop([record]);
      return null;
    }
    await this.store.putDerived({ ...record, lastAccessedAt: this.now() });
    return { record, data, value };
  }

  /**
   * Keeps a result: its file first, then its row. A failure leaves nothing
   * behind (neither the file nor a row naming it) and is a VolumeCacheError:
   * `quota` when the browser has no room, `invalid-argument` for a value
   * that cannot be stored (structured clone refused it), whatever the sealed
   * encoding refused with in an encrypted partition.
   */
  async put(put: DerivedPut): Promise<void> {
    // Sealed first, so a value that cannot be encoded is refused before anything is written.
    const value = this.key && put.value !== undefined ? await sealDerivedValue(this.key, put.id, put.value) : put.value;
    let file: string | null = null;
    try {
      if (put.data) {
        await this.writeFile(put.id, put.data);
        file = put.id;
      }
      const now = this.now();
      await this.store.putDerived({
        id: put.id,
        kind: put.kind,
        sources: put.sources,
        bytes: put.data?.byteLength ?? 0,
        file,
        value,
        createdAt: now,
        lastAccessedAt: now,
        expiresAt: put.ttlSeconds === null ? null : now + put.ttlSeconds * 1000,
      });
    } catch (error) {
      if (file) {
        // The file replaced any older one of this id, so an older row would name the wrong bytes: both go.
        await this.store.deleteDerived({ ids: [put.id] }).catch(() => undefined);
        await this.files.removeDerived(file).catch(() => undefined);
      }
      throw storageFailure(error, put.kind);
    }
  }

  /** Writes `data` to a locked temporary in derived/ and moves it into place as `name`. */
  private async writeFile(name: string, data: ArrayBuffer): Promise<void> {
    const temporary = await this.files.createDerivedTemporary();
    try {
      const inner = await temporary.openSink();
      const sink = this.key ? createEncryptingSink(inner, this.key, crypto.getRandomValues(new Uint8Array(16))) : inner;
      try {
        await sink.write(new Uint8Array(data), 0);
        await sink.close();
      } catch (error) {
        await sink.discard().catch(() => undefined);
        throw error;
      }
      await this.files.commitDerived(temporary, name);
    } catch (error) {
      await temporary.remove().catch(() => undefined);
      throw error;
    } finally {
      temporary.release();
    }
  }

  /** Removes everything derived from any of these stored files. */
  async dropForSources(sources: readonly string[]): Promise<number> {
    if (sources.length === 0) return 0;
    const deleted = await this.store.deleteDerived({ sources });
    await this.removeFiles(deleted);
    return deleted.length;
  }

  async drop(records: readonly DerivedRecord[]): Promise<void> {
    const deleted = await this.store.deleteDerived({ ids: records.map((record) => record.id) });
    await this.removeFiles(deleted);
  }

  /**
   * Expired results, results whose sources are gone, and files without a
   * row: none may dangle. Decoded copies and thumbnails kept before ids
   * carried their kind move to their own ids first (their files keep their
   * names), so none is lost to the change; one whose new id is taken goes.
   */
  async sweep(storedFiles: ReadonlySet<string>): Promise<number> {
    for (const record of await this.store.allDerived()) {
      const id = migratedDerivedId(record);
      if (id !== null && !(await this.store.renameDerived(record.id, id))) await this.drop([record]);
    }
    const now = this.now();
    const records = await this.store.allDerived();
    const stale = records.filter((record) => (record.expiresAt !== null && record.expiresAt <= now) || record.sources.some((source) => !storedFiles.has(source)));
    await this.drop(stale);
    const kept = new Set(records.filter((record) => !stale.includes(record) && record.file).map((record) => record.file as string));
    return stale.length + (await this.files.sweepDerived(kept));
  }

  /**
   * Bytes of derived files as the budget counts them, attributed to their
   * first source; results without a source count apart. Thumbnails (a few KB
   * each) are reported in `total` but left out of the budget, so making one
   * never evicts a volume.
   */
  async bytesBySource(): Promise<{ bySource: Map<string, number>; unattached: number; total: number; count: number }> {
    const bySource = new Map<string, number>();
    let unattached = 0;
    let total = 0;
    const records = await this.store.allDerived();
    for (const record of records) {
      total += record.bytes;
      if (record.kind === 'thumbnail') continue;
      const [source] = record.sources;
      if (source === undefined) unattached += record.bytes;
      else bySource.set(source, (bySource.get(source) ?? 0) + record.bytes);
    }
    return { bySource, unattached, total, count: records.length };
  }

  private async removeFiles(records: readonly DerivedRecord[]): Promise<void> {
    for (const record of records) if (record.file) await this.files.removeDerived(record.file);
  }
}

/** A failed write as a VolumeCacheError with a code; VolumeCacheErrors as they are. */
function storageFailure(error: unknown, kind: DerivedKind): unknown {
  if (error instanceof VolumeCacheError) return error;
  const what = kind === 'memo' ? 'this memo() result' : kind === 'decoded' ? 'this decoded volume' : 'this thumbnail';
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return new VolumeCacheError('quota', `Storing ${what} met the browser's quota; nothing of it was kept.`, { cause: error });
  // IndexedDB clones a plain partition's values: a DataCloneError, or V8's RangeError for a value nested too deep to clone.
  if (name === 'DataCloneError' || error instanceof RangeError) {
    return new VolumeCacheError('invalid-argument', `${what[0]!.toUpperCase()}${what.slice(1)} cannot be stored: structured clone refused it (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
  return error;
}
