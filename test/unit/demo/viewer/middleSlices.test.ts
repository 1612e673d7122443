import { describe, expect, it } from 'vitest';
import { middleSlices } from '../../../../demo/viewer/middleSlices';

describe('middleSlices (demo 2D fallback)', () => {
  // Voxel value encodes its position: i + 10 j + 100 k.
  const grid = { size: [4, 3, 5] as [number, number, number], spacing: [1, 2, 3] as [number, number, number], read: (index: number) => {
    const i = index % 4;
    const j = Math.floor(index / 4) % 3;
    const k = Math.floor(index / 12);
    return i + 10 * j + 100 * k;
  } };

  it('cuts axial, coronal and sagittal planes through the middle voxel', () => {
    const [axial, coronal, sagittal] = middleSlices(grid);
    expect(axial).toMatchObject({ label: 'Axial', width: 4, height: 3, pixelSize: [1, 2] });
    expect([...axial!.values]).toEqual([200, 201, 202, 203, 210, 211, 212, 213, 220, 221, 222, 223]);
    expect(coronal).toMatchObject({ label: 'Coronal', width: 4, height: 5, pixelSize: [1, 3] });
    expect(coronal!.values[4 * 2 + 3]).toBe(3 + 10 + 200);
    expect(sagittal).toMatchObject({ label: 'Sagittal', width: 3, height: 5, pixelSize: [2, 3] });
    expect(sagittal!.values[3 * 4 + 2]).toBe(2 + 20 + 400);
  });
});
