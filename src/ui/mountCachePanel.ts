import type { VolumeCache } from '../types';
import { attachCachePanel, type CachePanel, type CachePanelOptions } from './attachCachePanel';

export type { CachePanel, CachePanelOptions };

/**
 * Shows a cache's state and controls in `element`: hit rate, bytes against
 * maxBytes and the browser quota, persistence, the entries with pin/unpin and
 * remove, clean-up, clear, "make available offline" and the settings. It uses
 * only the public VolumeCache API and follows `cache.subscribe()`, so it stays
 * current as downloads progress here or in other tabs.
 *
 * The panel lives in a shadow root on a `<div class="volume-cache-panel">`
 * appended to `element`, so host styles do not leak in; theme it with the
 * `--vcp-*` custom properties (see panelStyles.ts).
 */
export function mountCachePanel(element: HTMLElement, cache: VolumeCache, options: CachePanelOptions = {}): CachePanel {
  const host = document.createElement('div');
  host.className = 'volume-cache-panel';
  element.append(host);
  const panel = attachCachePanel(host.attachShadow({ mode: 'open' }), cache, options);
  return {
    refresh: panel.refresh,
    destroy() {
      panel.destroy();
      host.remove();
    },
  };
}
