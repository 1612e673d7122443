import { VolumeCacheError } from '../../errors';
import { ByteWriter } from './ByteWriter';
import { ERROR_TYPES, MAX_NESTING_DEPTH, TAG, VIEW_TYPES } from './format';
import { brand, isInstance } from './platformObjects';

type ResizableArrayBuffer = ArrayBuffer & { readonly resizable?: boolean; readonly maxByteLength?: number };

/**
 * Writes one value, as a tag and what it carries, to `out`, and collects the
 * Blobs it meets in `blobs`: their bytes can only be read asynchronously, so
 * serializeStructured() reads them after and writes them ahead of the value.
 * Refuses what cannot be kept with a VolumeCacheError naming where it is.
 */
export class ValueEncoder {
  readonly out = new ByteWriter();
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

/** Array indices are canonical numeric strings below 2^32 - 1. */
function isArrayIndex(key: string): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < 2 ** 32 - 1 && String(index) === key;
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
