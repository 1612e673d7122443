import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Memory of a Chromium's renderer processes, read from Linux /proc. Used to
 * prove a download streams: a renderer whose resident memory never grows by
 * anything like the file's size did not hold the file's bytes.
 */

export interface ProcessMemory {
  pid: number;
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since start (or since resetPeak), bytes. */
  hwm: number;
}

/** Reads a /proc file; null if the process has gone (or is not ours to read). */
function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/**
 * Command-line arguments of a process. /proc separates them with NULs, but
 * Chromium's zygote children rewrite their title into one space-separated
 * string, so split on both (the flags looked for here hold no spaces).
 */
function commandLine(pid: number): string[] {
  return (readProc(pid, 'cmdline') ?? '').split(/[\0 ]/).filter((arg) => arg.length > 0);
}

/** Parent pid from /proc/<pid>/stat; the command name may hold spaces and parentheses, so parse after the last ')'. */
function parentPid(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state, ppid, ...
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/** The Chromium browser process started on this profile (its command line has --user-data-dir=<dir>, and it is not a child type). */
export function findBrowserProcess(userDataDir: string): number {
  const candidates = allPids().filter((pid) => {
    const args = commandLine(pid);
    return args.includes(`--user-data-dir=${userDataDir}`) && !args.some((arg) => arg.startsWith('--type='));
  });
  if (candidates.length !== 1) throw new Error(`expected one browser process for ${userDataDir}, found ${JSON.stringify(candidates)}`);
  return candidates[0]!;
}

function descendsFrom(pid: number, ancestor: number): boolean {
  let current: number | null = pid;
  for (let depth = 0; current !== null && current > 1 && depth < 64; depth++) {
    if (current === ancestor) return true;
    current = parentPid(current);
  }
  return false;
}

/** Renderer processes (--type=renderer) descending from the browser process. */
export function rendererProcesses(browserPid: number): number[] {
  return allPids().filter((pid) => commandLine(pid).includes('--type=renderer') && descendsFrom(pid, browserPid));
}

function statusKilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]) * 1024;
}

export function readMemory(pid: number): ProcessMemory | null {
  const status = readProc(pid, 'status');
  if (status === null) return null;
  return { pid, rss: statusKilobytes(status, 'VmRSS'), hwm: statusKilobytes(status, 'VmHWM') };
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs); false where the kernel refuses. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface RendererMemoryReport {
  pid: number;
  /** RSS when watching started. */
  baseline: number;
  /** Highest RSS seen by sampling. */
  sampledPeak: number;
  /** VmHWM when watching stopped (peak since the reset, or since process start if the reset was refused). */
  hwm: number;
  /** Whether VmHWM was reset at the start, i.e. whether `hwm` covers only the watched interval. */
  peakWasReset: boolean;
  /** Largest growth over the baseline, from the sampled peak and (if it was reset) VmHWM. */
  growth: number;
  samples: number;
}

/**
 * Watches every renderer of a browser: baseline RSS, VmHWM reset, and RSS
 * sampled every `intervalMs` until stop(). Renderers that appear meanwhile
 * are picked up with their first sample as baseline.
 */
export function watchRendererMemory(browserPid: number, intervalMs = 50): { stop(): RendererMemoryReport[] } {
  const watched = new Map<number, { baseline: number; sampledPeak: number; peakWasReset: boolean; samples: number }>();
  const sample = (): void => {
    for (const pid of rendererProcesses(browserPid)) {
      const memory = readMemory(pid);
      if (!memory) continue;
      let state = watched.get(pid);
      if (!state) {
        state = { baseline: memory.rss, sampledPeak: memory.rss, peakWasReset: resetPeak(pid), samples: 0 };
        watched.set(pid, state);
      }
      state.sampledPeak = Math.max(state.sampledPeak, memory.rss);
      state.samples++;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      const reports: RendererMemoryReport[] = [];
      for (const [pid, state] of watched) {
        const memory = readMemory(pid);
        const hwm = memory?.hwm ?? state.sampledPeak;
        const peak = state.peakWasReset ? Math.max(hwm, state.sampledPeak) : state.sampledPeak;
        reports.push({ pid, baseline: state.baseline, sampledPeak: state.sampledPeak, hwm, peakWasReset: state.peakWasReset, growth: peak - state.baseline, samples: state.samples });
      }
      return reports;
    },
  };
}
