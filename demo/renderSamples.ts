import type { CacheEntry } from '../src/index';
import { formatSize } from './formatTransfer';
import { SAMPLE_VOLUMES, sampleUrl } from './samples';

/**
 * The sample list: one button per volume, and whether it is cached, not
 * cached, or (offline and not cached) unavailable, which disables it.
 */
export function renderSamples(list: HTMLUListElement, cached: ReadonlyMap<string, CacheEntry>, keyOf: (url: string) => string, online: boolean, load: (url: string) => void): void {
  list.replaceChildren(
    ...SAMPLE_VOLUMES.map(({ file, about }) => {
      const url = sampleUrl(file);
      const entry = cached.get(keyOf(url));
      const state = entry ? 'cached' : online ? 'not-cached' : 'unavailable';
      const availabilityId = `availability-${file.replace(/[^a-z0-9]/gi, '-')}`;
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.url = url;
      button.setAttribute('aria-describedby', availabilityId);
      button.disabled = state === 'unavailable';
      const name = document.createElement('span');
      name.textContent = file;
      button.title = about;
      button.append(name);
      button.addEventListener('click', () => load(url));
      const availability = document.createElement('span');
      availability.id = availabilityId;
      availability.className = 'availability';
      availability.dataset.state = state;
      availability.textContent =
        state === 'cached' ? `cached · ${formatSize(entry!.bytes)}${entry!.pinned ? ' · pinned' : ''}` : state === 'unavailable' ? 'unavailable offline' : 'not cached';
      const item = document.createElement('li');
      item.dataset.file = file;
      item.append(button, availability);
      return item;
    }),
  );
}
