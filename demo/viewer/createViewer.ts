import { createNiivueViewer } from './createNiivueViewer';
import { createSliceViewer } from './createSliceViewer';
import type { Viewer } from './Viewer';

/**
 * NiiVue when the browser has WebGL2, the 2D slice fallback otherwise (or
 * when `prefer2d`). Headless Chromium with --disable-gpu still has WebGL2
 * through SwiftShader, a software rasteriser, so NiiVue runs there too;
 * Chromium with --disable-3d-apis (or a GPU blocklist) gets the fallback.
 */
export async function createViewer(canvas: HTMLCanvasElement, prefer2d: boolean): Promise<{ viewer: Viewer; canvas: HTMLCanvasElement }> {
  const gpu = webgl2Renderer();
  if (prefer2d) return { viewer: createSliceViewer(canvas, 'chosen'), canvas };
  if (gpu === null) return { viewer: createSliceViewer(canvas, 'no WebGL2 in this browser'), canvas };
  try {
    return { viewer: await createNiivueViewer(canvas, gpu), canvas };
  } catch (error) {
    // The canvas may now hold a broken WebGL context: a 2D context needs a fresh one.
    const fresh = canvas.cloneNode() as HTMLCanvasElement;
    canvas.replaceWith(fresh);
    const reason = error instanceof Error ? error.message : String(error);
    return { viewer: createSliceViewer(fresh, `NiiVue failed: ${reason}`), canvas: fresh };
  }
}

/** The WebGL2 renderer's name ("SwiftShader" in headless Chromium), or null without WebGL2. */
function webgl2Renderer(): string | null {
  const probe = document.createElement('canvas');
  const gl = probe.getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader/i.test(name) ? 'SwiftShader, software' : name.replace(/^ANGLE \((.*)\)$/, '$1');
}
