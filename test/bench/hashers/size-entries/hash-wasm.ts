// Bundle-size probe: exactly what volume-cache would import from hash-wasm.
import { createSHA256 } from 'hash-wasm';

(globalThis as Record<string, unknown>).sizeProbe = createSHA256;
