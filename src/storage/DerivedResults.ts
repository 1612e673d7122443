import { storedSize } from '../encryption/chunkFormat';
import { createEncryptingSink } from '../encryption/EncryptingSink';
import { decryptAll } from '../encryption/readEncryptedFile';
import { VolumeCacheError } from '../errors';
import type { DerivedRecord, MetadataStore } from '../metadata/MetadataStore';
import type { PartitionFiles } from './PartitionFiles';

export interface DerivedPut {
  id: string;
  kind: DerivedRecord['kind'];
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
 */
export class DerivedResults {
  constructor(
    private readonly store: MetadataStore,
    private readonly files: PartitionFiles,
    private readonly key: CryptoKey | null,
    private readonly now: () => number,
  ) {}

  async get(id: string): Promise<DerivedHit | null> {
    const record = await this.store.getDerived(id);
    if (!record) return null;
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
        data = this.key ? await decryptAll(file, this.key, record.bytes) : await file.arrayBuffer();
      }
      value = this.key ? await this.unseal(record.value) : record.value;
    } catch (error) {
      if (!(error instanceof VolumeCacheError) || error.code !== 'corrupt') throw error;
      await this.drop([record]);
      return null;
    }
    await this.store.putDerived({ ...record, lastAccessedAt: this.now() });
    return { record, data, value };
  }

  async put(put: DerivedPut): Promise<void> {
    let file: string | null = null;
    if (put.data) {
      const temporary = await this.files.createDerivedTemporary();
      try {
        const inner = await temporary.openSink();
        const sink = this.key ? createEncryptingSink(inner, this.key, crypto.getRandomValues(new Uint8Array(16))) : inner;
        try {
          await sink.write(new Uint8Array(put.data), 0);
          await sink.close();
        } catch (error) {
          await sink.discard().catch(() => undefined);
          throw error;
        }
        file = put.id;
        await this.files.commitDerived(temporary, file);
      } catch (error) {
        await temporary.remove().catch(() => undefined);
        throw error;
      } finally {
        temporary.release();
      }
    }
    const now = this.now();
    await this.store.putDerived({
      id: put.id,
      kind: put.kind,
      sources: put.sources,
      bytes: put.data?.byteLength ?? 0,
      file,
      value: this.key ? await this.seal(put.value) : put.value,
      createdAt: now,
      lastAccessedAt: now,
      expiresAt: put.ttlSeconds === null ? null : now + put.ttlSeconds * 1000,
    });
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

  /** Expired results, results whose sources are gone, and files without a row: none may dangle. */
  async sweep(storedFiles: ReadonlySet<string>): Promise<number> {
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

  /** Inline values are sealed like entries in an encrypted partition (a decoded header's description is free text). */
  private async seal(value: unknown): Promise<unknown> {
    if (value === undefined) return undefined;
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch {
      throw new VolumeCacheError('unsupported', 'In an encrypted partition memo values must be ArrayBuffers, typed arrays or JSON-serialisable.');
    }
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, this.key!, new TextEncoder().encode(json));
    return { iv, data };
  }

  private async unseal(sealed: unknown): Promise<unknown> {
    if (sealed === undefined) return undefined;
    const { iv, data } = sealed as { iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer };
    try {
      return JSON.parse(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, this.key!, data)));
    } catch (error) {
      throw new VolumeCacheError('corrupt', 'A sealed derived result failed its authentication check.', { cause: error });
    }
  }
}
