import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteSource } from './byteSource.ts';
import { fixedLastModified } from './fixedLastModified.ts';

interface ManifestEntry {
  file: string;
  sha256: string;
}

interface Manifest {
  files: ManifestEntry[];
  bad?: ManifestEntry[];
}

const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const digestCache = new Map<string, Promise<string>>();

/**
 * A file of the shared data set (`nifti/<name>` or `bad/<name>`), or undefined
 * if there is no such file. The ETag is the file's SHA-256 so a test can
 * predict it from manifest.json.
 */
export async function sharedDataFile(
  dataDir: string,
  folder: 'nifti' | 'bad',
  name: string,
): Promise<ByteSource | undefined> {
  if (!SAFE_FILE_NAME.test(name)) return undefined;
  const relativePath = `${folder}/${name}`;
  const path = join(dataDir, relativePath);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const sha256 = manifestDigests(dataDir).get(relativePath) ?? (await fileDigest(path));
  return {
    size: info.size,
    etag: `"${sha256}"`,
    lastModified: fixedLastModified,
    chunks: (start, endInclusive) =>
      createReadStream(path, { start, end: endInclusive, highWaterMark: 1 << 20 }),
  };
}

let manifestCache: { dataDir: string; digests: Map<string, string> } | undefined;

function manifestDigests(dataDir: string): Map<string, string> {
  if (manifestCache?.dataDir !== dataDir) {
    const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8')) as Manifest;
    const entries = [...manifest.files, ...(manifest.bad ?? [])];
    manifestCache = { dataDir, digests: new Map(entries.map((entry) => [entry.file, entry.sha256])) };
  }
  return manifestCache.digests;
}

function fileDigest(path: string): Promise<string> {
  let digest = digestCache.get(path);
  if (!digest) {
    digest = new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => hash.update(chunk))
        .on('end', () => resolve(hash.digest('hex')))
        .on('error', reject);
    });
    digestCache.set(path, digest);
  }
  return digest;
}
