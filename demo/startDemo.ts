import {
  cacheKeyIgnoring,
  createVolumeCache,
  isVolumeCacheError,
  mountCachePanel,
  registerVolumeCacheServiceWorker,
  type CacheEntry,
  type CacheStatus,
  type NiftiSummary,
} from '../src/index';
import { createTimingsTable } from './createTimingsTable';
import { describeHeader } from './describeHeader';
import { formatMilliseconds, formatTransfer } from './formatTransfer';
import { renderSamples } from './renderSamples';
import { statusBadge, type LoadState } from './statusBadge';
import { RATE_CHOICES, throttled } from './throttle';
import { createViewer } from './viewer/createViewer';
import { viewerMessage, type LoadInProgress } from './viewer/viewerMessage';
import { warmOfflineShell } from './warmOfflineShell';
import { watchConnectivity } from './watchConnectivity';

/** The cache partition the page and the service worker share. */
const PARTITION = 'demo';
/** Query parameters that do not change the volume: the demo server's throttle. */
const IGNORED_PARAMS = ['rate'];
const SERVICE_WORKER_TIMEOUT_MS = 15_000;

/** After the badge (statusBadge) and the file name: what happened, without repeating the badge. */
const STATUS_TEXT: Record<CacheStatus, string> = {
  hit: 'opened without downloading',
  miss: 'saved in the cache for next time',
  revalidated: 'the saved copy had expired; the server confirmed it unchanged (304), so nothing was downloaded',
  stale: 'the saved copy has expired and the server cannot be reached to check it, so it may be out of date',
  uncached: 'not saved for next time (larger than the max size, or storage is unavailable)',
};

interface Loaded {
  status: CacheStatus;
  bytes: number | null;
  entry: CacheEntry | null;
  /** From the click until the bytes were in hand (the cache's part), when known. */
  dataMs: number | null;
}

