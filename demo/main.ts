import { isOfflineShellWarmup } from './warmOfflineShell';
import { startDemo } from './startDemo';

// Static imports on purpose: the hidden warm-up frame (see warmOfflineShell)
// must load the demo's whole module graph, and then do nothing else.
if (!isOfflineShellWarmup()) await startDemo();
