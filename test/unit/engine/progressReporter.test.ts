import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../../src/engine/progressReporter';
import type { DownloadProgress } from '../../../src/types';

describe('progressReporter', () => {
  it('reports at most once per interval to the caller and other tabs alike, and always the last one', () => {
    const clock = { now: 1000 };
    const reported: DownloadProgress[] = [];
    const posted: DownloadProgress[] = [];
    const onBytes = progressReporter('https://x/a.nii', (p) => reported.push(p), (p) => posted.push(p), () => clock.now, 100);
    onBytes(10, 100); // first: reported
    clock.now += 50;
    onBytes(20, 100); // within the interval: dropped
    clock.now += 50;
    onBytes(30, 100); // interval over: reported
    clock.now += 1;
    onBytes(100, 100); // the last: reported although within the interval
    expect(reported.map((p) => p.loaded)).toEqual([10, 30, 100]);
    expect(posted).toEqual(reported);
    expect(reported[0]).toEqual({ url: 'https://x/a.nii', loaded: 10, total: 100 });
  });

  it('reports an unknown total as null, throttled the same way', () => {
    const clock = { now: 0 };
    const reported: DownloadProgress[] = [];
    const onBytes = progressReporter('u', (p) => reported.push(p), () => undefined, () => clock.now, 100);
    onBytes(5, null);
    onBytes(6, null);
    clock.now = 100;
    onBytes(7, null);
    expect(reported).toEqual([
      { url: 'u', loaded: 5, total: null },
      { url: 'u', loaded: 7, total: null },
    ]);
  });
});
