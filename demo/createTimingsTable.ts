import type { CacheStatus } from '../src/index';
import { formatSize, formatMilliseconds } from './formatTransfer';

/** Times of one load, from the click: bytes in hand (null when the viewer fetched them itself) and first painted frame. */
export interface LoadTimes {
  dataMs: number | null;
  renderMs: number;
}

interface Timing {
  name: string;
  bytes: number;
  cold?: LoadTimes;
  warm?: LoadTimes;
}

const ms = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : formatMilliseconds(value));

/**
 * The "cold vs warm" table: per volume loaded this session, its first
 * download (cold) against its latest load from the cache (warm): when the
 * bytes were in hand, which is what the cache changes, and the first painted
 * frame, which adds the viewer's own work (seconds with software WebGL).
 */
export function createTimingsTable(tbody: HTMLTableSectionElement): { record(key: string, name: string, bytes: number, status: CacheStatus, times: LoadTimes): void } {
  const timings = new Map<string, Timing>();

  const render = (): void => {
    if (timings.size === 0) {
      const empty = document.createElement('tr');
      const cell = document.createElement('td');
      cell.colSpan = 7;
      cell.className = 'empty';
      cell.textContent = 'Load a volume twice to compare.';
      empty.append(cell);
      tbody.replaceChildren(empty);
      return;
    }
    tbody.replaceChildren(
      ...[...timings.values()].map((timing) => {
        const tr = document.createElement('tr');
        const coldData = timing.cold?.dataMs;
        const warmData = timing.warm?.dataMs;
        const speedUp = coldData != null && warmData != null && warmData > 0 ? `${(coldData / warmData).toFixed(0)}×` : '–';
        const cells = [timing.name, formatSize(timing.bytes), ms(coldData), ms(timing.cold?.renderMs), ms(warmData), ms(timing.warm?.renderMs), speedUp];
        cells.forEach((text, index) => {
          const cell = document.createElement(index === 0 ? 'th' : 'td');
          if (index === 0) cell.setAttribute('scope', 'row');
          else cell.className = 'num';
          cell.textContent = text;
          tr.append(cell);
        });
        return tr;
      }),
    );
  };
  render();

  return {
    record(key, name, bytes, status, times) {
      const timing = timings.get(key) ?? { name, bytes };
      timing.bytes = bytes || timing.bytes;
      if (status === 'miss' || status === 'uncached') timing.cold ??= times;
      else timing.warm = times;
      timings.set(key, timing);
      render();
    },
  };
}
