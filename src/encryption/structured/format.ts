// The persisted format of serializeStructured(): sealed memo values in users'
// databases are read back with these numbers, so each table may only grow.
//
// Layout: FORMAT_VERSION; how many Blobs, then each one's bytes; then the
// value, as a TAG byte followed by what that tag carries (see ValueEncoder).

/** The first byte of every serialized value. A change to what the numbers below mean needs a new version. */
export const FORMAT_VERSION = 1;

/**
 * How deep arrays, objects, Maps, Sets and error causes may nest. V8's own
 * structured clone gives up between 1,000 and 3,000 levels (measured in
 * Node 20: a RangeError), so a value this limit refuses could hardly have
 * reached the engine; it keeps the encoder's and decoder's recursion far
 * from the stack's end.
 */
export const MAX_NESTING_DEPTH = 1000;

/** The byte before each value, saying what follows. Append only. */
export const TAG = {
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
export const VIEW_TYPES = [
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

/** The error constructors structured clone keeps by name, by index in the format; any other name comes back as Error. */
export const ERROR_TYPES = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'] as const;
