import { formatSize } from '../formatTransfer';

/** A load in progress, as the viewer's message describes it. */
export interface LoadInProgress {
  name: string;
  /** Bytes downloaded so far; 0 before the first progress report (and for a hit, which reports none). */
  loaded: number;
  total: number | null;
  /** The bytes are all here and the renderer is decoding and drawing them. */
  inHand: boolean;
}

/**
 * What the viewer shows where no volume is drawn yet: which volume is on its
 * way and how far it is, so a clinician who clicked one never reads "Choose
 * a volume" during its download (GitHub issue 16). Plain ASCII: NiiVue draws
 * it with its own bitmap font, which has no "…".
 */
export function viewerMessage(load: LoadInProgress | null): string {
  if (!load) return 'Choose a volume';
  if (load.inHand || (load.total !== null && load.loaded >= load.total)) return `Opening ${load.name}...`;
  if (load.total !== null && load.total > 0) return `Loading ${load.name}... ${Math.floor((load.loaded / load.total) * 100)}%`;
  if (load.loaded > 0) return `Loading ${load.name}... ${formatSize(load.loaded)}`;
  return `Loading ${load.name}...`;
}
