import { describe, expect, it } from 'vitest';
import { readStorageEstimate } from '../../../src/engine/readStorageEstimate';

describe('readStorageEstimate', () => {
  it("passes the browser's figures through", async () => {
    const storage = { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => true };
    expect(await readStorageEstimate(storage)).toEqual({ estimate: { usage: 10, quota: 100 }, persisted: true });
  });

  it('reports unknown (null), not an error, where the browser refuses or has no storage manager', async () => {
    const refusing = {
      estimate: async () => Promise.reject(new DOMException('private mode', 'SecurityError')),
      persisted: async () => Promise.reject(new DOMException('private mode', 'SecurityError')),
    };
    expect(await readStorageEstimate(refusing)).toEqual({ estimate: { usage: null, quota: null }, persisted: null });
    expect(await readStorageEstimate(null)).toEqual({ estimate: { usage: null, quota: null }, persisted: null });
    expect(await readStorageEstimate({ estimate: async () => ({}), persisted: async () => false })).toEqual({
      estimate: { usage: null, quota: null },
      persisted: false,
    });
  });
});
