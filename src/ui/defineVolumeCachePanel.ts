import type { VolumeCache } from '../types';
import { attachCachePanel, type CachePanel } from './attachCachePanel';

/**
 * `<volume-cache-panel>`: the cache panel as a custom element. Give it a cache
 * through its `cache` property; `heading` and `heading-level` attributes set
 * its title. It renders in its own shadow root, themed by `--vcp-*` custom
 * properties, and stops listening when removed from the document.
 */
export interface VolumeCachePanelElement extends HTMLElement {
  cache: VolumeCache | null;
  /** Re-reads the cache now; resolves when the panel shows it. */
  refresh(): Promise<void>;
}

/**
 * Registers `<volume-cache-panel>` (or `tagName`) once; later calls return the
 * same class. Registration is explicit, not a side effect of importing the
 * library, so the package stays tree-shakable and safe to import where there
 * is no DOM (workers, server-side rendering).
 */
export function defineVolumeCachePanel(tagName = 'volume-cache-panel'): CustomElementConstructor {
  const existing = customElements.get(tagName);
  if (existing) return existing;

  class Panel extends HTMLElement implements VolumeCachePanelElement {
    static observedAttributes = ['heading', 'heading-level'];
    #cache: VolumeCache | null = null;
    #panel: CachePanel | null = null;

    get cache(): VolumeCache | null {
      return this.#cache;
    }

    set cache(value: VolumeCache | null) {
      this.#cache = value;
      this.#remount();
    }

    refresh(): Promise<void> {
      return this.#panel?.refresh() ?? Promise.resolve();
    }

    connectedCallback(): void {
      this.#remount();
    }

    disconnectedCallback(): void {
      this.#panel?.destroy();
      this.#panel = null;
    }

    attributeChangedCallback(): void {
      if (this.#panel) this.#remount();
    }

    #remount(): void {
      this.#panel?.destroy();
      this.#panel = null;
      if (!this.isConnected || !this.#cache) return;
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const level = Number(this.getAttribute('heading-level') ?? 2);
      this.#panel = attachCachePanel(root, this.#cache, {
        title: this.getAttribute('heading') ?? 'Volume cache',
        headingLevel: ([2, 3, 4, 5, 6] as const).find((candidate) => candidate === level) ?? 2,
      });
    }
  }

  customElements.define(tagName, Panel);
  return Panel;
}
