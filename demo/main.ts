import { createVolumeCache, type CacheEntry, type GetResult } from '../src/index';

const samples = [
  'spm152.nii.gz',
  'MNI152_2009_template.nii.gz',
  'avg152T1_LR_nifti.nii',
  'avg152T1_LR_nifti2.nii.gz',
  'example4d.nii.gz',
  'functional.nii',
];

const $ = <T extends HTMLElement>(selector: string): T => document.querySelector<T>(selector)!;
const form = $<HTMLFormElement>('#load-form');
const urlInput = $<HTMLInputElement>('#url');
const rateSelect = $<HTMLSelectElement>('#rate');
const progress = $<HTMLProgressElement>('#progress');
const statusLine = $<HTMLParagraphElement>('#status');
const summary = $<HTMLPreElement>('#header-summary');
const timings = $<HTMLTableSectionElement>('#timings tbody');
const statsLine = $<HTMLParagraphElement>('#stats');
const entryList = $<HTMLUListElement>('#entries');

for (const name of samples) {
  const option = document.createElement('option');
  option.value = `/data/nifti/${name}`;
  $('#samples').append(option);
}

// The throttle is a query parameter of the demo server; the cache key drops
// it so a throttled and an unthrottled load are the same volume.
const cache = await createVolumeCache({
  name: 'demo',
  cacheKey: (url) => {
    url.searchParams.delete('rate');
    url.hash = '';
    return url.href;
  },
});
const times = new Map<string, { bytes: number; cold?: number; warm?: number }>();

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function load(url: string): Promise<void> {
  const target = new URL(url, location.href);
  if (rateSelect.value) target.searchParams.set('rate', rateSelect.value);
  progress.value = 0;
  statusLine.textContent = `Loading ${url}…`;
  const started = performance.now();
  let result: GetResult;
  try {
    result = await cache.get(target, {
      onProgress: ({ loaded, total }) => {
        const seconds = (performance.now() - started) / 1000;
        progress.value = total ? loaded / total : 0;
        statusLine.textContent = `Downloading ${mib(loaded)}${total ? ` of ${mib(total)}` : ''} at ${(loaded / 1024 / 1024 / seconds).toFixed(1)} MiB/s`;
      },
    });
    await result.file.arrayBuffer();
  } catch (error) {
    statusLine.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  const elapsed = performance.now() - started;
  progress.value = 1;
  statusLine.textContent = `${result.status} — ${mib(result.file.size)} ready in ${elapsed.toFixed(0)} ms`;
  statusLine.dataset.status = result.status;
  const nifti = result.entry?.nifti;
  summary.textContent = nifti
    ? `NIfTI-${nifti.version} ${nifti.dims.join('×')} ${nifti.datatype}, voxel ${nifti.voxelSize.map((v) => v.toFixed(2)).join('×')} mm`
    : '';
  const key = target.pathname;
  const row = times.get(key) ?? { bytes: result.file.size };
  if (result.status === 'miss' || result.status === 'uncached') row.cold = elapsed;
  else row.warm = elapsed;
  times.set(key, row);
  renderTimings();
  await renderCache();
}

function renderTimings(): void {
  timings.replaceChildren(
    ...[...times].map(([key, row]) => {
      const tr = document.createElement('tr');
      const speedUp = row.cold !== undefined && row.warm !== undefined ? `${(row.cold / row.warm).toFixed(1)}×` : '';
      for (const text of [key, mib(row.bytes), row.cold?.toFixed(0) ?? '', row.warm?.toFixed(0) ?? '', speedUp]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

async function renderCache(): Promise<void> {
  const stats = await cache.stats();
  statsLine.textContent = `${stats.entries} entries, ${mib(stats.bytes)} of ${mib(stats.maxBytes)}; hit rate ${(stats.hitRate * 100).toFixed(0)}% (${stats.hits} hits, ${stats.misses} misses)`;
  const entries: CacheEntry[] = await cache.entries();
  entryList.replaceChildren(
    ...entries.map((entry) => {
      const li = document.createElement('li');
      li.textContent = `${new URL(entry.url).pathname} — ${mib(entry.bytes)}${entry.nifti ? `, ${entry.nifti.dims.join('×')}` : ''}`;
      return li;
    }),
  );
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void load(urlInput.value);
});
$('#clear').addEventListener('click', () => {
  void cache.clear().then(renderCache);
});
await renderCache();
