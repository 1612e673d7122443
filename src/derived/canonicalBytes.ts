import { VolumeCacheError } from '../errors';

/**
 * A canonical, unambiguous byte encoding of a JSON-like value, for hashing:
 * equal values give equal bytes and different values different bytes.
 *
 * - null, booleans, numbers (IEEE-754 bits; -0 is 0, every NaN the same),
 *   bigints and strings (UTF-8), each behind a type tag;
 * - arrays in order; plain objects with their keys sorted (by UTF-16 code
 *   units, as Array.prototype.sort does), a property whose value is
 *   `undefined` counted as absent (as JSON.stringify does);
 * - ArrayBuffers and typed arrays / DataViews by their bytes, tagged with the
 *   type, so a Float32Array and a Uint8Array of the same bytes differ.
 *
 * Lengths prefix every variable-size part, so no two values share an encoding.
 * Anything else (functions, symbols, `undefined` in an array or at the top,
 * class instances such as Date or Map, cycles) is refused with
 * `invalid-argument`, naming where it is (`path`), and so are arrays and
 * objects nested deeper than MAX_KEY_DEPTH.
 */
export function canonicalBytes(value: unknown, path = 'value'): Uint8Array {
  const writer = new ByteWriter();
  encode(value, { root: path, names: [] }, writer, new Set());
  return writer.finish();
}

/**
 * How deep arrays and objects may nest in what a key encodes: the top-level
 * value is at depth 0, its properties at 1, and an array or object at this
 * depth or below is refused with `invalid-argument`. memo() inputs are
 * parameters, for which 100 levels is plenty; without a limit the recursion
 * here ran into V8's RangeError (Maximum call stack size exceeded, some
 * thousands of levels down), a failure without a code.
 */
export const MAX_KEY_DEPTH = 100;

/** Where a value is: the root's name and the property or index names below it, joined only for a message. */
interface Path {
  root: string;
  names: string[];
}

const TAG = {
  null: 0x01,
  false: 0x02,
  true: 0x03,
  number: 0x04,
  bigint: 0x05,
  string: 0x06,
  array: 0x07,
  object: 0x08,
  bytes: 0x09,
} as const;

class ByteWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));
  private readonly encoder = new TextEncoder();

  tag(tag: number): void {
    this.push(new Uint8Array([tag]));
  }

  uint32(value: number): void {
    this.scratch.setUint32(0, value, false);
    this.push(new Uint8Array(this.scratch.buffer.slice(0, 4)));
  }

  float64(value: number): void {
    this.scratch.setFloat64(0, value, false);
    this.push(new Uint8Array(this.scratch.buffer.slice(0, 8)));
  }

  text(value: string): void {
    const bytes = this.encoder.encode(value);
    this.uint32(bytes.byteLength);
    this.push(bytes);
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.byteLength);
    this.push(value);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.length += part.byteLength;
  }
}

function refuse(path: Path, what: string): VolumeCacheError {
  return new VolumeCacheError('invalid-argument', `${path.root}${path.names.join('')} is ${what}, which a memo key cannot include.`);
}

function encode(value: unknown, path: Path, out: ByteWriter, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      out.tag(value ? TAG.true : TAG.false);
      return;
    case 'number':
      out.tag(TAG.number);
      // -0 === 0, so they key alike; NaN gets the one canonical bit pattern DataView writes.
      out.float64(value === 0 ? 0 : value);
      return;
    case 'bigint':
      out.tag(TAG.bigint);
      out.text(value.toString());
      return;
    case 'string':
      out.tag(TAG.string);
      out.text(value);
      return;
    case 'undefined':
      throw refuse(path, 'undefined');
    case 'function':
      throw refuse(path, 'a function');
    case 'symbol':
      throw refuse(path, 'a symbol');
  }
  if (value === null) {
    out.tag(TAG.null);
    return;
  }
  const object = value as object;
  if (object instanceof ArrayBuffer || ArrayBuffer.isView(object)) {
    const bytes =
      object instanceof ArrayBuffer ? new Uint8Array(object) : new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
    out.tag(TAG.bytes);
    out.text(object.constructor.name);
    out.bytes(bytes);
    return;
  }
  if (ancestors.has(object)) throw refuse(path, 'a reference to one of its own ancestors (a cycle)');
  // Every object on the way down is an ancestor, so their number is the depth.
  if (ancestors.size >= MAX_KEY_DEPTH) throw refuse(path, `nested deeper than ${MAX_KEY_DEPTH} levels of arrays and objects`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      out.tag(TAG.array);
      out.uint32(object.length);
      for (let i = 0; i < object.length; i++) {
        // Holes read as undefined, and are refused like it.
        path.names.push(`[${i}]`);
        encode(object[i], path, out, ancestors);
        path.names.pop();
      }
      return;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw refuse(path, `a ${prototype?.constructor?.name ?? 'non-plain'} object (only plain objects, arrays and typed arrays are allowed)`);
    }
    if (Object.getOwnPropertySymbols(object).length > 0) throw refuse(path, 'an object with symbol keys');
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out.tag(TAG.object);
    out.uint32(keys.length);
    for (const key of keys) {
      out.text(key);
      path.names.push(`.${key}`);
      encode(record[key], path, out, ancestors);
      path.names.pop();
    }
  } finally {
    ancestors.delete(object);
  }
}
