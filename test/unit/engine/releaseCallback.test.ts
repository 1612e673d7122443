import { releaseProxy } from 'comlink';
import { describe, expect, it } from 'vitest';
import { releaseCallback } from '../../../src/engine/releaseCallback';

describe('releaseCallback', () => {
  it('releases a comlink proxy once, and ignores plain functions, undefined and a second release that throws', () => {
    let released = 0;
    const proxy = Object.assign(() => undefined, {
      [releaseProxy]() {
        released += 1;
        if (released > 1) throw new Error('Proxy has been released and is not useable');
      },
    });
    releaseCallback(proxy);
    expect(released).toBe(1);
    expect(() => releaseCallback(proxy)).not.toThrow();
    expect(() => releaseCallback(() => undefined)).not.toThrow();
    expect(() => releaseCallback(undefined)).not.toThrow();
  });
});
