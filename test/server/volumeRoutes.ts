import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connect } from 'vite';
import type { ByteSource } from './byteSource.ts';
import type { FaultBudget } from './faultBudget.ts';
import { parseFaults, type Faults } from './faults.ts';
import { generatedVolumeSource, isValidGeneratedVolumeSpec } from './generatedVolume.ts';
import type { RequestLog } from './requestLog.ts';
import { serveBytes } from './serveBytes.ts';
import { sharedDataFile } from './sharedDataFile.ts';

export interface VolumeRoutesState {
  dataDir: string;
  log: RequestLog;
  budget: FaultBudget;
}

const DATA_PATH = /^\/data\/(nifti|bad)\/([^/]+)$/;
const GENERATED_PATH = /^\/gen\/(\d+)-(\d+)\.nii$/;

/** GET/HEAD /data/<nifti|bad>/<file> and /gen/<k>-<seed>.nii, with faults from the query (see faults.ts). */
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
  if (faults.delayMs > 0) await sleep(faults.delayMs);
  if (response.destroyed) return;

  const urlKey = request.url ?? '';
  const isGet = request.method === 'GET';
  const failing = (faults.status !== undefined || faults.html200) && state.budget.applies(`fail ${urlKey}`, faults.fails, isGet);
  if (failing && faults.status !== undefined) {
    if (faults.status === 429 || faults.status === 503) response.setHeader('Retry-After', '1');
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

  const source = await resolveSource(state.dataDir, url);
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

async function resolveSource(dataDir: string, url: URL): Promise<ByteSource | undefined> {
  const data = DATA_PATH.exec(url.pathname);
  if (data) {
    const [, folder, name = ''] = data;
    return sharedDataFile(dataDir, folder === 'bad' ? 'bad' : 'nifti', decodeURIComponent(name));
  }
  const generated = GENERATED_PATH.exec(url.pathname);
  if (!generated) return undefined;
  const version = url.searchParams.get('v') ?? '1';
  const spec = { slices: Number(generated[1]), seed: Number(generated[2]), version: /^\d+$/.test(version) ? Number(version) : NaN };
  return isValidGeneratedVolumeSpec(spec) ? generatedVolumeSource(spec) : undefined;
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
