import type { Page } from 'playwright-core';

/** One call a hostile-soak round makes in a tab, as plain data (it crosses into the page). */
export type HostileCall =
  /** get() (hashing the File) or getArrayBuffer() (hashing the buffer), with options as given, however wrong. */
  | { op: 'get'; url: string; read: 'file' | 'arrayBuffer'; options?: Record<string, unknown> }
  /** get() with an AbortSignal aborted before the call, from the first progress callback, or just after it. */
  | { op: 'abort'; url: string; when: 'before-start' | 'in-progress-callback' | 'after-first-progress' }
  /** memo() of a `resultBytes`-byte result; then whether it was kept (a second call that must not compute). */
  | { op: 'memo'; key: string; inputs: Record<string, unknown>; resultBytes: number; options: Record<string, unknown> }
  | { op: 'prefetch'; urls: string[]; options: Record<string, unknown> }
  | { op: 'configure'; patch: Record<string, unknown> };

export type HostileOutcome =
  | { ok: true; status?: string; sha256?: string; entrySha256?: string | null; bytes?: number; kept?: boolean; maxBytes?: number }
  /** `coded`: a VolumeCacheError whose code is in ERROR_CODES, as every rejection must be. */
  | { ok: false; coded: boolean; code: string | null; name: string; message: string; stack?: string; kept?: boolean };

export interface HostileCallReport {
  outcome: HostileOutcome;
  /** stats().evictions (partition-wide) just before and just after the call. */
  evictionsBefore: number;
  evictionsAfter: number;
}

/**
 * Runs `call` through the public API of the cache the tab opened as
 * `window.hostileSoak`, turning any rejection into data (with whether it
 * carries a code), and reads stats().evictions around it.
 */
export function runHostileCall(page: Page, call: HostileCall): Promise<HostileCallReport> {
  return page.evaluate(async (call) => {
    const lib = window.volumeCache as typeof import('../../../src/index');
    const cache = (window as unknown as { hostileSoak: import('../../../src/index').VolumeCache }).hostileSoak;
    const refusal = (error: unknown) => {
      const coded = error instanceof lib.VolumeCacheError && (lib.ERROR_CODES as readonly string[]).includes(error.code);
      const e = error as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown } | null;
      return {
        // Where an error without a code came from (the worker's stack, when it crossed from there).
        ...(!coded && typeof e?.stack === 'string' ? { stack: e.stack } : {}),
        ok: false as const,
        coded,
        code: typeof e?.code === 'string' ? e.code : null,
        name: typeof e?.name === 'string' ? e.name : typeof error,
        message: typeof e?.message === 'string' ? e.message : String(error),
      };
    };
    // Awaited in order, so nothing of the call runs before or after its bracket.
    const evictionsBefore = (await cache.stats()).evictions;
    let outcome;
    try {
      if (call.op === 'get') {
        if (call.read === 'file') {
          const result = await cache.get(call.url, call.options as never);
          outcome = { ok: true as const, status: result.status, sha256: await window.sha256Hex(result.file), entrySha256: result.entry?.sha256 ?? null, bytes: result.file.size };
        } else {
          const buffer = await cache.getArrayBuffer(call.url, call.options as never);
          outcome = { ok: true as const, sha256: await window.sha256Hex(buffer), bytes: buffer.byteLength };
        }
      } else if (call.op === 'abort') {
        const controller = new AbortController();
        let progressed!: () => void;
        const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
        if (call.when === 'before-start') controller.abort();
        const running = cache.get(call.url, {
          signal: controller.signal,
          onProgress: () => {
            if (call.when === 'in-progress-callback') controller.abort();
            progressed();
          },
        });
        // The next task after the page heard of the first bytes: the download is under way in the worker.
        if (call.when === 'after-first-progress') void firstProgress.then(() => setTimeout(() => controller.abort(), 0));
        const result = await running;
        outcome = { ok: true as const, status: result.status, sha256: await window.sha256Hex(result.file), entrySha256: result.entry?.sha256 ?? null, bytes: result.file.size };
      } else if (call.op === 'memo') {
        const compute = () => new Uint8Array(call.resultBytes).fill(7);
        let first;
        try {
          first = { ok: true as const, bytes: (await cache.memo(call.key, call.inputs, compute, call.options as never)).byteLength };
        } catch (error) {
          first = refusal(error);
        }
        // Kept means a second call answers without computing. This compute throws instead, so the
        // probe stores nothing. Its other rejections stand as the outcome, unless the first call
        // already failed with a code (a malformed call fails the same way twice).
        const recomputed = new Error('recomputed');
        try {
          await cache.memo(call.key, call.inputs, () => {
            throw recomputed;
          }, call.options as never);
          outcome = { ...first, kept: true };
        } catch (error) {
          outcome = error === recomputed || (!first.ok && refusal(error).coded) ? { ...first, kept: false } : { ...refusal(error), kept: false };
        }
      } else if (call.op === 'prefetch') {
        const results = await cache.prefetch(call.urls, call.options as never);
        outcome = { ok: true as const, status: results.map((result) => (result.ok ? result.status : result.code)).join(',') };
      } else {
        const config = await cache.configure(call.patch as never);
        outcome = { ok: true as const, maxBytes: config.maxBytes };
      }
    } catch (error) {
      outcome = refusal(error);
    }
    const evictionsAfter = (await cache.stats()).evictions;
    return { outcome, evictionsBefore, evictionsAfter };
  }, call);
}
