// Resident memory of one Chromium's processes, from Linux /proc, for the
// bench's "peak RSS over baseline during the cold download" numbers. Same
// approach as test/browser/support/processMemory.ts (which Node 20 cannot
// import: it is TypeScript): find the browser process by its
// --user-data-dir, its descendants by ppid, and read VmRSS / VmHWM.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

function allPids() {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Chromium's zygote children rewrite their title into one space-separated string: split on NUL and space. */
function commandLine(pid) {
  return (readProc(pid, 'cmdline') ?? '').split(/[\0 ]/).filter((arg) => arg.length > 0);
}

function parentPid(pid) {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

export function findBrowserProcess(userDataDir) {
  const candidates = allPids().filter((pid) => {
    const args = commandLine(pid);
    return args.includes(`--user-data-dir=${userDataDir}`) && !args.some((arg) => arg.startsWith('--type='));
  });
  if (candidates.length !== 1) throw new Error(`expected one browser process for ${userDataDir}, found ${JSON.stringify(candidates)}`);
  return candidates[0];
}

function descendsFrom(pid, ancestor) {
  let current = pid;
  for (let depth = 0; current !== null && current > 1 && depth < 64; depth++) {
    if (current === ancestor) return true;
    current = parentPid(current);
  }
  return false;
}

/** The browser process and its descendants, labelled by --type (and the utility sub-type). */
export function chromiumProcesses(browserPid) {
  const found = [{ pid: browserPid, kind: 'browser' }];
  for (const pid of allPids()) {
    if (pid === browserPid || !descendsFrom(pid, browserPid)) continue;
    const args = commandLine(pid);
    const type = args.find((arg) => arg.startsWith('--type='))?.slice(7);
    if (!type) continue;
    const sub = args.find((arg) => arg.startsWith('--utility-sub-type='))?.slice(19);
    found.push({ pid, kind: sub ? `${type}:${sub.replace(/\.mojom\..*$/, '')}` : type });
  }
  return found;
}

function statusBytes(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

function readMemory(pid) {
  const status = readProc(pid, 'status');
  if (status === null) return null;
  return { rss: statusBytes(status, 'VmRSS'), hwm: statusBytes(status, 'VmHWM') };
}

/** Resets VmHWM to the current RSS (clear_refs 5); false where the kernel refuses. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches the given processes: baseline RSS, VmHWM reset, RSS sampled every
 * `intervalMs`; stop() returns each one's peak growth over its baseline, and
 * the peak of the renderer+browser sum sampled at the same instants.
 */
export function watchMemory(processes, intervalMs = 50) {
  const watched = processes
    .map(({ pid, kind }) => {
      const memory = readMemory(pid);
      return memory && { pid, kind, baseline: memory.rss, sampledPeak: memory.rss, peakWasReset: resetPeak(pid) };
    })
    .filter(Boolean);
  const counted = watched.filter((w) => w.kind === 'browser' || w.kind === 'renderer');
  const baselineSum = counted.reduce((sum, w) => sum + w.baseline, 0);
  let sumPeak = baselineSum;
  let samples = 0;
  const sample = () => {
    let sum = 0;
    for (const w of watched) {
      const memory = readMemory(w.pid);
      if (!memory) continue;
      w.sampledPeak = Math.max(w.sampledPeak, memory.rss);
      if (counted.includes(w)) sum += memory.rss;
    }
    sumPeak = Math.max(sumPeak, sum);
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const processesReport = watched.map((w) => {
        const hwm = readMemory(w.pid)?.hwm ?? w.sampledPeak;
        const peak = w.peakWasReset ? Math.max(hwm, w.sampledPeak) : w.sampledPeak;
        return { pid: w.pid, kind: w.kind, baseline: w.baseline, peak, growth: peak - w.baseline, peakWasReset: w.peakWasReset };
      });
      return { processes: processesReport, rendererBrowserSumGrowth: sumPeak - baselineSum, samples };
    },
  };
}
