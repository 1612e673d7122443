import { describe, expect, it } from 'vitest';
import { openDerivedValue, sealDerivedValue, type SealedValue } from '../../../src/encryption/sealDerivedValue';
import { rejection } from '../support/rejection';

function aesKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** A value as releases before the structured encoding sealed it: JSON text, no additional data. */
async function sealAsJson(key: CryptoKey, value: unknown): Promise<SealedValue> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, data: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(value))) };
}

describe('sealDerivedValue / openDerivedValue', () => {
  it('gives back what structured clone would: Map, Set, Date, NaN, Infinity, -0, typed arrays, BigInt, nested', async () => {
    const key = await aesKey();
    const value = {
      value: {
        labels: new Map([[1, 'left'], [2, 'right']]),
        seen: new Set(['a', 'b']),
        when: new Date(1_700_000_000_000),
        missing: Number.NaN,
        high: Number.POSITIVE_INFINITY,
        signed: -0,
        histogram: new Uint32Array([1, 2, 3]),
        total: 2n ** 70n,
        nested: [{ deep: new Map([['x', new Float64Array([-0])]]) }],
      },
    };
    const sealed = await sealDerivedValue(key, 'row', value);
    expect(sealed.encoding).toBe('structured-1');
    const back = (await openDerivedValue(key, 'row', sealed)) as typeof value;
    expect(back).toStrictEqual(structuredClone(value));
    expect(Object.is(back.value.signed, -0)).toBe(true);
  });

  it('does not keep the value readable in what it stores', async () => {
    const sealed = await sealDerivedValue(await aesKey(), 'row', { description: 'patient 0042' });
    expect(new TextDecoder('latin1').decode(sealed.data)).not.toContain('patient');
  });

  it('still opens a value sealed as JSON by an earlier release', async () => {
    const key = await aesKey();
    const legacy = await sealAsJson(key, { value: { threshold: 0.4, labels: ['a'] } });
    expect(await openDerivedValue(key, 'any-row', legacy)).toEqual({ value: { threshold: 0.4, labels: ['a'] } });
  });

  it('is bound to its row: a sealed value moved to another row fails with corrupt', async () => {
    const key = await aesKey();
    const sealed = await sealDerivedValue(key, `decoded-${'a'.repeat(64)}`, { dims: [2, 2] });
    expect((await rejection(openDerivedValue(key, 'a'.repeat(64), sealed))).code).toBe('corrupt');
  });

  it('fails with corrupt when the sealed bytes were altered, or opened with another key', async () => {
    const key = await aesKey();
    const sealed = await sealDerivedValue(key, 'row', [1, 2, 3]);
    const altered = new Uint8Array(sealed.data.slice(0));
    altered[0]! ^= 1;
    expect((await rejection(openDerivedValue(key, 'row', { ...sealed, data: altered.buffer }))).code).toBe('corrupt');
    expect((await rejection(openDerivedValue(await aesKey(), 'row', sealed))).code).toBe('corrupt');
  });

  it('refuses a value structured clone cannot copy before sealing anything, with invalid-argument', async () => {
    const error = await rejection(sealDerivedValue(await aesKey(), 'row', { value: { render: () => 1 } }));
    expect(error.code).toBe('invalid-argument');
  });
});
