// A value and the bytes format version 1 gives it, pinned: sealed values in
// users' databases hold these bytes, so the encoder must keep writing them
// and the decoder must keep reading them. Each line is one property.

/** A fresh copy of the sample value each call (the decoder's output is compared with it). */
export function version1Value(): Record<string, unknown> {
  const shared = { k: 1 };
  const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
  return {
    u: undefined,
    z: -0,
    big: -255n,
    s: 'ü',
    lone: 'a\uD800',
    when: new Date(0),
    re: /x/g,
    m: new Map([[1, true]]),
    set: new Set([null]),
    bytes: new Uint16Array(buffer, 2, 1),
    buffer,
    list: [shared, shared],
    holes: [, 1], // eslint-disable-line no-sparse-arrays
    blob: new Blob(['hi'], { type: 't' }),
  };
}

export const VERSION_1_HEX = [
  '01', // format version
  '01' + '026869', // one Blob, then its bytes: "hi"
  '09' + '0e', // an object of 14 properties
  '060175' + '00', // u: undefined
  '06017a' + '040000000000000080', // z: -0, a little-endian float64
  '0603626967' + '05' + '06032d6666', // big: -255n, as hex text
  '060173' + '0602c3bc', // s: "ü", UTF-8
  '06046c6f6e65' + '0702610000d8', // lone: "a\uD800", UTF-16 code units
  '06047768656e' + '0e0000000000000000', // when: new Date(0)
  '06027265' + '0f' + '060178' + '060167', // re: /x/g, source and flags
  '06016d' + '0c01' + '04000000000000f03f' + '03', // m: Map {1 => true}
  '0603736574' + '0d01' + '01', // set: Set {null}
  '06056279746573' + '1604' + '140401020304' + '02' + '01', // bytes: Uint16Array, its whole buffer, offset 2, length 1
  '0606627566666572' + '0806', // buffer: a reference to object 6, that same buffer
  '06046c697374' + '0a02' + '090106016b04000000000000f03f' + '0808' + '00', // list: [shared, shared], the second a reference
  '0605686f6c6573' + '0b02' + '01' + '060131' + '04000000000000f03f', // holes: [, 1], length 2 and the one index present
  '0604626c6f62' + '19' + '00' + '060174', // blob: Blob 0, type "t"
].join('');
