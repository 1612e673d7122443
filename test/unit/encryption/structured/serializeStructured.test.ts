import { describe, expect, it, vi } from 'vitest';
import { deserializeStructured } from '../../../../src/encryption/structured/deserializeStructured';
import { MAX_NESTING_DEPTH } from '../../../../src/encryption/structured/format';
import { serializeStructured } from '../../../../src/encryption/structured/serializeStructured';
import type { VolumeCacheError } from '../../../../src/errors';
import { rejection } from '../../support/rejection';
import { VERSION_1_HEX, version1Value } from './version1Sample';

/** Through the serializer and back. */
async function roundTrip<T>(value: T): Promise<T> {
  return deserializeStructured(await serializeStructured(value)) as T;
}

function refusal(value: unknown): Promise<VolumeCacheError> {
  return rejection(serializeStructured(value));
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get length(): number {
    return Math.hypot(this.x, this.y);
  }
}

const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
const withExtras = Object.assign([1, 2], { label: 'xs' });
const sparseWithExtras = Object.assign([, 'b'], { label: 'ys' }); // eslint-disable-line no-sparse-arrays

// Each value goes through the serializer and through the platform's own
// structuredClone() (V8's, as Chromium's): both must give the same thing.
const VALUES: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['-0', -0],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['the largest double', Number.MAX_VALUE],
  ['the smallest subnormal', Number.MIN_VALUE],
  ['a BigInt', 12345678901234567890123456789n],
  ['a negative BigInt', -(2n ** 100n)],
  ['0n', 0n],
  ['an empty string', ''],
  ['a string with astral characters', 'voxel 🧠 ü'],
  ['a string with a lone surrogate', 'a\uD800b'],
  ['a string with a lone low surrogate at the end', 'x\uDC00'],
  ['a Date', new Date(1_700_000_000_123)],
  ['an invalid Date', new Date(Number.NaN)],
  ['a RegExp with flags', /ab+c/giu],
  ['a Boolean object', new Boolean(false)],
  ['a Number object holding -0', new Number(-0)],
  ['a String object', new String('boxed')],
  ['a BigInt object', Object(7n)],
  ['an ArrayBuffer', new Uint8Array([1, 2, 3]).buffer],
  ['an empty ArrayBuffer', new ArrayBuffer(0)],
  ['a Float32Array', new Float32Array([1.5, Number.NaN, -0, Number.POSITIVE_INFINITY])],
  ['a Float64Array', new Float64Array([Math.PI, -0])],
  ['an Int8Array', new Int8Array([-128, 127])],
  ['a Uint8ClampedArray', new Uint8ClampedArray([0, 255])],
  ['an Int16Array', new Int16Array([-1, 2])],
  ['a Uint16Array', new Uint16Array([65535])],
  ['an Int32Array', new Int32Array([-(2 ** 31)])],
  ['a Uint32Array', new Uint32Array([2 ** 32 - 1])],
  ['a BigInt64Array', new BigInt64Array([-1n, 2n ** 62n])],
  ['a BigUint64Array', new BigUint64Array([2n ** 64n - 1n])],
  ['a DataView', new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2)],
  ['a view of part of a buffer (the whole buffer goes with it)', new Uint16Array(new ArrayBuffer(16), 4, 2)],
  ['a Map with mixed keys', new Map<unknown, unknown>([['a', 1], [2, 'two'], [{ k: 1 }, [1]], [Number.NaN, null]])],
  ['a Set', new Set([1, 'one', 1n, null, undefined, Number.NaN])],
  ['an empty object', {}],
  ['nested mixtures', { m: new Map([['s', new Set([new Date(0), /x/])]]), a: [new Float32Array([1]), { n: Number.NaN, z: -0 }], b: 10n }],
  ['an object with integer-like keys (in enumeration order)', { b: 1, 2: 'two', a: 3, 1: 'one' }],
  ['a class instance (a plain object of its own enumerable fields)', new Point(3, 4)],
  ['an object without a prototype', Object.assign(Object.create(null) as object, { a: 1 })],
  ['a dense array', [1, 'two', null, undefined]],
  ['an array with holes', sparse],
  ['an array with extra properties', withExtras],
  ['an array with holes and extra properties', sparseWithExtras],
  ['an array that is all hole', new Array(5)],
  ['an object with symbol keys (dropped)', { kept: 1, [Symbol('dropped')]: 2 }],
];

