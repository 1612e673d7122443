import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashWorkerSource } from '../../../src/engine/hashWorkerSource';

afterEach(() => vi.unstubAllGlobals());

describe('hashWorkerSource', () => {
  it("uses the platform's start when no URL is given, and null when there is none", () => {
    const start = (): Worker => ({}) as Worker;
    expect(hashWorkerSource(null, start, () => undefined)?.start).toBe(start);
    expect(hashWorkerSource(null, null, () => undefined)).toBeNull();
  });

  it("starts the caller's URL as a module worker where workers exist", () => {
    const started: [string, WorkerOptions | undefined][] = [];
    vi.stubGlobal(
      'Worker',
      class {
        constructor(url: string, options?: WorkerOptions) {
          started.push([url, options]);
        }
      },
    );
    const source = hashWorkerSource('https://cdn.example/sha256-worker.js', null, () => undefined);
    source!.start();
    expect(started).toEqual([['https://cdn.example/sha256-worker.js', { type: 'module', name: 'volume-cache-sha256' }]]);
  });

  it('reports a failed start once, however often it fails', () => {
    const reasons: string[] = [];
    const source = hashWorkerSource(null, () => ({}) as Worker, (reason) => reasons.push(reason))!;
    source.onStartFailed('404');
    source.onStartFailed('404 again');
    expect(reasons).toEqual(['404']);
  });
});
