import { decodeNifti } from './decodeNifti';
import { middleSlices, type Slice } from './middleSlices';
import { percentileWindow, type IntensityWindow } from './percentileWindow';
import { afterNextPaint, type Viewer } from './Viewer';
import { viewerMessage } from './viewerMessage';

const BACKGROUND = '#101418';
const LABEL = '#e6edf3';

/**
 * The fallback renderer for browsers without WebGL2: three orthogonal middle
 * slices on a 2D canvas, decoded with nifti-reader-js and windowed at the
 * 2nd–98th percentile of the three slices together.
 */
export function createSliceViewer(canvas: HTMLCanvasElement, reason: string): Viewer {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser has neither WebGL2 nor a 2D canvas.');
  let slices: Slice[] = [];
  let window: IntensityWindow = { min: 0, max: 1 };
  let message = viewerMessage(null);

  const draw = (): void => {
    const ratio = globalThis.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    canvas.height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (slices.length === 0) {
      // As NiiVue does: the message in the middle of an empty canvas.
      context.fillStyle = LABEL;
      context.font = `${16 * ratio}px system-ui, sans-serif`;
      context.textAlign = 'center';
      context.fillText(message, canvas.width / 2, canvas.height / 2, canvas.width - 16 * ratio);
      context.textAlign = 'start';
      return;
    }
    const gap = 8 * ratio;
    const labelHeight = 18 * ratio;
    const cellWidth = (canvas.width - gap * (slices.length + 1)) / slices.length;
    const cellHeight = canvas.height - gap * 2 - labelHeight;
    slices.forEach((slice, index) => {
      const physicalWidth = slice.width * slice.pixelSize[0];
      const physicalHeight = slice.height * slice.pixelSize[1];
      const scale = Math.min(cellWidth / physicalWidth, cellHeight / physicalHeight);
      const width = physicalWidth * scale;
      const height = physicalHeight * scale;
      const left = gap + index * (cellWidth + gap) + (cellWidth - width) / 2;
      const top = gap + labelHeight + (cellHeight - height) / 2;
      context.imageSmoothingEnabled = true;
      context.drawImage(sliceBitmap(slice, window), left, top, width, height);
      context.fillStyle = LABEL;
      context.font = `${13 * ratio}px system-ui, sans-serif`;
      context.fillText(slice.label, gap + index * (cellWidth + gap), gap + 13 * ratio);
    });
  };

  const show = async (buffer: ArrayBuffer): Promise<void> => {
    const decoded = decodeNifti(buffer);
    slices = middleSlices(decoded.grid);
    const all = new Float32Array(slices.reduce((sum, slice) => sum + slice.values.length, 0));
    let offset = 0;
    for (const slice of slices) {
      all.set(slice.values, offset);
      offset += slice.values.length;
    }
    window = percentileWindow(all);
    draw();
    await afterNextPaint();
  };

  new ResizeObserver(() => draw()).observe(canvas);
  draw();

  return {
    kind: 'slices',
    description: `2D slices (${reason})`,
    showFile: async (file) => show(await file.arrayBuffer()),
    async showUrl(url) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${url}`);
      await show(await response.arrayBuffer());
    },
    showMessage(text) {
      message = text;
      if (slices.length === 0) draw();
    },
  };
}

/** The slice as grey pixels on a canvas of its own size, top row = highest v. */
function sliceBitmap(slice: Slice, { min, max }: IntensityWindow): HTMLCanvasElement {
  const bitmap = document.createElement('canvas');
  bitmap.width = slice.width;
  bitmap.height = slice.height;
  const pixels = new ImageData(slice.width, slice.height);
  const scale = 255 / (max - min);
  for (let v = 0; v < slice.height; v++) {
    const row = slice.height - 1 - v;
    for (let u = 0; u < slice.width; u++) {
      const value = slice.values[v * slice.width + u]!;
      const grey = Number.isFinite(value) ? Math.max(0, Math.min(255, (value - min) * scale)) : 0;
      const at = (row * slice.width + u) * 4;
      pixels.data[at] = grey;
      pixels.data[at + 1] = grey;
      pixels.data[at + 2] = grey;
      pixels.data[at + 3] = 255;
    }
  }
  bitmap.getContext('2d')!.putImageData(pixels, 0, 0);
  return bitmap;
}
