#!/usr/bin/env node
// `npm run bench`: the side-by-side benchmark (run.mjs, which takes the
// arguments), then, unless --quick, time to ready voxels and encryption
// (readyAndEncrypted.mjs). Exits with the first failure.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const script = (name) => fileURLToPath(new URL(name, import.meta.url));
const run = (name, extra) => spawnSync(process.execPath, [script(name), ...extra], { stdio: 'inherit' }).status ?? 1;

let status = run('./run.mjs', args);
if (status === 0 && !args.includes('--quick') && !args.includes('--help')) {
  const runs = args.includes('--runs') ? ['--runs', args[args.indexOf('--runs') + 1]] : [];
  status = run('./readyAndEncrypted.mjs', runs);
}
process.exit(status);
