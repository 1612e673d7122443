/// <reference lib="webworker" />
// Decodes a volume and renders its thumbnail inside a dedicated worker, where
// the engine runs: proves the modules need nothing from the page (no DOM,
// OffscreenCanvas only).

import { decodeNiftiVolume } from '../../../../src/nifti/decodeNiftiVolume';
import { renderThumbnail } from '../../../../src/derived/renderThumbnail';
import type { FromDerivedWorker, ToDerivedWorker } from './derivedWorkerProtocol';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<ToDerivedWorker>) => {
  const { url, size } = event.data;
  let reply: FromDerivedWorker;
  try {
    const blob = await (await fetch(url)).blob();
    const { header, voxels } = await decodeNiftiVolume(blob, { url });
    const digest = await crypto.subtle.digest('SHA-256', voxels);
    const png = await renderThumbnail(header, voxels, { size });
    reply = {
      ok: true,
      voxelSha256: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''),
      dims: header.dims,
      png,
      hasOffscreenCanvas: typeof OffscreenCanvas !== 'undefined',
    };
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    reply = { ok: false, name: e.name ?? 'Error', code: e.code, message: e.message ?? String(error) };
  }
  self.postMessage(reply);
};
