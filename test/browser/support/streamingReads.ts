import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** How a page's fetch(url) and the reading of its body ended. */
export interface ReadOutcome {
  /** -1 when fetch() itself rejected. */
  status: number;
  header: string | null;
  contentLength: number | null;
  /** Body bytes the page received. */
  size: number;
  /** SHA-256 of those bytes; null when reading rejected. */
  sha256: string | null;
  /** Why fetch() or reading the body rejected, or null when it completed. */
  error: string | null;
}

interface ReadState {
  read: number;
  outcome: ReadOutcome | null;
  resume: () => void;
}

type ReadsHolder = { volumeCacheReads?: Record<string, ReadState> };

/**
 * Starts fetch(path) in `page`, as a viewer would, and reads the body chunk by
 * chunk without awaiting it: the test watches `readBytes` and decides when to
 * inject its fault. With `pauseAfterBytes`, reading stops there until
 * resumeRead(), so a fault can hit a response whose body is still unread.
 */
export async function startRead(page: Page, id: string, path: string, options: { pauseAfterBytes?: number } = {}): Promise<void> {
  await page.evaluate(
    ({ id, path, pauseAfterBytes }) => {
      const holder = window as unknown as ReadsHolder;
      let resume: () => void = () => undefined;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      const state: ReadState = { read: 0, outcome: null, resume };
      (holder.volumeCacheReads ??= {})[id] = state;
      void (async () => {
        let response: Response;
        try {
          response = await fetch(path);
        } catch (error) {
          state.outcome = { status: -1, header: null, contentLength: null, size: 0, sha256: null, error: String(error) };
          return;
        }
        const head = {
          status: response.status,
          header: response.headers.get('X-Volume-Cache'),
          contentLength: response.headers.has('Content-Length') ? Number(response.headers.get('Content-Length')) : null,
        };
        const chunks: Uint8Array[] = [];
        try {
          const reader = response.body!.getReader();
          for (;;) {
            if (pauseAfterBytes !== null && state.read >= pauseAfterBytes) await resumed;
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            state.read += value.byteLength;
          }
        } catch (error) {
          state.outcome = { ...head, size: state.read, sha256: null, error: String(error) };
          return;
        }
        state.outcome = { ...head, size: state.read, sha256: await window.sha256Hex(new Blob(chunks as BlobPart[])), error: null };
      })();
    },
    { id, path, pauseAfterBytes: options.pauseAfterBytes ?? null },
  );
}

/** Body bytes read so far by the read `id`. */
export function readBytes(page: Page, id: string): Promise<number> {
  return page.evaluate((id) => (window as unknown as ReadsHolder).volumeCacheReads?.[id]?.read ?? 0, id);
}

/** Lets a paused read go on. */
export function resumeRead(page: Page, id: string): Promise<void> {
  return page.evaluate((id) => (window as unknown as ReadsHolder).volumeCacheReads?.[id]?.resume(), id);
}

/**
 * Waits until the read `id` completes or rejects. `timeoutMs` only bounds a
 * read that never settles, which is itself a failure ("hung"), not a timing assertion.
 */
export async function readOutcome(page: Page, id: string, timeoutMs = 30_000): Promise<ReadOutcome | 'hung'> {
  try {
    await page.waitForFunction((id) => (window as unknown as ReadsHolder).volumeCacheReads?.[id]?.outcome != null, id, { timeout: timeoutMs, polling: 50 });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return 'hung';
    throw error;
  }
  return page.evaluate((id) => (window as unknown as ReadsHolder).volumeCacheReads![id]!.outcome!, id);
}

/**
 * What a read cut by a fault may do: deliver every byte, right, or reject.
 * Never resolve with a body that is short or wrong but looks complete.
 * Returns which of the two happened.
 */
export function expectCorrectOrRejected(outcome: ReadOutcome | 'hung', expected: { size: number; sha256: string }): 'complete' | 'rejected' {
  expect(outcome).not.toBe('hung');
  const settled = outcome as ReadOutcome;
  if (settled.error !== null) {
    expect(settled.sha256).toBeNull();
    return 'rejected';
  }
  expect({ size: settled.size, sha256: settled.sha256 }).toEqual(expected);
  return 'complete';
}
