import { VolumeCacheError } from '../errors';

/**
 * Bytes for a structured-cloneable value, and the value back, keeping what
 * structured clone keeps: undefined, NaN, ±Infinity and -0; BigInt; strings
 * (lone surrogates too); Date, RegExp, Map and Set; the Boolean, Number,
 * String and BigInt wrappers; ArrayBuffers (resizable ones with their
 * maximum) and every typed array and DataView, views sharing a buffer still
 * sharing it; sparse arrays and their extra properties; Error and its
 * standard subclasses (name, message, stack, cause) and DOMException; Blob
 * and File; shared references and cycles. Other objects keep their own
 * enumerable string-keyed properties and become plain objects, as structured
 * clone makes them.
 *
 * Why a serializer of our own: in an encrypted partition a derived value is
 * sealed with AES-GCM, which takes bytes, while a plain partition hands the
 * value to IndexedDB, which keeps it by structured clone. The web platform
 * gives scripts no way to get structured clone's bytes (postMessage,
 * structuredClone() and IndexedDB all give back objects; v8.serialize() is
 * Node's), and JSON, used before, turns a Map or Set into {}, a Date into a
 * string, NaN, Infinity and -0 into null or 0, typed arrays into index
 * objects, and refuses BigInt. No dependency: this is the small part of the
 * HTML serialization algorithm that values of memo() can hold.
 *
 * Refused: what structured clone refuses (functions, symbols, WeakMap,
 * WeakSet, WeakRef, Promise; SharedArrayBuffer, which IndexedDB refuses too)
 * with `invalid-argument`; other platform objects it could clone (ImageData,
 * CryptoKey, ImageBitmap, DOMMatrix, …) with `unsupported`; values nested
 * deeper than MAX_NESTING_DEPTH with `invalid-argument`. Each message names
 * where the value is. The path through the value is kept only as a stack of
 * names, turned into text when a value is refused.
 */
export async function serializeStructured(value: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const encoder = new Encoder();
  encoder.value(value, 0);
  const blobBytes = await Promise.all(encoder.blobs.map(async (blob) => new Uint8Array(await blob.arrayBuffer())));
  const out = new Writer();
  out.byte(FORMAT_VERSION);
  out.uint(blobBytes.length);
  for (const bytes of blobBytes) out.bytes(bytes);
  out.raw(encoder.out.finish());
  return out.finish();
}

/** The value serializeStructured() wrote; `corrupt` for bytes it did not write. */
export function deserializeStructured(bytes: Uint8Array): unknown {
  try {
    const reader = new Reader(bytes);
    if (reader.byte() !== FORMAT_VERSION) throw new Error('unknown format version');
    const blobs: Uint8Array[] = [];
    for (let count = reader.uint(); count > 0; count--) blobs.push(reader.bytes());
    const value = new Decoder(reader, blobs).value(0);
    if (!reader.done()) throw new Error('bytes left over');
    return value;
  } catch (error) {
    if (error instanceof VolumeCacheError) throw error;
    throw new VolumeCacheError('corrupt', 'A sealed derived value could not be decoded.', { cause: error });
  }
}

/**
 * How deep arrays, objects, Maps, Sets and error causes may nest. V8's own
 * structured clone gives up between 1,000 and 3,000 levels (measured in
 * Node 20: a RangeError), so a value this limit refuses could hardly have
 * reached the engine; it keeps the recursion here far from the stack's end.
 */
export const MAX_NESTING_DEPTH = 1000;

const FORMAT_VERSION = 1;

const TAG = {
  undefined: 0,
  null: 1,
  false: 2,
  true: 3,
  number: 4,
  bigint: 5,
  utf8: 6,
  utf16: 7,
  reference: 8,
  object: 9,
  denseArray: 10,
  sparseArray: 11,
  map: 12,
  set: 13,
  date: 14,
  regexp: 15,
  booleanObject: 16,
  numberObject: 17,
  stringObject: 18,
  bigintObject: 19,
  arrayBuffer: 20,
  resizableArrayBuffer: 21,
  view: 22,
  error: 23,
  domException: 24,
  blob: 25,
  file: 26,
} as const;

/** By index in the format: append only. Float16Array where the platform has it. */
const VIEW_TYPES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
  'Float16Array',
] as const;

