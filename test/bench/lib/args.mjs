// Command line of `npm run bench` (test/bench/run.mjs).

/** Sizes by name → number of 256×256 uint8 slices of the server's /gen/<k>-<seed>.nii (352 + 65536·k bytes). */
const NAMED_SIZES = new Map([
  ['10', 160],
  ['50', 763],
  ['200', 3052],
  ['1000', 16384],
  ['1024', 16384],
  ['1g', 16384],
  ['1gb', 16384],
]);

export const RATES = {
  unthrottled: null,
  '1 Gbit/s': 125_000_000,
  '100 Mbit/s': 12_500_000,
};

/** The bench's phases, in the order they run for each size (see --phases). */
export const PHASES = ['U', 'X', 'W', 'S', 'T'];

export const USAGE = `usage: npm run bench -- [options]

  --sizes 10,50,200,1g  sizes to measure, in MB (10, 50, 200, 1g = 1 GiB; others: MB rounded to 64 KiB slices)
  --runs N              timed runs per case after a warm-up round (default 5; long cases get fewer, see --budget)
  --quick               sizes 10,50, 3 runs, unthrottled only
  --no-throttle         skip the 1 Gbit/s and 100 Mbit/s cases
  --no-experiments      skip the mirror variants (BYOB, coalescing, parallel hash, stall timer)
  --phases U,X,W,S,T    only these phases (U unthrottled cold + limits + peers, X mirror experiments,
                        W warm reads, S service workers, T throttled; default all)
  --budget X            scale the per-phase time budgets (default 1; 2 = twice as many runs for the long cases)
  --help

Writes the Markdown report to stdout and test/bench/results/<timestamp>.md; progress goes to stderr.`;

export function parseArgs(argv) {
  const options = { sizes: ['10', '50', '200', '1g'], runs: 5, throttle: true, experiments: true, budget: 1, quick: false, phases: new Set(PHASES) };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--sizes':
        options.sizes = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
        explicit.add('sizes');
        break;
      case '--runs':
        options.runs = Number(value());
        if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs takes a whole number ≥ 1');
        explicit.add('runs');
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--no-throttle':
        options.throttle = false;
        explicit.add('throttle');
        break;
      case '--no-experiments':
        options.experiments = false;
        break;
      case '--phases': {
        const phases = value().toUpperCase().split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = phases.filter((phase) => !PHASES.includes(phase));
        if (phases.length === 0 || unknown.length > 0) throw new Error(`--phases takes some of ${PHASES.join(',')}`);
        options.phases = new Set(phases);
        break;
      }
      case '--budget':
        options.budget = Number(value());
        if (!(options.budget > 0)) throw new Error('--budget takes a positive number');
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  if (options.quick) {
    if (!explicit.has('sizes')) options.sizes = ['10', '50'];
    if (!explicit.has('runs')) options.runs = 3;
    options.throttle = false;
  }
  options.sizes = [...new Set(options.sizes.map(toSlices))].sort((a, b) => a - b);
  return options;
}

function toSlices(name) {
  const named = NAMED_SIZES.get(name);
  if (named) return named;
  const mb = Number(name.replace(/mb$/, ''));
  if (!(mb > 0)) throw new Error(`--sizes: ${name} is not a size in MB`);
  const slices = Math.round((mb * 1e6) / 65536);
  if (slices < 1 || slices > 32767) throw new Error(`--sizes: ${name} MB is outside 0.07..2147 MB`);
  return slices;
}

export function sizeLabel(slices) {
  const bytes = 352 + 65536 * slices;
  if (slices === 16384) return '1 GB';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