class NotAvailableOffline extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the demo page: service worker, cache, viewer, panels. */
export async function startDemo(): Promise<void> {
  const $ = <T extends HTMLElement>(selector: string): T => {
    const found = document.querySelector<T>(selector);
    if (!found) throw new Error(`demo/index.html lacks ${selector}`);
    return found;
  };
  const app = $<HTMLElement>('#app');
  const samplesList = $<HTMLUListElement>('#samples');
  const urlForm = $<HTMLFormElement>('#url-form');
  const urlInput = $<HTMLInputElement>('#url');
  const rateSelect = $<HTMLSelectElement>('#rate');
  const progressBar = $<HTMLProgressElement>('#progress');
  const progressText = $<HTMLSpanElement>('#progress-text');
  const cancelButton = $<HTMLButtonElement>('#cancel');
  const statusLine = $<HTMLParagraphElement>('#status');
  const headerSummary = $<HTMLDListElement>('#header-summary');
  const networkPill = $<HTMLLIElement>('#network-pill');
  const serviceWorkerPill = $<HTMLLIElement>('#sw-pill');
  const rendererPill = $<HTMLLIElement>('#renderer-pill');
  const rendererSwitch = $<HTMLAnchorElement>('#renderer-switch');

  const keyOf = cacheKeyIgnoring(IGNORED_PARAMS);
  const keyOfUrl = (url: string): string => keyOf(new URL(url, location.href));
  const fileNameOf = (url: URL): string => decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? url.host);

  for (const [index, choice] of RATE_CHOICES.entries()) rateSelect.add(new Option(choice.label, String(index)));
  const prefer2d = new URLSearchParams(location.search).get('renderer') === '2d';
  rendererSwitch.href = prefer2d ? location.pathname : '?renderer=2d';
  rendererSwitch.textContent = prefer2d ? 'Use NiiVue (WebGL2)' : 'Use the 2D fallback';

  const connectivity = watchConnectivity(() => {
    showConnectivity();
    void refreshSamples();
  });
  showConnectivity();

  // The service worker comes first: once it controls the page, the cache's own
  // worker and every module loaded from here on go through it, into the
  // offline shell, so the demo opens offline after one visit.
  let serviceWorkerActive = false;
  try {
    await Promise.race([
      registerVolumeCacheServiceWorker({ name: PARTITION, offlineShell: true, ignoreSearchParams: IGNORED_PARAMS }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('it did not take control in time')), SERVICE_WORKER_TIMEOUT_MS)),
    ]);
    serviceWorkerActive = true;
    serviceWorkerPill.textContent = 'Service worker: active';
    void warmOfflineShell().then(() => {
      serviceWorkerPill.textContent = 'Service worker: active, offline ready';
      document.body.dataset.offlineReady = 'true';
    });
  } catch (error) {
    serviceWorkerPill.textContent = `Service worker: off (${messageOf(error)})`;
  }

  const cache = await createVolumeCache({ name: PARTITION, cacheKey: keyOf });
  const timings = createTimingsTable($<HTMLTableSectionElement>('#timings tbody'));
  const { viewer, canvas } = await createViewer($<HTMLCanvasElement>('#viewer-canvas'), prefer2d);
  rendererPill.textContent = `Renderer: ${viewer.description}`;
  mountCachePanel($<HTMLElement>('#cache-panel'), cache, { title: 'Cache', headingLevel: 2 });

  let cachedEntries = new Map<string, CacheEntry>();
  async function refreshSamples(): Promise<void> {
    cachedEntries = new Map((await cache.entries()).map((entry) => [entry.key, entry]));
    renderSamples(samplesList, cachedEntries, keyOfUrl, connectivity.online, (url) => void load(url));
  }

  /**
   * The viewer's message while no volume is drawn, also as the canvas's
   * label, which screen readers (and the tests) read.
   */
  const showViewerMessage = (progress: LoadInProgress | null): void => {
    const text = viewerMessage(progress);
    viewer.showMessage(text);
    if (!canvas.dataset.rendered) canvas.setAttribute('aria-label', progress ? text : 'No volume loaded');
  };

  /** The load running now: its key (to match progress broadcasts), how to cancel it, and what the viewer says about it. */
  let current: { key: string; controller: AbortController; startedAt: number; progress: LoadInProgress } | null = null;

  cache.subscribe((change) => {
    if (change.type === 'progress') {
      // Downloads the service worker runs (URL mode) report here too.
      if (current && keyOfUrl(change.url) === current.key) showProgress(change.loaded, change.total);
      return;
    }
    if (change.type === 'entries' || change.type === 'cleared') void refreshSamples();
  });

  /**
   * Loads and renders one volume, timing it from the click to the first painted frame.
   *
   * By default the viewer gets the File that cache.get() returns rather than
   * the URL: one call gives the outcome (hit, miss, revalidated, stale), the
   * download's progress and the entry with its header summary; it works before
   * or without a service worker (first visit, other origins, browsers without
   * one), and NiiVue reads the OPFS-backed File straight from disk instead of
   * through a second, service-worker round trip. The "URL" mode shows the other
   * route: NiiVue's own loader calling fetch(), answered by the service worker.
   */
  async function load(input: string): Promise<void> {
    current?.controller.abort();
    let url: URL;
    try {
      url = throttled(new URL(input, location.href), RATE_CHOICES[Number(rateSelect.value)]?.bytesPerSecond ?? null);
    } catch {
      setStatus('error', `"${input}" is not a URL.`);
      return;
    }
    const key = keyOf(url);
    const name = fileNameOf(url);
    const controller = new AbortController();
    const startedAt = performance.now();
    current = { key, controller, startedAt, progress: { name, loaded: 0, total: null, inHand: false } };
    showViewerMessage(current.progress);
    progressBar.value = 0;
    progressBar.removeAttribute('value');
    progressText.textContent = 'starting…';
    cancelButton.hidden = false;
    setStatus('loading', `Loading ${name}…`);
    try {
      const viaUrl = document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === 'url';
      const { status, bytes, entry, dataMs } = viaUrl ? await loadByUrl(url, controller.signal) : await loadFile(url, controller.signal, startedAt);
      if (controller.signal.aborted) return;
      const elapsed = performance.now() - startedAt;
      connectivity.reachable();
      progressBar.value = 1;
      const downloaded = status === 'miss' || status === 'uncached';
      progressText.textContent = downloaded ? `${bytes ? formatTransfer(bytes, bytes, 0) : ''} downloaded` : 'read from the cache: nothing downloaded';
      const data = dataMs !== null ? `in hand after ${formatMilliseconds(dataMs)}, ` : '';
      setStatus(status, `${name}: ${STATUS_TEXT[status]}; ${data}first render after ${formatMilliseconds(elapsed)}${viaUrl ? ' (NiiVue fetched the URL; the service worker answered)' : ''}.`);
      canvas.dataset.rendered = key;
      canvas.setAttribute('aria-label', `${name}: ${viewer.kind === 'niivue' ? 'axial, coronal, sagittal and 3D views' : 'axial, coronal and sagittal middle slices'}`);
      showHeader(name, entry?.nifti ?? null);
      timings.record(key, name, bytes ?? entry?.bytes ?? 0, status, { dataMs, renderMs: elapsed });
    } catch (error) {
      if (controller.signal.aborted) {
        // Only when no newer load took over: that one's status and message stand.
        if (current?.controller === controller) {
          setStatus('cancelled', `${name} was not opened.`);
          showViewerMessage(null);
        }
        return;
      }
      progressBar.value = 0;
      progressText.textContent = 'failed';
      const offline = (isVolumeCacheError(error, 'network') || error instanceof NotAvailableOffline) && !cachedEntries.has(key);
      if (offline) connectivity.unreachable();
      showViewerMessage(null);
      setStatus(offline ? 'unavailable' : 'error', offline ? `${name}: it is not in the cache and the network cannot be reached.` : `${name}: ${messageOf(error)}`);
    } finally {
      if (current?.controller === controller) {
        current = null;
        cancelButton.hidden = true;
      }
    }
  }

  async function loadFile(url: URL, signal: AbortSignal, startedAt: number): Promise<Loaded> {
    const result = await cache.get(url, { signal, onProgress: ({ loaded, total }) => showProgress(loaded, total) });
    const dataMs = performance.now() - startedAt;
    if (current?.controller.signal === signal) {
      current.progress.inHand = true;
      showViewerMessage(current.progress);
    }
    await viewer.showFile(result.file);
    return { status: result.status, bytes: result.file.size, entry: result.entry, dataMs };
  }

  /** URL mode: asks the service worker (HEAD, answered from metadata) what it has, then lets NiiVue fetch the URL. */
  async function loadByUrl(url: URL, signal: AbortSignal): Promise<Loaded> {
    if (!serviceWorkerActive) throw new Error('the service worker is not running, so URL mode would not use the cache.');
    const head = await fetch(url, { method: 'HEAD', signal }).catch(() => null);
    if (!head || head.status === 504) throw new NotAvailableOffline();
    const answered = head.headers.get('X-Volume-Cache');
    await viewer.showUrl(url.href);
    const entry = (await cache.entries()).find((candidate) => candidate.key === keyOf(url)) ?? null;
    const length = Number(head.headers.get('Content-Length'));
    return { status: answered === 'hit' || answered === 'stale' ? answered : 'miss', bytes: Number.isFinite(length) && length > 0 ? length : null, entry, dataMs: null };
  }

  function showProgress(loaded: number, total: number | null): void {
    if (!current) return;
    if (total) progressBar.value = loaded / total;
    progressText.textContent = formatTransfer(loaded, total, performance.now() - current.startedAt);
    Object.assign(current.progress, { loaded, total });
    showViewerMessage(current.progress);
  }

  function setStatus(status: LoadState, text: string): void {
    statusLine.dataset.status = status;
    const badge = document.createElement('strong');
    badge.textContent = statusBadge(status);
    statusLine.replaceChildren(...(badge.textContent ? [badge, ' '] : []), text);
  }

  function showHeader(name: string, nifti: NiftiSummary | null): void {
    const rows: [string, string][] = nifti ? describeHeader(name, nifti) : [['File', name], ['Header', 'not cached, so no summary']];
    headerSummary.replaceChildren(
      ...rows.map(([term, value]) => {
        const group = document.createElement('div');
        if (term === 'Description') group.className = 'wide';
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value;
        group.append(dt, dd);
        return group;
      }),
    );
  }

  function showConnectivity(): void {
    networkPill.dataset.online = String(connectivity.online);
    networkPill.textContent = connectivity.online ? 'Online' : 'Offline: cached volumes only';
  }

  urlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(urlInput.value.trim());
  });
  cancelButton.addEventListener('click', () => current?.controller.abort());

  await refreshSamples();
  app.setAttribute('aria-busy', 'false');
  document.body.dataset.ready = 'true';
}