/** The error constructors structured clone keeps by name; any other name comes back as Error. */
const ERROR_TYPES = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'] as const;

/** A lone surrogate (a u-flag class does not match a well-formed pair): such a string cannot go through UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

type ViewConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
type ResizableArrayBuffer = ArrayBuffer & { readonly resizable?: boolean; readonly maxByteLength?: number };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** An unsigned whole number up to 2^53, seven bits a byte (LEB128), in arithmetic so it is not cut at 32 bits. */
  uint(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) + 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  float64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Length, then the bytes. */
  bytes(value: Uint8Array): void {
    this.uint(value.byteLength);
    this.raw(value);
  }

  raw(value: Uint8Array): void {
    this.reserve(value.byteLength);
    this.buffer.set(value, this.length);
    this.length += value.byteLength;
  }

  /** A string behind its own tag: UTF-8 when it is well formed, else its UTF-16 code units. */
  string(value: string): void {
    if (!LONE_SURROGATE.test(value)) {
      this.byte(TAG.utf8);
      this.bytes(textEncoder.encode(value));
      return;
    }
    this.byte(TAG.utf16);
    this.uint(value.length);
    this.reserve(value.length * 2);
    for (let i = 0; i < value.length; i++) {
      this.view.setUint16(this.length, value.charCodeAt(i), true);
      this.length += 2;
    }
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.byteLength) return;
    let size = this.buffer.byteLength * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }
}

class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  done(): boolean {
    return this.at === this.buffer.byteLength;
  }

  byte(): number {
    this.need(1);
    return this.buffer[this.at++]!;
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw new Error('number too large');
    }
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  bytes(): Uint8Array {
    const length = this.uint();
    this.need(length);
    return this.buffer.subarray(this.at, (this.at += length));
  }

  /** A string after its tag (read by the caller, or here when `tag` is not given). */
  string(tag = this.byte()): string {
    if (tag === TAG.utf8) return textDecoder.decode(this.bytes());
    if (tag !== TAG.utf16) throw new Error(`expected a string, found tag ${tag}`);
    const length = this.uint();
    this.need(length * 2);
    let text = '';
    for (let i = 0; i < length; i++, this.at += 2) text += String.fromCharCode(this.view.getUint16(this.at, true));
    return text;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.buffer.byteLength) throw new Error('truncated');
  }
}

function globalConstructor(name: string): (new (...args: never[]) => unknown) | undefined {
  const found = (globalThis as Record<string, unknown>)[name];
  return typeof found === 'function' ? (found as new (...args: never[]) => unknown) : undefined;
}

function isInstance(value: object, name: string): boolean {
  const constructor = globalConstructor(name);
  return constructor !== undefined && value instanceof constructor;
}

/** "Foo" of [object Foo]: a typed array's type even for a subclass, and a platform object's interface. */
function brand(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** Array indices are canonical numeric strings below 2^32 - 1. */
function isArrayIndex(key: string): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < 2 ** 32 - 1 && String(index) === key;
}

class Encoder {
  readonly out = new Writer();
  readonly blobs: Blob[] = [];
  /** Objects already written, numbered in the order they were first met (as the decoder numbers them). */
  private readonly ids = new Map<object, number>();
  /** Names from the top down to the value being written, for messages. */
  private readonly path: string[] = [];

