import { resolveChromium } from '../support/chromium.mjs';
import { packTarball } from './packTarball.mjs';

/** Packs the package once per run; every fixture app copies the extracted result. */
export default function setup(): void {
  // Fail the run up front, with the fix, rather than in every fixture.
  resolveChromium();
  packTarball();
}
