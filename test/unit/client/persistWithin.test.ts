import { afterEach, describe, expect, it, vi } from 'vitest';
import { persistWithin } from '../../../src/client/persistWithin';

afterEach(() => {
  vi.useRealTimers();
});

describe('persistWithin', () => {
  it("answers the browser's answer when it comes in time", async () => {
    expect(await persistWithin({ persist: async () => true }, 1000)).toBe(true);
    expect(await persistWithin({ persist: async () => false }, 1000)).toBe(false);
  });

  it('answers false once the wait is over when the browser waits on a prompt that nobody answers (headless Firefox)', async () => {
    vi.useFakeTimers();
    let answered: boolean | undefined;
    const asked = persistWithin({ persist: () => new Promise<boolean>(() => undefined) }, 5000).then((granted) => (answered = granted));
    await vi.advanceTimersByTimeAsync(4999);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await asked;
    expect(answered).toBe(false);
  });

  it('answers false where persist() throws, rejects or is missing', async () => {
    expect(await persistWithin({ persist: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) }, 1000)).toBe(false);
    expect(await persistWithin({ persist: (() => { throw new TypeError('not here'); }) as never }, 1000)).toBe(false);
    expect(await persistWithin(undefined, 1000)).toBe(false);
  });
});