  value(value: unknown, depth: number): void {
    const out = this.out;
    switch (typeof value) {
      case 'undefined':
        out.byte(TAG.undefined);
        return;
      case 'boolean':
        out.byte(value ? TAG.true : TAG.false);
        return;
      case 'number':
        out.byte(TAG.number);
        out.float64(value);
        return;
      case 'bigint':
        out.byte(TAG.bigint);
        out.string(value.toString(16));
        return;
      case 'string':
        out.string(value);
        return;
      case 'function':
        throw this.refuse('invalid-argument', 'a function');
      case 'symbol':
        throw this.refuse('invalid-argument', 'a symbol');
    }
    if (value === null) {
      out.byte(TAG.null);
      return;
    }
    const object = value as object;
    const seen = this.ids.get(object);
    if (seen !== undefined) {
      out.byte(TAG.reference);
      out.uint(seen);
      return;
    }
    this.refuseUncloneable(object);
    this.ids.set(object, this.ids.size);
    if (object instanceof ArrayBuffer) return this.arrayBuffer(object);
    if (ArrayBuffer.isView(object)) return this.view(object, depth);
    if (object instanceof Date) {
      out.byte(TAG.date);
      out.float64(object.getTime());
      return;
    }
    if (object instanceof RegExp) {
      out.byte(TAG.regexp);
      out.string(object.source);
      out.string(object.flags);
      return;
    }
    if (object instanceof Boolean) {
      out.byte(TAG.booleanObject);
      out.byte(object.valueOf() ? 1 : 0);
      return;
    }
    if (object instanceof Number) {
      out.byte(TAG.numberObject);
      out.float64(object.valueOf());
      return;
    }
    if (object instanceof String) {
      out.byte(TAG.stringObject);
      out.string(object.valueOf());
      return;
    }
    const wrapped = bigintWrapped(object);
    if (wrapped !== undefined) {
      out.byte(TAG.bigintObject);
      out.string(wrapped.toString(16));
      return;
    }
    if (isInstance(object, 'Blob')) return this.blob(object as Blob);
    if (isInstance(object, 'DOMException')) {
      const exception = object as DOMException;
      out.byte(TAG.domException);
      out.string(exception.name);
      out.string(exception.message);
      return;
    }
    if (depth >= MAX_NESTING_DEPTH) throw this.refuse('invalid-argument', `nested deeper than ${MAX_NESTING_DEPTH} levels`);
    if (object instanceof Error) return this.error(object, depth);
    if (Array.isArray(object)) return this.array(object, depth);
    if (object instanceof Map) {
      out.byte(TAG.map);
      out.uint(object.size);
      let index = 0;
      for (const [key, entry] of object) {
        this.child(`.keys()[${index++}]`, () => this.value(key, depth + 1));
        this.child(`.get(${describeKey(key)})`, () => this.value(entry, depth + 1));
      }
      return;
    }
    if (object instanceof Set) {
      out.byte(TAG.set);
      out.uint(object.size);
      let index = 0;
      for (const member of object) this.child(`.values()[${index++}]`, () => this.value(member, depth + 1));
      return;
    }
    const platform = brand(object);
    if (platform !== 'Object' && isInstance(object, platform)) {
      throw this.refuse('unsupported', `${withArticle(platform)}, which an encrypted partition cannot store (keep its bytes or plain fields instead)`);
    }
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record);
    out.byte(TAG.object);
    out.uint(keys.length);
    for (const key of keys) this.property(record, key, depth);
  }

  /** What structured clone itself refuses, or IndexedDB after it. */
  private refuseUncloneable(object: object): void {
    for (const name of ['WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Promise', 'Symbol']) {
      if (isInstance(object, name)) throw this.refuse('invalid-argument', `${withArticle(name)}, which structured clone cannot copy`);
    }
    if (isInstance(object, 'SharedArrayBuffer')) throw this.refuse('invalid-argument', 'a SharedArrayBuffer, which storage cannot keep');
  }

  private arrayBuffer(buffer: ResizableArrayBuffer): void {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(buffer);
    } catch {
      throw this.refuse('invalid-argument', 'a detached ArrayBuffer (transferred elsewhere), which structured clone cannot copy');
    }
    if (buffer.resizable) {
      this.out.byte(TAG.resizableArrayBuffer);
      this.out.uint(buffer.maxByteLength ?? buffer.byteLength);
    } else {
      this.out.byte(TAG.arrayBuffer);
    }
    this.out.bytes(bytes);
  }

  /** The view's type, then its whole buffer (as structured clone copies it, shared with other views of it), offset and length. */
  private view(view: ArrayBufferView, depth: number): void {
    const type = VIEW_TYPES.indexOf(brand(view) as (typeof VIEW_TYPES)[number]);
    if (type < 0) throw this.refuse('unsupported', `${withArticle(brand(view))}, a view this encoding does not know`);
    this.out.byte(TAG.view);
    this.out.byte(type);
    // At the view's own depth: a buffer holds no values, so it nests nothing.
    this.child('.buffer', () => this.value(view.buffer, depth));
    this.out.uint(view.byteOffset);
    this.out.uint(view instanceof DataView ? view.byteLength : (view as unknown as { length: number }).length);
  }

  private blob(blob: Blob): void {
    const file = isInstance(blob, 'File') ? (blob as File) : null;
    this.out.byte(file ? TAG.file : TAG.blob);
    this.out.uint(this.blobs.push(blob) - 1);
    this.out.string(blob.type);
    if (file) {
      this.out.string(file.name);
      this.out.float64(file.lastModified);
    }
  }

  /** As V8 writes an error: its name if standard, an own message, the stack, an own cause; other properties are dropped. */
  private error(error: Error, depth: number): void {
    const out = this.out;
    const name = ERROR_TYPES.indexOf(error.name as (typeof ERROR_TYPES)[number]);
    out.byte(TAG.error);
    out.byte(Math.max(0, name));
    const message = Object.prototype.hasOwnProperty.call(error, 'message') ? String(error.message) : undefined;
    out.byte(message === undefined ? 0 : 1);
    if (message !== undefined) out.string(message);
    const stack = typeof error.stack === 'string' ? error.stack : undefined;
    out.byte(stack === undefined ? 0 : 1);
    if (stack !== undefined) out.string(stack);
    const hasCause = Object.prototype.hasOwnProperty.call(error, 'cause');
    out.byte(hasCause ? 1 : 0);
    if (hasCause) this.child('.cause', () => this.value(error.cause, depth + 1));
  }

  /** Dense arrays as their values; arrays with holes as their own index and other keys, keeping the holes. */
  private array(array: unknown[], depth: number): void {
    const out = this.out;
    const keys = Object.keys(array);
    let dense = keys.length >= array.length;
    for (let i = 0; dense && i < array.length; i++) dense = Object.prototype.hasOwnProperty.call(array, i);
    out.byte(dense ? TAG.denseArray : TAG.sparseArray);
    out.uint(array.length);
    if (dense) {
      for (let i = 0; i < array.length; i++) this.child(`[${i}]`, () => this.value(array[i], depth + 1));
    }
    // An ordinary array lists its indices first, in order: the rest are its other properties.
    const rest = dense ? keys.slice(array.length) : keys;
    out.uint(rest.length);
    for (const key of rest) this.property(array as unknown as Record<string, unknown>, key, depth);
  }

  private property(record: Record<string, unknown>, key: string, depth: number): void {
    this.out.string(key);
    this.child(isArrayIndex(key) ? `[${key}]` : `.${key}`, () => this.value(record[key], depth + 1));
  }

  private child(name: string, write: () => void): void {
    this.path.push(name);
    write();
    this.path.pop();
  }

  private refuse(code: 'invalid-argument' | 'unsupported', what: string): VolumeCacheError {
    return new VolumeCacheError(code, `value${this.path.join('')} is ${what}.`);
  }
}

