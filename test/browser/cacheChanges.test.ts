import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/harness';

let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

it('a change made in one tab reaches subscribers in another: entries, progress, stats, config, clear', async () => {
  const { page: watcher } = await browser.newTestPage();
  const { page: actor } = await browser.newTestPage();
  await watcher.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: 'changes' });
    const seen: unknown[] = [];
    (window as unknown as { seen: unknown[] }).seen = seen;
    cache.subscribe((change) => seen.push(change));
  });
  const key = await actor.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: 'changes' });
    const { entry } = await cache.get('/gen/32-21.nii?rate=20000000');
    await cache.configure({ defaultTtlSeconds: 60 });
    await cache.clear();
    cache.close();
    return entry!.key;
  });
  await expect
    .poll(() => watcher.evaluate(() => (window as unknown as { seen: { type: string }[] }).seen.map((change) => change.type)), { timeout: 5000 })
    .toEqual(expect.arrayContaining(['progress', 'entries', 'stats', 'config', 'cleared']));
  const seen = await watcher.evaluate(() => (window as unknown as { seen: Record<string, unknown>[] }).seen);
  expect(seen).toContainEqual({ type: 'entries', keys: [key] });
  expect(seen.find((change) => change.type === 'progress')).toMatchObject({ url: key, loaded: expect.any(Number) });
});

it('unsubscribe stops delivery, and subscribe after close() rejects with closed', async () => {
  const { page } = await browser.newTestPage();
  const result = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const watcher = await lib.createVolumeCache({ name: 'changes-off' });
    const actor = await lib.createVolumeCache({ name: 'changes-off' });
    let count = 0;
    const unsubscribe = watcher.subscribe(() => count++);
    // A witness subscribed after it: a browser delivers each message to the
    // channels in the order they were made, so once the witness has heard a
    // change, the first subscriber has heard it too, or never will.
    const waiting = new Map<string, () => void>();
    watcher.subscribe((change) => waiting.get(change.type)?.());
    const witnessHears = (type: string) => new Promise<void>((resolve) => waiting.set(type, resolve));
    const configured = witnessHears('config');
    await actor.configure({ maxBytes: 10_000_000 });
    await configured;
    const before = count;
    unsubscribe();
    // Another kind of change, so no message of the first call can stand in for it.
    const cleared = witnessHears('cleared');
    await actor.clear();
    await cleared;
    watcher.close();
    actor.close();
    let code: string | undefined;
    try {
      watcher.subscribe(() => undefined);
    } catch (error) {
      code = (error as { code?: string }).code;
    }
    return { before, after: count, code };
  });
  expect(result.before).toBeGreaterThan(0);
  expect(result.after).toBe(result.before);
  expect(result.code).toBe('closed');
});
