// Bundle-size probe: what volume-cache would import from @noble/hashes
// (bytesToHex because the cache stores hex digests; hash-wasm has it built in).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

(globalThis as Record<string, unknown>).sizeProbe = { sha256, bytesToHex };
