import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connect } from 'vite';
import type { ByteSource } from './byteSource.ts';
import type { FaultBudget } from './faultBudget.ts';
import { parseFaults, type Faults } from './faults.ts';
import { generatedGzipVolumeSource, isValidGzipVolumeSlices } from './generatedGzipVolume.ts';
import { generatedVolumeSource, isValidGeneratedVolumeSpec, type GeneratedChunkCache, type GeneratedVolumeSpec } from './generatedVolume.ts';
import type { RequestLog } from './requestLog.ts';
import { serveBytes } from './serveBytes.ts';
import { sharedDataFile } from './sharedDataFile.ts';

export interface VolumeRoutesState {
  dataDir: string;
  log: RequestLog;
  budget: FaultBudget;
  /** Set when generated volumes are kept in memory once produced (TestServerOptions.keepGeneratedBytes). */
  generatedChunks?: GeneratedChunkCache;
}

const DATA_PATH = /^\/data\/(nifti|bad)\/([^/]+)$/;
/** /gen/<slices>-<seed>.nii, .nii.gz, or /gen/<slices>x<frames>-<seed>.nii for a 4-D volume (generatedVolume.ts). */
const GENERATED_PATH = /^\/gen\/(\d+)(?:x(\d+))?-(\d+)\.nii(\.gz)?$/;

/** GET/HEAD /data/<nifti|bad>/<file> and /gen/<k>-<seed>.nii(.gz), with faults from the query (see faults.ts). */
export function volumeRoutes(state: VolumeRoutesState): Connect.NextHandleFunction {
  return (request, response, next) => {
    const url = new URL(request.url ?? '/', 'http://test.invalid');
    if (!DATA_PATH.test(url.pathname) && !GENERATED_PATH.test(url.pathname)) return next();
    const onBodyBytes = state.log.record(request, response);
    handle(state, request, response, url, onBodyBytes).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `test server error: ${String(error)}\n`);
      else response.destroy();
    });
  };
}

async function handle(
  state: VolumeRoutesState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  onBodyBytes: (count: number) => void,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    onBodyBytes(sendText(response, 405, 'GET or HEAD only\n'));
    return;
  }
  let faults: Faults;
  try {
    faults = parseFaults(url.searchParams);
  } catch (error) {
    onBodyBytes(sendText(response, 400, `bad fault parameter: ${(error as Error).message}\n`));
    return;
  }
  if ((faults.versions !== undefined || faults.label !== undefined) && !GENERATED_PATH.test(url.pathname)) {
    onBodyBytes(sendText(response, 400, 'bad fault parameter: v= and label= are for /gen only\n'));
    return;
  }
  if (faults.delayMs > 0) await sleep(faults.delayMs);
  if (response.destroyed) return;

  if (faults.redirect !== undefined) {
    const location = new URL(url);
    if (faults.redirect === 1) location.searchParams.delete('redirect');
    else if (faults.redirect !== 'loop') location.searchParams.set('redirect', String(faults.redirect - 1));
    // no-store: a remembered hop would let the browser skip the server and hide a request from the log.
    response.writeHead(302, { Location: location.pathname + location.search, 'Cache-Control': 'no-store', 'Content-Length': 0 });
    response.end();
    return;
  }

  const urlKey = request.url ?? '';
  const isGet = request.method === 'GET';
  const spared = faults.failAfter !== undefined && state.budget.applies(`failafter ${urlKey}`, faults.failAfter, isGet);
  const failing = (faults.status !== undefined || faults.html200) && !spared && state.budget.applies(`fail ${urlKey}`, faults.fails, isGet);
  if (failing && faults.status !== undefined) {
    if (faults.retryAfter !== undefined) response.setHeader('Retry-After', faults.retryAfter);
    response.setHeader('Cache-Control', faults.cacheControl);
    const text = `${faults.status} ${STATUS_CODES[faults.status] ?? 'Injected status'}\n`;
    onBodyBytes(sendText(response, faults.status, text, request.method));
    return;
  }
  if (failing && faults.html200) {
    response.setHeader('Cache-Control', faults.cacheControl);
    onBodyBytes(sendHtmlErrorPage(response, request.method));
    return;
  }

  const version = faults.versions ? faults.versions[Math.min(state.budget.seen(`version ${urlKey}`, isGet), faults.versions.length - 1)]! : 1;
  const source = await resolveSource(state, url, version, faults.label, faults.members ?? 1);
  if (!source) {
    onBodyBytes(sendText(response, 404, 'no such test file\n', request.method));
    return;
  }
  await serveBytes(request, response, source, {
    faults,
    claimDrop: () => state.budget.applies(`drop ${urlKey}`, faults.drops, isGet),
    claimStall: () => state.budget.applies(`stall ${urlKey}`, faults.stalls, isGet),
    onBodyBytes,
  });
}

async function resolveSource(
  { dataDir, generatedChunks }: VolumeRoutesState,
  url: URL,
  version: number,
  label: number | undefined,
  members: number,
): Promise<ByteSource | undefined> {
  const data = DATA_PATH.exec(url.pathname);
  if (data) {
    const [, folder, name = ''] = data;
    return sharedDataFile(dataDir, folder === 'bad' ? 'bad' : 'nifti', decodeURIComponent(name));
  }
  const generated = GENERATED_PATH.exec(url.pathname);
  if (!generated) return undefined;
  const [, slices, frames, seed, gz] = generated;
  const gzip = gz !== undefined;
  const specOf = (v: number): GeneratedVolumeSpec => ({ slices: Number(slices), ...(frames === undefined ? {} : { frames: Number(frames) }), seed: Number(seed), version: v });
  const spec = specOf(version);
  // Gzip volumes are 3-D only: they are built whole in memory.
  if (!isValidGeneratedVolumeSpec(spec) || (gzip && (frames !== undefined || !isValidGzipVolumeSlices(spec.slices)))) return undefined;
  if (label !== undefined && !isValidGeneratedVolumeSpec(specOf(label))) return undefined;
  const sourceOf = gzip ? (v: GeneratedVolumeSpec) => generatedGzipVolumeSource(v, members) : (v: GeneratedVolumeSpec) => generatedVolumeSource(v, generatedChunks);
  const source = sourceOf(spec);
  if (label === undefined) return source;
  const labelled = sourceOf(specOf(label));
  return { ...source, etag: labelled.etag, lastModified: labelled.lastModified };
}

/** Returns the number of body bytes sent. */
function sendText(response: ServerResponse, status: number, text: string, method = 'GET'): number {
  const body = Buffer.from(text);
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  response.end(method === 'HEAD' ? undefined : body);
  return method === 'HEAD' ? 0 : body.length;
}

/** Returns the number of body bytes sent. */
function sendHtmlErrorPage(response: ServerResponse, method = 'GET'): number {
  const body = Buffer.from(
    '<!doctype html>\n<html><head><title>Service unavailable</title></head>' +
      '<body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n',
  );
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
  response.end(method === 'HEAD' ? undefined : body);
  return method === 'HEAD' ? 0 : body.length;
}
