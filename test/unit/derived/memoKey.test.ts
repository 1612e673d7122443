import { describe, it, expect } from 'vitest';
import { memoKey } from '../../../src/derived/memoKey';
import { VolumeCacheError } from '../../../src/errors';
import { createRandom, randomInt } from '../support/random';

async function rejection(promise: Promise<unknown>): Promise<VolumeCacheError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected memoKey to reject');
}

const V1 = { version: 1 };

describe('memoKey', () => {
  it('is a 64-digit lower-case hex SHA-256, the same every time', async () => {
    const key = await memoKey('thumbnail', { size: 128 }, V1);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await memoKey('thumbnail', { size: 128 }, V1)).toBe(key);
  });

  it('does not depend on object key order, at any depth', async () => {
    const a = await memoKey('k', { size: 128, window: { low: 2, high: 98 }, axes: ['z', 'y'] }, V1);
    const b = await memoKey('k', { axes: ['z', 'y'], window: { high: 98, low: 2 }, size: 128 }, V1);
    expect(a).toBe(b);
  });

  it('leaves out the top-level inputs named in ignore, and only those', async () => {
    const base = await memoKey('k', { size: 128 }, V1);
    expect(await memoKey('k', { size: 128, onProgress: () => undefined, debug: true }, { ...V1, ignore: ['onProgress', 'debug'] })).toBe(base);
    expect(await memoKey('k', { size: 128, debug: true }, { ...V1, ignore: ['onProgress'] })).not.toBe(base);
    // Nested names are not top-level inputs: ignoring "debug" keeps options.debug.
    expect(await memoKey('k', { size: 128, options: { debug: true } }, { ...V1, ignore: ['debug'] })).not.toBe(
      await memoKey('k', { size: 128, options: {} }, { ...V1, ignore: ['debug'] }),
    );
  });

  it('changes with the version, the key, and any input', async () => {
    const base = await memoKey('thumbnail', { size: 128, slice: 'middle' }, V1);
    const variants = await Promise.all([
      memoKey('thumbnail', { size: 128, slice: 'middle' }, { version: 2 }),
      memoKey('thumbnail', { size: 128, slice: 'middle' }, { version: '1' }),
      memoKey('histogram', { size: 128, slice: 'middle' }, V1),
      memoKey('thumbnail', { size: 256, slice: 'middle' }, V1),
      memoKey('thumbnail', { size: 128, slice: 'first' }, V1),
      memoKey('thumbnail', { size: 128 }, V1),
      memoKey('thumbnail', { size: 128, slice: 'middle', extra: null }, V1),
      memoKey('thumbnail', { size: 128, slice: 'middle', lut: new Uint8Array([1]) }, V1),
    ]);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('gives different keys to different random inputs, and equal keys to shuffled copies (seeded)', async () => {
    const keys = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) {
      const random = createRandom(seed);
      const inputs: Record<string, unknown> = {
        seed,
        level: random(),
        name: `n${randomInt(random, 0, 1e6)}`,
        list: Array.from({ length: randomInt(random, 0, 5) }, () => randomInt(random, -10, 10)),
        bytes: new Uint8Array(randomInt(random, 0, 8)).map(() => randomInt(random, 0, 255)),
      };
      const shuffled = Object.fromEntries(Object.entries(inputs).sort(() => random() - 0.5));
      const key = await memoKey('k', inputs, V1);
      expect(await memoKey('k', shuffled, V1), `seed ${seed}`).toBe(key);
      keys.add(key);
    }
    expect(keys.size).toBe(100);
  });

  it('treats typed arrays and ArrayBuffers by their bytes', async () => {
    expect(await memoKey('k', { lut: new Float32Array([1, 2]) }, V1)).toBe(await memoKey('k', { lut: new Float32Array([1, 2]) }, V1));
    expect(await memoKey('k', { lut: new Float32Array([1, 2]) }, V1)).not.toBe(await memoKey('k', { lut: new Float32Array([1, 3]) }, V1));
    expect(await memoKey('k', { raw: new Uint8Array([7, 8]).buffer }, V1)).toBe(await memoKey('k', { raw: new Uint8Array([7, 8]).buffer }, V1));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a function', { transform: () => 1 }, 'inputs.transform'],
    ['a symbol', { tag: Symbol('t') }, 'inputs.tag'],
    ['undefined in an array', { levels: [1, undefined, 3] }, 'inputs.levels[1]'],
    ['a nested function', { options: { map: [(x: number) => x] } }, 'inputs.options.map[0]'],
  ])('rejects %s with invalid-argument, naming the input', async (_name, inputs, path) => {
    const error = await rejection(memoKey('k', inputs, V1));
    expect(error.code).toBe('invalid-argument');
    expect(error.detail).toContain(path);
  });

  it('rejects inputs nested past the documented depth with invalid-argument, never a RangeError', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 50_000; i++) deep = { next: deep };
    const error = await rejection(memoKey('k', { deep }, V1));
    expect(error.code).toBe('invalid-argument');
    expect(error.detail).toContain('deeper than 100 levels');
  });

  it('an ignored input may hold anything', async () => {
    expect(await memoKey('k', { size: 1, onProgress: () => undefined }, { ...V1, ignore: ['onProgress'] })).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['a non-string key', () => memoKey(1 as unknown as string, {}, V1)],
    ['inputs that are an array', () => memoKey('k', [] as unknown as Record<string, unknown>, V1)],
    ['inputs that are null', () => memoKey('k', null as unknown as Record<string, unknown>, V1)],
    ['a missing version', () => memoKey('k', {}, {} as unknown as { version: number })],
    ['a NaN version', () => memoKey('k', {}, { version: Number.NaN })],
  ])('rejects %s with invalid-argument', async (_name, run) => {
    expect((await rejection(run())).code).toBe('invalid-argument');
  });
});
