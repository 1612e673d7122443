import { buildNiftiHeader } from '../../unit/derived/support/buildNiftiFile';

/**
 * Large synthetic .nii.gz volumes for the benchmark, gzipped in the browser
 * with CompressionStream. Two shapes, so both ends of real compressibility are
 * covered: an int16 "head" with noise (like structural MRI, ratio about 3:1)
 * and a uint8 label map (like a segmentation, ratio over 100:1).
 */
export interface GeneratedVolume {
  name: string;
  blob: Blob;
  decompressedBytes: number;
}

const SIDE = 256;
const CHUNK_SLICES = 8;

function slicesFor(totalMiB: number, bytesPerVoxel: number): number {
  return Math.max(1, Math.round((totalMiB * 2 ** 20) / (SIDE * SIDE * bytesPerVoxel)));
}

/** Bytes of one slice at depth z (of `slices`), in little-endian order. */
type SliceWriter = (z: number, slices: number, out: Uint8Array, random: () => number) => void;

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function insideHead(x: number, y: number, z: number, slices: number): number {
  // An ellipsoid filling most of the field of view; > 0 inside.
  const dx = (x - SIDE / 2) / 100;
  const dy = (y - SIDE / 2) / 120;
  const dz = (z - slices / 2) / (slices / 2.2);
  return 1 - (dx * dx + dy * dy + dz * dz);
}

const writeHeadSlice: SliceWriter = (z, slices, out, random) => {
  const values = new Int16Array(out.buffer, out.byteOffset, SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const inside = insideHead(x, y, z, slices);
      const noise = random();
      values[y * SIDE + x] = inside > 0 ? 600 + Math.round(300 * Math.sin(x / 9) * Math.cos(y / 11 + z / 17)) + (noise & 31) - 16 : noise & 3;
    }
  }
};

const writeLabelSlice: SliceWriter = (z, slices, out) => {
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      out[y * SIDE + x] = insideHead(x, y, z, slices) > 0 ? 1 + (((x >> 5) + (y >> 5) + (z >> 4)) % 4) : 0;
    }
  }
};

async function gzipVolume(name: string, datatypeCode: number, bitPix: number, totalMiB: number, writeSlice: SliceWriter): Promise<GeneratedVolume> {
  const bytesPerVoxel = bitPix / 8;
  const slices = slicesFor(totalMiB, bytesPerVoxel);
  const header = buildNiftiHeader({ dims: [SIDE, SIDE, slices], datatypeCode, bitPix, description: `generated ${name}` });
  const sliceBytes = SIDE * SIDE * bytesPerVoxel;
  const random = xorshift(0x5eed);
  let z = 0;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(header);
    },
    pull(controller) {
      if (z >= slices) {
        controller.close();
        return;
      }
      const count = Math.min(CHUNK_SLICES, slices - z);
      const chunk = new Uint8Array(count * sliceBytes);
      for (let i = 0; i < count; i++, z++) writeSlice(z, slices, chunk.subarray(i * sliceBytes, (i + 1) * sliceBytes), random);
      controller.enqueue(chunk);
    },
  });
  const blob = await new Response(source.pipeThrough(new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)).blob();
  return { name, blob, decompressedBytes: header.byteLength + slices * sliceBytes };
}

export function generateHeadVolume(totalMiB: number): Promise<GeneratedVolume> {
  return gzipVolume(`generated int16 head ${totalMiB} MiB`, 4, 16, totalMiB, writeHeadSlice);
}

export function generateLabelVolume(totalMiB: number): Promise<GeneratedVolume> {
  return gzipVolume(`generated uint8 labels ${totalMiB} MiB`, 2, 8, totalMiB, writeLabelSlice);
}
