/** Whether this platform stores multi-byte numbers little-endian (every browser platform in practice). */
export const platformLittleEndian: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
