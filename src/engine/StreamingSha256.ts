import { createSHA256, type IHasher } from 'hash-wasm';

/**
 * Incremental SHA-256 (Web Crypto's digest() cannot stream). hash-wasm was
 * chosen over @noble/hashes after measuring both in Chromium; see docs/how-it-works.md, "Why hash-wasm".
 */
export interface StreamingSha256 {
  update(chunk: Uint8Array): void;
  /** Lower-case hex; the hasher cannot be used afterwards. */
  digestHex(): string;
}

export async function createStreamingSha256(): Promise<StreamingSha256> {
  const hasher: IHasher = await createSHA256();
  hasher.init();
  return {
    update: (chunk) => void hasher.update(chunk),
    digestHex: () => hasher.digest('hex'),
  };
}

/**
 * Whether the streaming hasher works here. WebAssembly can be present and
 * still refuse to compile (a Content-Security-Policy without
 * 'wasm-unsafe-eval'), so this builds a hasher rather than looking for the
 * WebAssembly object.
 */
export async function canHashHere(): Promise<boolean> {
  try {
    await createStreamingSha256();
    return true;
  } catch {
    return false;
  }
}

/** Hashes a stored file by streaming it, for verifyOnRead. */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  const hasher = await createStreamingSha256();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
  }
  return hasher.digestHex();
}

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const hasher = await createStreamingSha256();
  hasher.update(bytes);
  return hasher.digestHex();
}
