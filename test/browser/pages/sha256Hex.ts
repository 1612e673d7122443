/** SHA-256 as lowercase hex. Reads the whole input into memory: fine for test-sized data. */
export async function sha256Hex(data: Blob | ArrayBuffer | ArrayBufferView): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
