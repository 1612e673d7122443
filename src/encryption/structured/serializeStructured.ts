import { ByteWriter } from './ByteWriter';
import { FORMAT_VERSION } from './format';
import { ValueEncoder } from './ValueEncoder';

/**
 * Bytes for a structured-cloneable value, keeping what structured clone
 * keeps: undefined, NaN, ±Infinity and -0; BigInt; strings (lone
 * surrogates too); Date, RegExp, Map and Set; the Boolean, Number,
 * String and BigInt wrappers; ArrayBuffers (resizable ones with their
 * maximum) and every typed array and DataView, views sharing a buffer still
 * sharing it; sparse arrays and their extra properties; Error and its
 * standard subclasses (name, message, stack, cause) and DOMException; Blob
 * and File; shared references and cycles. Other objects keep their own
 * enumerable string-keyed properties and become plain objects, as structured
 * clone makes them. deserializeStructured() reads the bytes back.
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
 *
 * The layout is in ./format.ts; the bytes are persisted in users' databases.
 */
export async function serializeStructured(value: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const encoder = new ValueEncoder();
  encoder.value(value, 0);
  const blobBytes = await Promise.all(encoder.blobs.map(async (blob) => new Uint8Array(await blob.arrayBuffer())));
  const out = new ByteWriter();
  out.byte(FORMAT_VERSION);
  out.uint(blobBytes.length);
  for (const bytes of blobBytes) out.bytes(bytes);
  out.raw(encoder.out.finish());
  return out.finish();
}
