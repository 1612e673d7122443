import { describe, expect, it } from 'vitest';
import { memoKey } from '../../../src/derived/memoKey';
import { MemoryLru } from '../../../src/derived/MemoryLru';
import { BackgroundJobs } from '../../../src/engine/BackgroundJobs';
import { DecodedVolumes, type DecodedVolume } from '../../../src/engine/DecodedVolumes';
import { readMemo, writeMemo } from '../../../src/engine/memoResults';
import { derivedId } from '../../../src/metadata/derivedId';
import type { NiftiSummary } from '../../../src/types';
import { buildNiftiFile } from '../derived/support/buildNiftiFile';
import { failNextDerivedFileWrite } from './support/fullDisk';
import { entry, storeEntries, useTestPartitions, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

const SHA256 = '5a'.repeat(32);
const VOXELS = Uint8Array.from({ length: 4 * 4 * 2 }, (_, i) => i);
/** A 4×4×2 uint8 volume whose voxels are 0..31. */
const NIFTI = buildNiftiFile({ dims: [4, 4, 2], datatypeCode: 2, bitPix: 8 }, VOXELS);
const volume = entry('volume', SHA256, NIFTI.byteLength, 1);

/** What memo() computes on the page for a key and inputs chosen to equal the library's own. */
const decodedDigest = (): Promise<string> => memoKey('volume-cache:decoded', { source: SHA256 }, { version: 1 });
const thumbnailDigest = (): Promise<string> => memoKey('volume-cache:thumbnail', { source: SHA256 }, { version: 1 });

async function setUp(): Promise<{ test: TestPartition; volumes: DecodedVolumes; file: File }> {
  const test = await partition();
  await storeEntries(test.context, [volume]);
  const volumes = new DecodedVolumes({
    partition: () => test.context,
    keepDecoded: true,
    thumbnails: false,
    // No memory tier: every repeat open shows where the stored copy came from.
    memoryTier: new MemoryLru<DecodedVolume>(0),
    background: new BackgroundJobs(() => true),
    addTotals: async () => undefined,
  });
  return { test, volumes, file: new File([NIFTI], 'volume.nii') };
}

const derivedPaths = (test: TestPartition): string[] => test.storedFiles().filter((path) => path.startsWith('derived/'));

describe('DecodedVolumes', () => {
  describe("the library's records and memo() never meet", () => {
    it('a memo() stored under the digest the library hashes for a decoded copy is not returned as voxels', async () => {
      const { test, volumes, file } = await setUp();
      const digest = await decodedDigest();
      const forged = new Uint8Array(VOXELS.length).fill(0xee);
      await writeMemo(test.context, digest, { kind: 'binary', arrayType: 'Uint8Array', data: forged.slice().buffer }, { sourceKeys: [] });

      const first = await volumes.decoded(volume, file, volume.url);
      expect(first.from).toBe('decode');
      expect([...new Uint8Array(first.voxels)]).toEqual([...VOXELS]);
      const again = await volumes.decoded(volume, file, volume.url);
      expect(again.from).toBe('disk');
      expect([...new Uint8Array(again.voxels)]).toEqual([...VOXELS]);

      // And the other way: the memo still reads back as its own bytes, not the decoded copy stored since.
      const memo = await readMemo(test.context, digest);
      expect([...new Uint8Array((memo as { data: ArrayBuffer }).data)]).toEqual([...forged]);
    });

    it('a memo() stored under the digest the library hashes for a thumbnail is not returned as a PNG, nor a thumbnail as the memo', async () => {
      const { test, volumes } = await setUp();
      const digest = await thumbnailDigest();
      await writeMemo(test.context, digest, { kind: 'value', value: 'not a PNG' }, { sourceKeys: [] });
      expect(await volumes.thumbnail(volume)).toBeNull();

      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
      await test.context.derived.put({ id: derivedId('thumbnail', digest), kind: 'thumbnail', sources: [volume.sha256], ttlSeconds: null, data: png.slice().buffer, value: { type: 'image/png' } });
      const thumbnail = await volumes.thumbnail(volume);
      expect(thumbnail?.type).toBe('image/png');
      expect([...new Uint8Array(await thumbnail!.arrayBuffer())]).toEqual([...png]);
      expect(await readMemo(test.context, digest)).toEqual({ kind: 'value', value: 'not a PNG' });
    });

    it('a decoded copy an earlier release kept under the bare digest is read after the start-up sweep, without decoding again', async () => {
      const { test, volumes, file } = await setUp();
      const { header, voxels } = await volumes.decoded(volume, file, volume.url, false);
      const digest = await decodedDigest();
      await test.context.derived.put({ id: digest, kind: 'decoded', sources: [volume.sha256], ttlSeconds: null, data: voxels, value: header });

      await test.context.derived.sweep(new Set([volume.sha256]));

      const opened = await volumes.decoded(volume, file, volume.url);
      expect(opened.from).toBe('disk');
      expect(opened.header).toEqual(header);
      expect([...new Uint8Array(opened.voxels)]).toEqual([...VOXELS]);
      expect(derivedPaths(test)).toEqual([`derived/${digest}`]);
    });
  });

  it('a decoded copy that meets the quota is not kept, leaves nothing behind, and the volume still opens', async () => {
    const { test, volumes, file } = await setUp();
    failNextDerivedFileWrite(test.context);
    const opened = await volumes.decoded(volume, file, volume.url);
    expect(opened.from).toBe('decode');
    expect([...new Uint8Array(opened.voxels)]).toEqual([...VOXELS]);
    expect(derivedPaths(test)).toEqual([]);
    expect(await test.context.store.allDerived()).toEqual([]);

    // With room again, the next open keeps it.
    expect((await volumes.decoded(volume, file, volume.url)).from).toBe('decode');
    expect((await volumes.decoded(volume, file, volume.url)).from).toBe('disk');
  });

  it('refuseUndecodable: a cached volume whose voxels no buffer can hold is refused with unsupported from its stored header; others pass', async () => {
    const { volumes } = await setUp();
    const summary: Omit<NiftiSummary, 'dims' | 'bitsPerVoxel'> = { version: 1, voxelSize: [1, 1, 1], datatypeCode: 2, datatype: 'uint8', littleEndian: true, compressed: true, description: '' };
    // 2^48 voxel bytes: a safe integer, more than any machine allocates.
    const huge = entry('huge', SHA256, 1000, 1, { nifti: { ...summary, dims: [32767, 32767, 32767, 8], bitsPerVoxel: 8 } });
    let thrown: unknown;
    try {
      volumes.refuseUndecodable(huge, 'https://data.example/fmri.nii.gz');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'VolumeCacheError', code: 'unsupported', url: 'https://data.example/fmri.nii.gz' });
    expect(() => volumes.refuseUndecodable(entry('small', SHA256, 1000, 1, { nifti: { ...summary, dims: [256, 256, 16], bitsPerVoxel: 16 } }), 'u')).not.toThrow();
    expect(() => volumes.refuseUndecodable(null, 'u')).not.toThrow();
    expect(() => volumes.refuseUndecodable(entry('not-nifti', SHA256, 1000, 1), 'u')).not.toThrow();
  });
});
