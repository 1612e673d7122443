import { fileURLToPath } from 'node:url';

/** The repository root (with trailing slash), wherever the checkout lives. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Sample NIfTI data, kept beside the repository rather than in it (see its README.md). */
export const sharedDataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
