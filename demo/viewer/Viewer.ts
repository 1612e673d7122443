/** What the demo needs from a renderer: NiiVue, or the 2D fallback. */
export interface Viewer {
  readonly kind: 'niivue' | 'slices';
  /** For the page: which renderer, and on what. */
  readonly description: string;
  /** Shows a volume from a File (the cache's OPFS-backed File). */
  showFile(file: File): Promise<void>;
  /** Shows a volume by URL with the renderer's own loader (a plain fetch(), which the service worker answers). */
  showUrl(url: string): Promise<void>;
  /**
   * Sets the text shown while no volume is drawn (see viewerMessage). A
   * volume already shown stays until the next one replaces it.
   */
  showMessage(text: string): void;
}

/** Resolves after the next frame has been presented, so "time to first render" includes painting. */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}
