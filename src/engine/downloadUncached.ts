import { VolumeCacheError } from '../errors';
import { createMemorySink } from '../storage/ByteSink';
import { toHex } from '../shared/toHex';
import { checkIntegrity } from './checkIntegrity';
import { downloadVolume, type DownloadRequest } from './downloadVolume';
import { volumeFileName } from './volumeFileName';

/**
 * A download kept nowhere, for network-only mode (no OPFS, IndexedDB or
 * usable WebAssembly) and for a disk too full to create a file on: the body
 * in memory as a File. Nothing streams through
 * a hasher (which needs WebAssembly, perhaps what is missing): an integrity
 * check digests the body, held in memory here anyway, with Web Crypto.
 */
export async function downloadUncached(
  request: Omit<DownloadRequest, 'openSink' | 'hash' | 'revalidate' | 'onQuotaExceeded' | 'maxUnknownLengthBytes'>,
  expectedSha256: string | null,
  maxBytes: number,
): Promise<{ file: File; bytesFromNetwork: number }> {
  const sink = createMemorySink();
  const result = await downloadVolume({
    ...request,
    hash: false,
    openSink: async () => sink,
    readBack: async () => sink.toFile('body', ''),
    // Held in memory: a body with no end is stopped at maxBytes, not run until the tab dies.
    maxUnknownLengthBytes: maxBytes,
    onQuotaExceeded: async () => false,
  });
  if (result.kind !== 'complete') throw new VolumeCacheError('http-status', 'Unexpected 304 without a cached copy.', { url: request.url, status: 304 });
  const file = sink.toFile(volumeFileName(request.url, result.nifti?.compressed ?? null), result.meta.contentType);
  if (expectedSha256 !== null) {
    checkIntegrity(toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))), expectedSha256, request.url);
  }
  return { file, bytesFromNetwork: result.bytesFromNetwork };
}
