import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/createEngine';
import { ERROR_CODES, VolumeCacheError } from '../../../src/errors';
import type { EngineRequest, ServiceWorkerEngine } from '../../../src/protocol';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../../server/generatedVolume';
import { HOSTILE_FAULTS } from '../../support/hostileFaults';
import { nodeEnginePlatform } from '../support/nodeEnginePlatform';
import { createMemoryOpfs } from '../support/memoryOpfs';
import { createRandom, randomInt } from '../support/random';
import { startVolumeServer, type VolumeServer } from '../support/volumeServer';

/**
 * A seeded torture of the real engine in Node, two "tabs" on one partition
 * (one disk, one lock manager, one database), with a disk quota and a
 * budget: hostile servers (every fault the test server has), careless
 * callers (bad options, aborts, memo results larger than the budget,
 * unknown-length bodies past it), and two pinned volumes that must survive
 * it all. It counts and prints what issue 18 says must never happen: wrong
 * bytes served, good entries lost, errors without a code. TORTURE_SEED and
 * TORTURE_ROUNDS replay or lengthen it.
 */

const seed = Number(process.env.TORTURE_SEED ?? 20261202);
const rounds = Number(process.env.TORTURE_ROUNDS ?? 60);
const SLICE_SIZES = [2, 3, 4, 5];
const maxBytes = 5 * generatedVolumeBytes(4);
const quotaBytes = Math.round(1.3 * maxBytes);
const partition = `torture-${seed}`;

let server: VolumeServer;
beforeAll(async () => {
  server = await startVolumeServer();
});
afterAll(() => server.close());

const sha256Of = (bytes: ArrayBuffer): string => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

