import { Niivue, NVImage } from '@niivue/niivue';
import { afterNextPaint, type Viewer } from './Viewer';
import { viewerMessage } from './viewerMessage';

/** NiiVue on WebGL2: the three planes plus a 3D rendering when there is room. */
export async function createNiivueViewer(canvas: HTMLCanvasElement, gpu: string): Promise<Viewer> {
  const niivue = new Niivue({
    backColor: [0.063, 0.078, 0.094, 1],
    show3Dcrosshair: false,
    isResizeCanvas: true,
    dragAndDropEnabled: false,
    logLevel: 'error',
    // Shown while no volume is drawn (NiiVue's default says "loading ..."); showMessage changes it.
    loadingText: viewerMessage(null),
  });
  await niivue.attachToCanvas(canvas);
  niivue.setSliceType(niivue.sliceTypeMultiplanar);

  const replaceWith = async (image: NVImage): Promise<void> => {
    for (const old of [...niivue.volumes]) niivue.removeVolume(old);
    niivue.addVolume(image);
    niivue.setSliceType(niivue.sliceTypeMultiplanar);
    niivue.drawScene();
    await afterNextPaint();
  };

  return {
    kind: 'niivue',
    description: `NiiVue on WebGL2 (${gpu})`,
    // NVImage.loadFromFile reads the OPFS-backed File straight from disk.
    showFile: async (file) => replaceWith(await NVImage.loadFromFile({ file, name: file.name })),
    async showUrl(url) {
      // NiiVue's own URL loader: a plain fetch() that the service worker answers.
      await niivue.loadVolumes([{ url }]);
      niivue.setSliceType(niivue.sliceTypeMultiplanar);
      await afterNextPaint();
    },
    showMessage(text) {
      niivue.opts.loadingText = text;
      // NiiVue draws the text only with no volume; redrawing one mid-load is not needed.
      if (niivue.volumes.length === 0) niivue.drawScene();
    },
  };
}
