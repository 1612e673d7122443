import { describe, expect, it } from 'vitest';
import { applyProgress, pruneStaleDownloads, type ActiveDownloads } from '../../../src/ui/activeDownloads';

const URL_A = 'http://x/a.nii';
const none: ActiveDownloads = new Map();

describe('applyProgress', () => {
  it('starts a download at its first report and keeps its start time', () => {
    const first = applyProgress(none, { url: URL_A, loaded: 10, total: 100 }, 1000);
    const second = applyProgress(first, { url: URL_A, loaded: 50, total: 100 }, 1500);
    expect(second.get(URL_A)).toEqual({ url: URL_A, loaded: 50, total: 100, startedAt: 1000, updatedAt: 1500 });
    expect(first.get(URL_A)?.loaded).toBe(10);
  });

  it('drops a download when it reaches its total', () => {
    const started = applyProgress(none, { url: URL_A, loaded: 10, total: 100 }, 1000);
    expect(applyProgress(started, { url: URL_A, loaded: 100, total: 100 }, 1100).has(URL_A)).toBe(false);
  });

  it('keeps a download without a total until it is pruned', () => {
    const started = applyProgress(none, { url: URL_A, loaded: 10, total: null }, 1000);
    expect(applyProgress(started, { url: URL_A, loaded: 1e6, total: null }, 2000).get(URL_A)?.loaded).toBe(1e6);
  });

  it('measures a restarted download afresh', () => {
    const started = applyProgress(none, { url: URL_A, loaded: 80, total: 100 }, 1000);
    expect(applyProgress(started, { url: URL_A, loaded: 5, total: 100 }, 3000).get(URL_A)?.startedAt).toBe(3000);
  });
});

describe('pruneStaleDownloads', () => {
  it('drops downloads with no progress for longer than the limit, and returns the same map otherwise', () => {
    const downloads = applyProgress(applyProgress(none, { url: URL_A, loaded: 1, total: 9 }, 1000), { url: 'http://x/b.nii', loaded: 1, total: 9 }, 5000);
    expect([...pruneStaleDownloads(downloads, 5000 + 1000, 4500).keys()]).toEqual(['http://x/b.nii']);
    expect(pruneStaleDownloads(downloads, 5000, 4500)).toBe(downloads);
  });
});
