/** Messages to and from derived.worker.ts. Type-only. */
export interface ToDerivedWorker {
  url: string;
  size: number;
}

export type FromDerivedWorker =
  | { ok: true; voxelSha256: string; dims: number[]; png: Blob; hasOffscreenCanvas: boolean }
  | { ok: false; name: string; code?: string; message: string };