it(`survives ${rounds} rounds of hostile servers, misuse and quota with no wrong bytes, no good entry lost and no error without a code (seed ${seed})`, async () => {
  const random = createRandom(seed);
  /** An integer from 0 to n - 1. */
  const below = (n: number): number => randomInt(random, 0, n - 1);
  // A tight disk shared by both tabs: quota failures happen, and must evict only what makes room.
  const quotaDisk = createMemoryOpfs({ quotaBytes });
  const tabA = nodeEnginePlatform({ getDirectory: quotaDisk.getDirectory });
  const tabB = nodeEnginePlatform({ getDirectory: quotaDisk.getDirectory, locks: tabA.platform.locks });
  const tabs: ServiceWorkerEngine[] = [createEngine(tabA.platform), createEngine(tabB.platform)];
  for (const tab of tabs) await tab.init({ name: partition, verifyOnRead: false, maxBytes, stallTimeoutSeconds: 0.3, thumbnails: false });

  const figures = { attacks: 0, succeeded: 0, refused: 0, wrongBytes: 0, goodEntriesLost: 0, errorsWithoutCode: 0 };
  const expectedSha = new Map<string, Promise<string>>();
  const shaOf = (slices: number, volumeSeed: number, version: number): Promise<string> => {
    const id = `${slices}-${volumeSeed}-${version}`;
    if (!expectedSha.has(id)) expectedSha.set(id, generatedVolumeSha256(slices, volumeSeed, version));
    return expectedSha.get(id)!;
  };
  let requestIds = 0;
  const requestFor = (path: string, extra: Partial<EngineRequest> = {}): EngineRequest => {
    const url = server.url(path);
    return { requestId: `t${++requestIds}`, url, key: url, ...extra };
  };

  // Good entries: two pinned volumes, checked after every round.
  const pinnedPaths = ['/gen/3-900.nii', '/gen/2-901.nii'];
  for (const path of pinnedPaths) await tabs[0]!.pin(requestFor(path));
  const pinnedSha = await Promise.all([shaOf(3, 900, 1), shaOf(2, 901, 1)]);

  const refusal = (error: unknown): void => {
    figures.refused++;
    if (!(error instanceof VolumeCacheError) || !(ERROR_CODES as readonly string[]).includes(error.code)) {
      figures.errorsWithoutCode++;
      console.error('torture: an error without a code', error);
    }
  };
  const checkBytes = async (buffer: ArrayBuffer, allowed: string[], entrySha: string | null | undefined, what: string): Promise<void> => {
    const actual = sha256Of(buffer);
    if (!allowed.includes(actual) || (entrySha != null && entrySha !== actual)) {
      figures.wrongBytes++;
      console.error('torture: wrong bytes', { what, bytes: buffer.byteLength, actual, allowed, entrySha });
    }
  };

  for (let round = 0; round < rounds; round++) {
    const tab = tabs[below(tabs.length)]!;
    const evictionsBefore = (await tab.stats()).evictions;
    /** Set for what cannot be kept (larger than the budget, or not to be kept at all): it must evict nothing. */
    let cannotBeKept = false;
    figures.attacks++;
    const attack = below(10);
    try {
      if (attack <= 4) {
        // A hostile server.
        const fault = HOSTILE_FAULTS[below(HOSTILE_FAULTS.length)]!;
        const slices = SLICE_SIZES[below(SLICE_SIZES.length)]!;
        const volumeSeed = 1 + below(12);
        const path = `/gen/${slices}-${volumeSeed}.nii${fault.query ? `?${fault.query}&round=${round}` : `?round=${round % 3}`}`;
        const headers = fault.query.startsWith('vary') ? { 'X-Tenant': `tenant-${below(3)}` } : undefined;
        cannotBeKept = fault.keepable === false;
        const result = await tab.getArrayBuffer(requestFor(path, headers ? { headers } : {}));
        figures.succeeded++;
        await checkBytes(result.buffer, await Promise.all(fault.versions.map((version) => shaOf(slices, volumeSeed, version))), result.entry?.sha256, `${path} ${result.status}`);
      } else if (attack === 5) {
        // A careless caller: options out of range, a malformed or wrong integrity, a bad memo id.
        const misuse = below(6);
        const path = `/gen/2-${1 + below(12)}.nii`;
        if (misuse === 0) await tab.get(requestFor(path, { ttlSeconds: -1 }));
        else if (misuse === 1) await tab.get(requestFor(path, { expect: 'dicom' as never }));
        else if (misuse === 2) await tab.get(requestFor(path, { headers: { A: 1 as never } }));
        else if (misuse === 3) await tab.get(requestFor(path, { integrity: 'md5-abc' }));
        else if (misuse === 4) await tab.get(requestFor(`${path}?integrity-round=${round}`, { integrity: `sha256-${Buffer.alloc(32).toString('base64')}` }));
        else await tab.writeMemo('not a digest', { kind: 'value', value: 1 }, { sourceKeys: [] });
        figures.succeeded++;
      } else if (attack === 6) {
        // A memo result larger than the budget, tied to a pinned volume: refused, evicting nothing.
        cannotBeKept = true;
        const digest = createHash('sha256').update(`memo-${round}`).digest('hex');
        const data = new ArrayBuffer(maxBytes + 1);
        await tab.writeMemo(digest, { kind: 'binary', arrayType: 'Uint8Array', data }, { sourceKeys: [requestFor(pinnedPaths[0]!).key] });
        if (await tab.readMemo(digest)) {
          figures.goodEntriesLost++; // kept past the budget: something had to give
          console.error(`torture: round ${round}: a memo larger than maxBytes was kept`);
        }
        figures.succeeded++;
      } else if (attack === 7) {
        // A body without Content-Length that is larger than the budget: stopped with quota, evicting nothing.
        cannotBeKept = true;
        await tab.get(requestFor(`/gen/${16 + below(8)}-${round}.nii?chunked=1`));
        figures.succeeded++;
      } else if (attack === 8) {
        // A volume larger than the budget, of known length: handed out uncached (or quota), evicting nothing.
        const slices = 24 + below(6);
        cannotBeKept = true;
        const result = await tab.getArrayBuffer(requestFor(`/gen/${slices}-${round}.nii`));
        figures.succeeded++;
        await checkBytes(result.buffer, [await shaOf(slices, round, 1)], result.entry?.sha256, `large ${slices} ${result.status}`);
      } else {
        // An abort mid-download.
        const request = requestFor(`/gen/5-${round}.nii?stall=30000&round=${round}`);
        const running = tab.get(request);
        setTimeout(() => tab.abort(request.requestId), 20);
        await running;
        figures.succeeded++;
      }
    } catch (error) {
      refusal(error);
    }
    // What cannot be kept must have evicted nothing (what could be may evict to fit, even if it then fails).
    const evictionsAfter = (await tab.stats()).evictions;
    if (cannotBeKept && evictionsAfter > evictionsBefore) {
      figures.goodEntriesLost += evictionsAfter - evictionsBefore;
      console.error(`torture: round ${round} (attack ${attack}) kept nothing but evicted ${evictionsAfter - evictionsBefore}`);
    }
    // The pinned volumes are still there, with their bytes.
    for (const [index, path] of pinnedPaths.entries()) {
      const cached = await tabs[round % 2]!.getCachedFile(requestFor(path).key).catch(() => null);
      if (!cached) {
        figures.goodEntriesLost++;
        console.error(`torture: round ${round}: pinned ${path} is gone`);
        await tabs[0]!.pin(requestFor(path)); // put it back, to keep counting
        continue;
      }
      await checkBytes(await cached.file.arrayBuffer(), [pinnedSha[index]!], cached.entry.sha256, `pinned ${path}`);
    }
  }
  for (const tab of tabs) await tab.close();

  console.log(
    `torture (seed ${seed}): ${figures.attacks} attacks, ${figures.succeeded} answered, ${figures.refused} refused with a code; ` +
      `wrong bytes served ${figures.wrongBytes}, good entries lost ${figures.goodEntriesLost}, errors without a code ${figures.errorsWithoutCode}`,
  );
  expect(figures.refused).toBeGreaterThan(0);
  expect(figures.succeeded).toBeGreaterThan(0);
  expect({ wrongBytes: figures.wrongBytes, goodEntriesLost: figures.goodEntriesLost, errorsWithoutCode: figures.errorsWithoutCode }).toEqual({
    wrongBytes: 0,
    goodEntriesLost: 0,
    errorsWithoutCode: 0,
  });
}, 120_000);
