import { VolumeCacheError } from '../../errors';
import type { ByteReader } from './ByteReader';
import { ERROR_TYPES, MAX_NESTING_DEPTH, TAG, VIEW_TYPES } from './format';
import { globalConstructor } from './platformObjects';

type ViewConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

/**
 * Reads back one value ValueEncoder wrote, given the Blobs' bytes read ahead
 * of it. Bytes it cannot make sense of throw a plain Error (deserializeStructured()
 * reports them as `corrupt`); a view type this platform lacks is `unsupported`.
 */
export class ValueDecoder {
  /** Objects in the order they were first met, for references. */
  private readonly objects: unknown[] = [];

  constructor(
    private readonly reader: ByteReader,
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
