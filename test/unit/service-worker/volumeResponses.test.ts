import { describe, expect, it } from 'vitest';
import { bodyBytesOf, responseFromEntry } from '../../../src/service-worker/volumeResponses';
import type { CacheEntry } from '../../../src/types';

const SIZE = 1000;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => i % 251);
const file = new File([bytes], 'volume.nii', { type: 'application/octet-stream' });
const entry: CacheEntry = {
  key: 'https://example.org/volume.nii',
  url: 'https://example.org/volume.nii',
  bytes: SIZE,
  sha256: 'ab'.repeat(32),
  contentType: 'application/octet-stream',
  contentEncoding: null,
  etag: '"v1"',
  lastModified: null,
  createdAt: 0,
  lastAccessedAt: 0,
  expiresAt: Number.MAX_SAFE_INTEGER,
  pinned: false,
  nifti: null,
};

const request = (method: string, range?: string) => new Request(entry.url, { method, headers: range ? { Range: range } : {} });

describe('responseFromEntry and bodyBytesOf', () => {
  it('a whole GET is 200 with every byte, and counts the whole file', async () => {
    const get = request('GET');
    const response = await responseFromEntry(get, entry, { file }, 'hit');
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.clone().arrayBuffer())).toEqual(bytes);
    expect(bodyBytesOf(get, response)).toBe(SIZE);
  });

  it('a range is 206 with that slice, and counts only the slice', async () => {
    const ranged = request('GET', 'bytes=100-199');
    const response = await responseFromEntry(ranged, entry, { file }, 'hit');
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe(`bytes 100-199/${SIZE}`);
    expect(new Uint8Array(await response.clone().arrayBuffer())).toEqual(bytes.slice(100, 200));
    expect(bodyBytesOf(ranged, response)).toBe(100);
  });

  it('HEAD and an unsatisfiable range carry no bytes of the volume', async () => {
    const head = request('HEAD');
    const headResponse = await responseFromEntry(head, entry, { file }, 'hit');
    expect(headResponse.headers.get('Content-Length')).toBe(String(SIZE));
    expect(bodyBytesOf(head, headResponse)).toBe(0);

    const beyond = request('GET', `bytes=${SIZE}-`);
    const refused = await responseFromEntry(beyond, entry, { file }, 'hit');
    expect(refused.status).toBe(416);
    expect(bodyBytesOf(beyond, refused)).toBe(0);
  });
});
