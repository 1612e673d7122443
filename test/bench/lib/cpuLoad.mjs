// How much CPU processes other than this benchmark's (its Node process, which
// also runs the server, and its Chromium) used meanwhile: on a shared 2-core
// machine that is the noise floor of every number in the report.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function processTicks(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return Number(fields[11]) + Number(fields[12]);
}

function parentOf(pid) {
  const stat = read(`/proc/${pid}/stat`);
  return stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : null;
}

/** pids of `roots` and all their descendants. */
function tree(roots) {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const mine = new Set(roots);
  for (const pid of pids) {
    let current = pid;
    for (let depth = 0; current && current > 1 && depth < 64; depth++) {
      if (mine.has(current)) {
        mine.add(pid);
        break;
      }
      current = parentOf(current);
    }
  }
  return [...mine];
}

function snapshot(roots) {
  const cpu = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const mine = tree(roots).reduce((sum, pid) => sum + processTicks(pid), 0);
  return { total, busy: total - idle, mine };
}

/** Starts measuring; stop() returns { foreignCores, ownCores } averaged over the interval. */
export function measureCpu(roots) {
  const start = snapshot(roots);
  return {
    stop() {
      const end = snapshot(roots);
      const total = end.total - start.total;
      if (total <= 0) return { foreignCores: 0, ownCores: 0 };
      const cores = os.cpus().length;
      const own = Math.max(0, end.mine - start.mine);
      const busy = end.busy - start.busy;
      return { foreignCores: (Math.max(0, busy - own) / total) * cores, ownCores: (own / total) * cores };
    },
  };
}