describe('serializeStructured / deserializeStructured', () => {
  it('writes the bytes format version 1 gives a value, which stored values hold', async () => {
    expect(Buffer.from(await serializeStructured(version1Value())).toString('hex')).toBe(VERSION_1_HEX);
  });

  it.each(VALUES)('%s comes back as structuredClone() gives it', async (_case, value) => {
    expect(await roundTrip(value)).toStrictEqual(structuredClone(value));
  });

  it('keeps -0, NaN and the infinities exactly, inside containers too (JSON gave 0 and null)', async () => {
    const back = await roundTrip({ z: -0, n: Number.NaN, i: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], m: new Map([[-0, -0]]) });
    expect(Object.is(back.z, -0)).toBe(true);
    expect(Number.isNaN(back.n)).toBe(true);
    expect(back.i).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    // A Map key -0 is 0 (SameValueZero), its value stays -0.
    expect(Object.is(back.m.get(0), -0)).toBe(true);
  });

  it('keeps a view type, its offset and length, and the whole buffer behind it', async () => {
    const buffer = new ArrayBuffer(16);
    new Uint8Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const back = await roundTrip(new Uint16Array(buffer, 4, 3));
    expect(back).toBeInstanceOf(Uint16Array);
    expect([back.byteOffset, back.length, back.buffer.byteLength]).toEqual([4, 3, 16]);
    expect([...new Uint8Array(back.buffer)]).toEqual([...new Uint8Array(buffer)]);
  });

  it('keeps shared references shared: two views of one buffer, one object in two places', async () => {
    const buffer = new ArrayBuffer(8);
    const shared = { level: 1 };
    const back = await roundTrip({ bytes: new Uint8Array(buffer), words: new Uint32Array(buffer), buffer, first: shared, second: [shared] });
    expect(back.bytes.buffer).toBe(back.words.buffer);
    expect(back.buffer).toBe(back.bytes.buffer);
    expect(back.second[0]).toBe(back.first);
    back.words[0] = 0x01020304;
    expect(back.bytes[0]).toBe(0x04);
  });

  it('keeps cycles, through objects, arrays, Maps, Sets and error causes', async () => {
    const node: Record<string, unknown> = { name: 'node' };
    node.self = node;
    const list: unknown[] = [1];
    list.push(list);
    const map = new Map<string, unknown>();
    map.set('me', map);
    const set = new Set<unknown>();
    set.add(set);
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;
    const back = await roundTrip({ node, list, map, set, error });
    expect(back.node.self).toBe(back.node);
    expect(back.list[1]).toBe(back.list);
    expect(back.map.get('me')).toBe(back.map);
    expect([...back.set][0]).toBe(back.set);
    expect(back.error.cause).toBe(back.error);
  });

  it('turns a class instance into a plain object of its own enumerable fields, as structured clone does', async () => {
    const back = await roundTrip(new Point(3, 4));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toStrictEqual({ x: 3, y: 4 });
  });

  it('keeps a key named __proto__ as a property, setting no prototype', async () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = (await roundTrip(value)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each<[string, Error, string]>([
    ['an Error', new Error('plain'), 'Error'],
    ['a TypeError with a cause', new TypeError('typed', { cause: { code: 7 } }), 'TypeError'],
    ['a RangeError', new RangeError('range'), 'RangeError'],
    ['an error of an unknown name (comes back as Error)', Object.assign(new Error('custom'), { name: 'ValidationError' }), 'Error'],
    ['an error without a message', new SyntaxError(), 'SyntaxError'],
  ])('keeps %s as structured clone does: type, message, stack, cause', async (_case, error, name) => {
    const back = await roundTrip(error);
    const clone = structuredClone(error);
    expect(back).toBeInstanceOf(globalThis[name as 'Error']);
    expect(back.name).toBe(clone.name);
    expect(back.name).toBe(name);
    expect(Object.hasOwn(back, 'message')).toBe(Object.hasOwn(clone, 'message'));
    expect(back.message).toBe(clone.message);
    expect(back.stack).toBe(clone.stack);
    expect(Object.hasOwn(back, 'cause')).toBe(Object.hasOwn(clone, 'cause'));
    expect(back.cause).toStrictEqual(clone.cause);
  });

  it('keeps a DOMException with its name and message', async () => {
    const back = await roundTrip(new DOMException('no room', 'QuotaExceededError'));
    expect(back).toBeInstanceOf(DOMException);
    expect([back.name, back.message]).toEqual(['QuotaExceededError', 'no room']);
  });

  it('keeps a Blob and a File with their bytes, type, name and time', async () => {
    const blob = new Blob(['png bytes'], { type: 'image/png' });
    const file = new File([new Uint8Array([1, 2, 3])], 'mask.bin', { type: 'application/octet-stream', lastModified: 1_700_000_000_000 });
    const back = await roundTrip({ blob, file, again: blob });
    expect(back.blob).toBeInstanceOf(Blob);
    expect([back.blob.type, await back.blob.text()]).toEqual(['image/png', 'png bytes']);
    expect(back.file).toBeInstanceOf(File);
    expect([back.file.name, back.file.type, back.file.lastModified]).toEqual(['mask.bin', 'application/octet-stream', 1_700_000_000_000]);
    expect([...new Uint8Array(await back.file.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(back.again).toBe(back.blob);
  });

  it('keeps a resizable ArrayBuffer resizable, with its maximum', async () => {
    const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resizable: boolean; maxByteLength: number };
    const buffer = new Resizable(4, { maxByteLength: 64 });
    new Uint8Array(buffer).set([4, 3, 2, 1]);
    const back = (await roundTrip(buffer)) as typeof buffer;
    const clone = structuredClone(buffer);
    expect([back.resizable, back.maxByteLength, back.byteLength]).toEqual([clone.resizable, clone.maxByteLength, clone.byteLength]);
    expect([...new Uint8Array(back)]).toEqual([4, 3, 2, 1]);
  });

  it('keeps large typed arrays byte for byte', async () => {
    const voxels = new Float32Array(1 << 18).map((_, i) => Math.sin(i) * 1000);
    const back = await roundTrip({ voxels });
    expect(back.voxels).toStrictEqual(voxels);
  });

  it.each<[string, unknown, string]>([
    ['a function', { compute: () => 1 }, 'value.compute is a function'],
    ['a symbol', { tags: [1, Symbol('t')] }, 'value.tags[1] is a symbol'],
    ['a WeakMap', { cache: new WeakMap() }, 'value.cache is a WeakMap'],
    ['a WeakSet', new Map([['k', new WeakSet()]]), 'value.get("k") is a WeakSet'],
    ['a Promise', new Set([Promise.resolve()]), 'value.values()[0] is a Promise'],
    ['a Symbol object', { boxed: Object(Symbol('s')) }, 'value.boxed is a Symbol'],
  ])('refuses %s, which structured clone refuses too, with invalid-argument naming where', async (_case, value, detail) => {
    expect(() => structuredClone(value)).toThrow();
    const error = await refusal(value);
    expect(error.code).toBe('invalid-argument');
    expect(error.detail.startsWith(detail)).toBe(true);
  });

  it('refuses a detached ArrayBuffer (transferred away), as structured clone does, with invalid-argument', async () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    expect(() => structuredClone(buffer)).toThrow();
    const error = await refusal({ gone: buffer });
    expect(error.code).toBe('invalid-argument');
    expect(error.detail.startsWith('value.gone is a detached ArrayBuffer')).toBe(true);
  });

  it('refuses a SharedArrayBuffer, which IndexedDB refuses, with invalid-argument', async () => {
    const error = await refusal({ shared: new SharedArrayBuffer(4) });
    expect(error.code).toBe('invalid-argument');
    expect(error.detail.startsWith('value.shared is a SharedArrayBuffer')).toBe(true);
  });

  it('refuses a platform object it does not encode (an ImageData, as browsers brand it) with unsupported, naming it', async () => {
    class ImageData {
      readonly width = 1;
      get [Symbol.toStringTag](): string {
        return 'ImageData';
      }
    }
    vi.stubGlobal('ImageData', ImageData);
    try {
      const error = await refusal({ preview: new ImageData() });
      expect(error.code).toBe('unsupported');
      expect(error.detail.startsWith('value.preview is an ImageData')).toBe(true);
      // A class of the application's own with a tag is no platform object: it is kept as its fields.
      class Tagged {
        readonly level = 2;
        get [Symbol.toStringTag](): string {
          return 'Tagged';
        }
      }
      expect(await roundTrip(new Tagged())).toStrictEqual({ level: 2 });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it(`encodes values nested ${MAX_NESTING_DEPTH} levels, and refuses deeper ones with invalid-argument (no RangeError)`, async () => {
    const nested = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(await roundTrip(nested(MAX_NESTING_DEPTH))).toStrictEqual(nested(MAX_NESTING_DEPTH));
    const error = await refusal(nested(MAX_NESTING_DEPTH + 1));
    expect(error.code).toBe('invalid-argument');
    expect(error.detail).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
    expect((await refusal(nested(100_000))).code).toBe('invalid-argument');
  });
});