function withArticle(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** The bigint inside a BigInt wrapper object, or undefined for any other object (a brand check: valueOf throws on others). */
function bigintWrapped(object: object): bigint | undefined {
  if (brand(object) !== 'BigInt') return undefined;
  try {
    return BigInt.prototype.valueOf.call(object);
  } catch {
    return undefined;
  }
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
  if (typeof key === 'object' && key !== null) return brand(key);
  return String(key);
}

class Decoder {
  /** Objects in the order they were first met, for references. */
  private readonly objects: unknown[] = [];

  constructor(
    private readonly reader: Reader,
    private readonly blobs: readonly Uint8Array[],
  ) {}

  value(depth: number): unknown {
    if (depth > MAX_NESTING_DEPTH) throw new Error('nested too deep');
    const reader = this.reader;
    const tag = reader.byte();
    switch (tag) {
      case TAG.undefined:
        return undefined;
      case TAG.null:
        return null;
      case TAG.false:
        return false;
      case TAG.true:
        return true;
      case TAG.number:
        return reader.float64();
      case TAG.bigint:
        return parseBigInt(reader.string());
      case TAG.utf8:
      case TAG.utf16:
        return reader.string(tag);
      case TAG.reference: {
        const id = reader.uint();
        if (id >= this.objects.length) throw new Error('reference to an object not yet read');
        return this.objects[id];
      }
      case TAG.date:
        return this.keep(new Date(reader.float64()));
      case TAG.regexp: {
        const source = reader.string();
        return this.keep(new RegExp(source, reader.string()));
      }
      case TAG.booleanObject:
        return this.keep(new Boolean(reader.byte() === 1));
      case TAG.numberObject:
        return this.keep(new Number(reader.float64()));
      case TAG.stringObject:
        return this.keep(new String(reader.string()));
      case TAG.bigintObject:
        return this.keep(Object(parseBigInt(reader.string())));
      case TAG.arrayBuffer:
        return this.keep(reader.bytes().slice().buffer);
      case TAG.resizableArrayBuffer: {
        const maxByteLength = reader.uint();
        const bytes = reader.bytes();
        const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
        const buffer = new Resizable(bytes.byteLength, { maxByteLength });
        new Uint8Array(buffer).set(bytes);
        return this.keep(buffer);
      }
      case TAG.view:
        return this.view(depth);
      case TAG.blob:
      case TAG.file:
        return this.blob(tag);
      case TAG.domException: {
        const name = reader.string();
        return this.keep(new DOMException(reader.string(), name));
      }
      case TAG.error:
        return this.error(depth);
      case TAG.denseArray:
      case TAG.sparseArray: {
        const array: unknown[] = this.keep(new Array(reader.uint()));
        if (tag === TAG.denseArray) for (let i = 0; i < array.length; i++) array[i] = this.value(depth + 1);
        this.properties(array as unknown as Record<string, unknown>, depth);
        return array;
      }
      case TAG.map: {
        const map = this.keep(new Map<unknown, unknown>());
        for (let count = reader.uint(); count > 0; count--) {
          const key = this.value(depth + 1);
          map.set(key, this.value(depth + 1));
        }
        return map;
      }
      case TAG.set: {
        const set = this.keep(new Set<unknown>());
        for (let count = reader.uint(); count > 0; count--) set.add(this.value(depth + 1));
        return set;
      }
      case TAG.object: {
        const object = this.keep({});
        this.properties(object, depth);
        return object;
      }
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }

  private keep<T>(object: T): T {
    this.objects.push(object);
    return object;
  }

  /** Own data properties, defined rather than assigned: a key "__proto__" stays a property and sets no prototype. */
  private properties(target: Record<string, unknown>, depth: number): void {
    for (let count = this.reader.uint(); count > 0; count--) {
      const key = this.reader.string();
      Object.defineProperty(target, key, { value: this.value(depth + 1), writable: true, enumerable: true, configurable: true });
    }
  }

  private view(depth: number): ArrayBufferView {
    // Numbered before its buffer, as the encoder numbered it.
    const slot = this.objects.push(undefined) - 1;
    const type = VIEW_TYPES[this.reader.byte()];
    const buffer = this.value(depth);
    if (!(buffer instanceof ArrayBuffer)) throw new Error('a view without its buffer');
    const byteOffset = this.reader.uint();
    const length = this.reader.uint();
    if (type === undefined) throw new Error('unknown view type');
    const View = globalConstructor(type) as ViewConstructor | undefined;
    if (!View) throw new VolumeCacheError('unsupported', `This browser has no ${type} to read a stored value back into.`);
    const view = new View(buffer, byteOffset, length);
    this.objects[slot] = view;
    return view;
  }

  private blob(tag: number): Blob {
    const bytes = this.blobs[this.reader.uint()];
    if (!bytes) throw new Error('a blob without its bytes');
    const type = this.reader.string();
    if (tag === TAG.blob) return this.keep(new Blob([bytes.slice()], { type }));
    const name = this.reader.string();
    return this.keep(new File([bytes.slice()], name, { type, lastModified: this.reader.float64() }));
  }

  private error(depth: number): Error {
    const reader = this.reader;
    const type = ERROR_TYPES[reader.byte()] ?? 'Error';
    const ErrorType = globalConstructor(type) as ErrorConstructor;
    const error = this.keep(new ErrorType());
    if (reader.byte() === 1) Object.defineProperty(error, 'message', { value: reader.string(), writable: true, enumerable: false, configurable: true });
    if (reader.byte() === 1) Object.defineProperty(error, 'stack', { value: reader.string(), writable: true, enumerable: false, configurable: true });
    else delete (error as { stack?: string }).stack;
    if (reader.byte() === 1) Object.defineProperty(error, 'cause', { value: this.value(depth + 1), writable: true, enumerable: false, configurable: true });
    return error;
  }
}

function parseBigInt(hex: string): bigint {
  return hex.startsWith('-') ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
}
