import { describe, it, expect } from 'vitest';
import { canonicalBytes, MAX_KEY_DEPTH } from '../../../src/derived/canonicalBytes';
import { VolumeCacheError } from '../../../src/errors';

const hex = (value: unknown) => Buffer.from(canonicalBytes(value)).toString('hex');

function refusal(value: unknown): VolumeCacheError {
  try {
    canonicalBytes(value, 'inputs');
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected a refusal');
}

describe('canonicalBytes', () => {
  it('ignores object key order, at every depth', () => {
    expect(hex({ a: 1, b: { x: [1, 2], y: 'z' } })).toBe(hex({ b: { y: 'z', x: [1, 2] }, a: 1 }));
  });

  it('treats a property set to undefined as absent, as JSON does', () => {
    expect(hex({ a: 1, b: undefined })).toBe(hex({ a: 1 }));
  });

  it('keys -0 like 0 and every NaN alike', () => {
    expect(hex(-0)).toBe(hex(0));
    expect(hex(Number.NaN)).toBe(hex(0 / 0));
  });

  // Pairs JSON.stringify (or a naive concatenation) would confuse.
  it.each<[string, unknown, unknown]>([
    ['array order', [1, 2], [2, 1]],
    ['number vs string', 1, '1'],
    ['null vs "null"', null, 'null'],
    ['true vs 1', true, 1],
    ['false vs 0', false, 0],
    ['bigint vs number', 1n, 1],
    ['string boundaries', ['ab', 'c'], ['a', 'bc']],
    ['nesting', [[1], 2], [1, [2]]],
    ['empty array vs empty object', [], {}],
    ['object keys vs values', { a: 'b' }, { b: 'a' }],
    ['Uint8Array vs Float32Array of the same bytes', new Uint8Array(new Float32Array([1]).buffer), new Float32Array([1])],
    ['typed array vs array of its numbers', new Uint8Array([1, 2]), [1, 2]],
    ['ArrayBuffer vs Uint8Array', new Uint8Array([1, 2]).buffer, new Uint8Array([1, 2])],
    ['different bytes', new Uint8Array([1, 2]), new Uint8Array([1, 3])],
    ['Infinity vs -Infinity', Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ['nearby floats', 0.1 + 0.2, 0.3],
    ['unicode normal forms are different strings', 'é', 'e\u0301'],
  ])('distinguishes %s', (_name, a, b) => {
    expect(hex(a)).not.toBe(hex(b));
  });

  it('encodes a typed array by its own bytes, not its whole buffer', () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    expect(hex(backing.subarray(1, 3))).toBe(hex(new Uint8Array([1, 2])));
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    expect(() => canonicalBytes({ x: shared, y: [shared, shared] })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['a function', { f: () => 1 }, 'inputs.f'],
    ['a symbol', { s: Symbol('s') }, 'inputs.s'],
    ['undefined in an array', { list: [1, undefined] }, 'inputs.list[1]'],
    ['a hole in an array', { list: [1, , 3] }, 'inputs.list[1]'],
    ['undefined at the top', undefined, 'inputs'],
    ['a Date', { when: new Date(0) }, 'inputs.when'],
    ['a Map', { m: new Map() }, 'inputs.m'],
    ['a class instance', { c: new (class Window { level = 1 })() }, 'inputs.c'],
    ['symbol keys', { o: { [Symbol('k')]: 1 } }, 'inputs.o'],
  ])('refuses %s with invalid-argument naming where', (_name, value, path) => {
    const error = refusal(value);
    expect(error.code).toBe('invalid-argument');
    expect(error.detail.startsWith(`${path} is `)).toBe(true);
  });

  it('refuses cycles', () => {
    const node: Record<string, unknown> = { a: 1 };
    node.self = node;
    expect(refusal(node).detail).toContain('cycle');
    const list: unknown[] = [];
    list.push(list);
    expect(refusal(list).code).toBe('invalid-argument');
  });

  /** `levels` arrays and objects, one inside the other: the outermost at depth 0, the innermost at levels - 1. */
  function nested(levels: number, kind: 'object' | 'array'): unknown {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
    return value;
  }

  it.each(['object', 'array'] as const)('encodes %ss nested MAX_KEY_DEPTH levels, and refuses one level more with invalid-argument', (kind) => {
    expect(MAX_KEY_DEPTH).toBe(100);
    expect(canonicalBytes(nested(MAX_KEY_DEPTH, kind)).byteLength).toBeGreaterThan(0);
    const error = refusal(nested(MAX_KEY_DEPTH + 1, kind));
    expect(error.code).toBe('invalid-argument');
    expect(error.detail).toContain(`deeper than ${MAX_KEY_DEPTH} levels`);
    expect(error.detail.startsWith(kind === 'object' ? `inputs${'.a'.repeat(MAX_KEY_DEPTH)} is ` : `inputs${'[0]'.repeat(MAX_KEY_DEPTH)} is `)).toBe(true);
  });

  it('refuses a value nested 100,000 levels deep with invalid-argument, not a stack overflow (RangeError)', () => {
    expect(refusal(nested(100_000, 'object')).code).toBe('invalid-argument');
    expect(refusal(nested(100_000, 'array')).code).toBe('invalid-argument');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(hex(bare)).toBe(hex({ a: 1 }));
  });
});
