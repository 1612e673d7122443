/**
 * The name of a File handed out for a volume: the URL's file name, corrected
 * to say what the bytes are. Viewers (NiiVue, nifti-reader-js users) choose
 * their decoder by extension, so a name must not promise gzip the bytes lack.
 *
 * That happens whenever a server sends a .nii.gz with `Content-Encoding: gzip`
 * (Vite's servers and many static servers do): the browser inflates the
 * transfer, the cache receives and stores the .nii inside it, and a File
 * still called `x.nii.gz` fails in the viewer ("incorrect header check").
 *
 * `compressed` is whether the stored bytes are gzip (from the NIfTI check),
 * or null when unknown (`expect: 'any'`): then the URL's name stands.
 */
export function volumeFileName(url: string, compressed: boolean | null): string {
  const name = urlFileName(url);
  if (compressed === false && /\.gz$/i.test(name)) return name.slice(0, -'.gz'.length);
  if (compressed === true && /\.nii$/i.test(name)) return `${name}.gz`;
  return name;
}

/**
 * The last path segment, percent-decoded, made safe to use as a name: an
 * application may save the File under it, so `%2F..%2F` must not decode to
 * a path (`../../etc/passwd.nii`). Separators and control characters become
 * `_`; a name that is only dots, or empty, is `volume`.
 */
function urlFileName(url: string): string {
  let name: string;
  try {
    const segments = new URL(url).pathname.split('/');
    name = decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    return 'volume';
  }
  const safe = name.replace(/[/\\\u0000-\u001f\u007f]/g, '_');
  return /^\.*$/.test(safe) ? 'volume' : safe;
}
