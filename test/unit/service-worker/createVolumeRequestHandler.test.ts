import { describe, expect, it } from 'vitest';
import { createVolumeRequestHandler, isCacheable, isStorageFailure } from '../../../src/service-worker/createVolumeRequestHandler';
import { VolumeCacheError } from '../../../src/errors';
import type { ServiceWorkerEngine } from '../../../src/protocol';
import { DEFAULT_SERVICE_WORKER_CONFIG } from '../../../src/shared/serviceWorkerConfig';

const url = 'https://data.example.org/volume.nii';
const defaults = DEFAULT_SERVICE_WORKER_CONFIG;

function response(status: number, cacheControl: string | null = null, type: ResponseType = 'default'): Response {
  const headers = new Headers(cacheControl === null ? {} : { 'Cache-Control': cacheControl });
  // Response.type cannot be chosen when constructing one; the function reads only these fields.
  return { status, type, headers } as Response;
}

describe('isCacheable (what the service worker keeps)', () => {
  it('keeps a 200 and nothing else', () => {
    expect(isCacheable(new Request(url), response(200), defaults)).toBe(true);
    for (const status of [204, 206, 304, 404, 500]) expect(isCacheable(new Request(url), response(status), defaults)).toBe(false);
    for (const type of ['opaque', 'opaqueredirect', 'error'] as const) expect(isCacheable(new Request(url), response(200, null, type), defaults)).toBe(false);
  });

  it('passes no-store through unless cacheNoStore, wherever the directive sits', () => {
    for (const value of ['no-store', 'max-age=0, no-store', 'no-store, private', 'NO-STORE']) {
      expect(isCacheable(new Request(url), response(200, value), defaults)).toBe(false);
      expect(isCacheable(new Request(url), response(200, value), { ...defaults, cacheNoStore: true })).toBe(true);
    }
    // Not the directive, only a look-alike.
    expect(isCacheable(new Request(url), response(200, 'no-stored'), defaults)).toBe(true);
  });

  it('keeps private responses only when the cache is not shared', () => {
    expect(isCacheable(new Request(url), response(200, 'private, max-age=60'), defaults)).toBe(true);
    expect(isCacheable(new Request(url), response(200, 'private, max-age=60'), { ...defaults, shared: true })).toBe(false);
    expect(isCacheable(new Request(url), response(200, 'private="Set-Cookie"'), { ...defaults, shared: true })).toBe(false);
  });

  it('never keeps a response that varies on a header callers may send differently', () => {
    const varying = (vary: string): Response => ({ status: 200, type: 'default', headers: new Headers({ Vary: vary }) }) as Response;
    expect(isCacheable(new Request(url), varying('X-Tenant'), { ...defaults, cacheNoStore: true, cacheAuthorized: true })).toBe(false);
    expect(isCacheable(new Request(url), varying('*'), defaults)).toBe(false);
    expect(isCacheable(new Request(url), varying('Accept-Encoding, Origin'), defaults)).toBe(true);
  });

  it('keeps answers to requests with Authorization only with cacheAuthorized', () => {
    const authorized = new Request(url, { headers: { Authorization: 'Bearer t' } });
    expect(isCacheable(authorized, response(200), defaults)).toBe(false);
    expect(isCacheable(authorized, response(200), { ...defaults, cacheAuthorized: true })).toBe(true);
  });

  it('keeps credentialed cross-origin answers only with cacheCredentialed', () => {
    const credentialed = new Request(url, { credentials: 'include' });
    expect(isCacheable(credentialed, response(200, null, 'cors'), defaults)).toBe(false);
    expect(isCacheable(credentialed, response(200, null, 'cors'), { ...defaults, cacheCredentialed: true })).toBe(true);
    expect(isCacheable(new Request(url), response(200, null, 'cors'), defaults)).toBe(true);
  });
});

describe('storage failures in the service worker', () => {
  it('tells a storage failure from what a response or a download can do', () => {
    expect(isStorageFailure(new DOMException('The database connection is closing.', 'InvalidStateError'))).toBe(true);
    expect(isStorageFailure(new VolumeCacheError('closed', 'closed'))).toBe(true);
    expect(isStorageFailure(new VolumeCacheError('key-mismatch', 'wrong key'))).toBe(true);
    for (const code of ['not-nifti', 'corrupt', 'http-status', 'network', 'integrity', 'aborted', 'quota'] as const) {
      expect(isStorageFailure(new VolumeCacheError(code, code))).toBe(false);
    }
  });

  it('answers from the network when the engine fails, and reports the failure instead of swallowing it', async () => {
    const closing = new DOMException('The database connection is closing.', 'InvalidStateError');
    const engine = {
      lookup: async () => Promise.reject(closing),
      waitForDownload: async () => undefined,
      recordPassThrough: async () => undefined,
      ingest: async () => Promise.reject(closing),
    } as unknown as ServiceWorkerEngine;
    const reported: unknown[] = [];
    const pending: Promise<unknown>[] = [];
    const handle = createVolumeRequestHandler(engine, defaults, 'read-write', async () => new Response('volume bytes'), (error) => reported.push(error));
    const answer = await handle({ request: new Request(url), waitUntil: (promise) => void pending.push(promise) });
    expect(await answer.text()).toBe('volume bytes');
    await Promise.all(pending);
    // The lookup, the lookup again after waiting for another download, and caching the body.
    expect(reported).toEqual([closing, closing, closing]);
  });
});
