import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { command, WebDriverSession } from './WebDriverSession';
import { resolveWebKitBinaries, type WebKitBinaries } from '../../support/webkit.mjs';

/**
 * Starts WebKitGTK for one describe block: a private Xvfb display, WebKitWebDriver
 * on a free port, and a browser session through it. Every step has a
 * deadline, and close() (or this process exiting) kills all three process
 * groups, so a browser that dies at start fails the run instead of hanging it.
 */

/** The storage features the GTK port ships switched off (MiniBrowser --features identifiers). */
export const STORAGE_FEATURES = ['FileSystem', 'FileSystemWritableStream', 'AccessHandle', 'StorageAPI', 'StorageAPIEstimate'] as const;

export type WebKitBrowserKind =
  /** Debian's MiniBrowser --automation: the port as shipped (ephemeral profile, default features). */
  | { kind: 'minibrowser' }
  /** webkitLauncher.py: a persistent profile with these features switched on. */
  | { kind: 'persistent'; features: readonly string[] };

export interface WebKitBrowser {
  navigate(url: string): Promise<void>;
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A, timeoutMs?: number): Promise<R>;
  /** Quits the browser and starts it again on the same profile (persistent kind only), on about:blank. */
  restart(): Promise<void>;
  /** The last lines Xvfb, the driver and the browser printed (console messages included); with a mark() value, those printed since. */
  output(since?: number): string;
  /** A mark for output(): how many lines have been printed so far. */
  mark(): number;
  close(): Promise<void>;
}

/** Deadlines. Starting takes about 0.5 s here; these are for a loaded shared machine. */
const DISPLAY_TIMEOUT_MS = 10_000;
const DRIVER_READY_TIMEOUT_MS = 10_000;
const DRIVER_START_ATTEMPTS = 3;
const NEW_SESSION_TIMEOUT_MS = 30_000;
const NAVIGATE_TIMEOUT_MS = 30_000;
const DELETE_SESSION_TIMEOUT_MS = 5_000;
const EXIT_TIMEOUT_MS = 5_000;
const DEFAULT_EVALUATE_TIMEOUT_MS = 60_000;
/** The session's own script timeout: above every evaluate() deadline, so ours always fires first. */
const SESSION_SCRIPT_TIMEOUT_MS = 300_000;
const OUTPUT_LINES_KEPT = 300;
/** coreutils' stdbuf: line-buffered stdout for the browser and the processes it starts. */
const STDBUF = '/usr/bin/stdbuf';

/**
 * Process groups still running, killed if this process ends without close().
 * They are groups of their own (so close() can kill a browser's whole tree),
 * which also keeps a Ctrl-C in the terminal from reaching them: this process
 * passes it on, then dies of it as it would have.
 */
const liveGroups = new Set<number>();
/** Their temporary directories (profiles), removed with them. */
const liveRunDirs = new Set<string>();
const killLiveGroups = () => {
  for (const pgid of liveGroups) killGroup(pgid);
  for (const dir of liveRunDirs) rmSync(dir, { recursive: true, force: true });
  liveGroups.clear();
  liveRunDirs.clear();
};
process.on('exit', killLiveGroups);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

class OutputLog {
  private readonly lines: string[] = [];
  /** Lines pushed so far, dropped ones included. */
  total = 0;

  follow(label: string, stream: Readable | null): void {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.push(`[${label}] ${line}`);
    });
  }

  push(line: string): void {
    this.lines.push(line);
    this.total++;
    if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.shift();
  }

  /** The kept lines pushed after the first `mark` lines. */
  since(mark: number): string {
    return this.lines.slice(Math.max(0, this.lines.length - (this.total - mark))).join('\n');
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/** Spawns `file` as the leader of its own process group, so killing the group takes its children (browser, web processes) too. */
function spawnGroup(file: string, args: string[], env: NodeJS.ProcessEnv, log: OutputLog, label: string, extraFds = 0): ChildProcess {
  const child = spawn(file, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...Array<'pipe'>(extraFds).fill('pipe')] });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  log.follow(label, child.stdout);
  log.follow(label, child.stderr);
  child.on('exit', (code, signal) => log.push(`[${label}] exited (${signal ?? code})`));
  child.on('error', (error) => log.push(`[${label}] ${error.message}`));
  return child;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child.pid);
  liveGroups.delete(child.pid);
  await Promise.race([exited, sleep(EXIT_TIMEOUT_MS)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms`, naming `what`. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Xvfb picks a free display itself (-displayfd) and writes its number on fd 3: no clash with other runs on the machine. */
async function startXvfb(xvfb: string, log: OutputLog, started: ChildProcess[]): Promise<string> {
  const child = spawnGroup(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'], process.env, log, 'Xvfb', 1);
  started.push(child);
  const display = new Promise<string>((resolve, reject) => {
    let text = '';
    const fd3 = child.stdio[3] as Readable;
    fd3.setEncoding('utf8');
    fd3.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    child.once('exit', () => reject(new Error('Xvfb exited before opening a display')));
  });
  return deadline(display, DISPLAY_TIMEOUT_MS, 'Xvfb start');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitForDriver(origin: string, driver: ChildProcess): Promise<void> {
  const until = Date.now() + DRIVER_READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (driver.exitCode !== null || driver.signalCode !== null) throw new Error('WebKitWebDriver exited at start');
    const ready = await command(origin, 'GET', '/status', undefined, 2_000).then(
      (value) => (value as { ready?: boolean }).ready === true,
      () => false,
    );
    if (ready) return;
    await sleep(100);
  }
  throw new Error(`WebKitWebDriver did not answer /status within ${DRIVER_READY_TIMEOUT_MS / 1000} s`);
}

let resolved: WebKitBinaries | undefined;

export async function launchWebKit(browser: WebKitBrowserKind): Promise<WebKitBrowser> {
  const binaries = (resolved ??= resolveWebKitBinaries());
  const log = new OutputLog();
  const xvfbStop: ChildProcess[] = [];
  // HOME-like directories of this run only, so GTK and WebKit write nothing to the user's; the persistent profile too.
  const runDir = await mkdtemp(join(tmpdir(), 'volume-cache-webkit-'));
  liveRunDirs.add(runDir);
  const profileDir = browser.kind === 'persistent' ? join(runDir, 'profile') : null;
  // The running driver (whose process group holds the browser and its web and network processes) and its session.
  let driver: ChildProcess | null = null;
  let session: WebDriverSession | null = null;

  const stopBrowser = async () => {
    await session?.delete();
    if (driver) await stopGroup(driver);
    driver = null;
    session = null;
  };
  const close = async () => {
    await stopBrowser();
    for (const child of xvfbStop) await stopGroup(child);
    await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
    liveRunDirs.delete(runDir);
  };

  const browserCommand =
    browser.kind === 'minibrowser'
      ? [binaries.miniBrowser, '--automation', '--enable-write-console-messages-to-stdout=true']
      : [binaries.python, binaries.launcher, `--profile=${profileDir}`, `--features=${browser.features.map((name) => `+${name}`).join(',')}`, '--automation'];
  // Under stdbuf, so the web process's console lines reach the log as they are printed, not when a 4 KiB buffer fills.
  const browserOptions = { binary: STDBUF, args: ['-oL', '-eL', ...browserCommand] };

  let env: NodeJS.ProcessEnv = process.env;
  /** Starts WebKitWebDriver on a free port; resolves with its origin. */
  const startDriver = async (): Promise<string> => {
    // The port is free when picked, but another process on this shared machine may take it before the driver binds it.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const started = spawnGroup(binaries.driver, [`--port=${port}`], env, log, 'driver');
      driver = started;
      try {
        await waitForDriver(origin, started);
        return origin;
      } catch (error) {
        await stopGroup(started);
        if (attempt === DRIVER_START_ATTEMPTS) throw error;
      }
    }
  };
  const startBrowser = async (): Promise<WebDriverSession> => {
    const origin = await startDriver();
    session = await deadline(
      WebDriverSession.create(
        origin,
        { 'webkitgtk:browserOptions': browserOptions, timeouts: { script: SESSION_SCRIPT_TIMEOUT_MS, pageLoad: NAVIGATE_TIMEOUT_MS } },
        { newSessionMs: NEW_SESSION_TIMEOUT_MS, navigateMs: NAVIGATE_TIMEOUT_MS + 5_000, deleteMs: DELETE_SESSION_TIMEOUT_MS },
      ),
      NEW_SESSION_TIMEOUT_MS + 1_000,
      `WebDriver new session (${browserCommand[0]})`,
    );
    return session;
  };
  /** Runs a start-up step; on failure kills everything started so far and adds the output to the error. */
  const orCleanUp = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      await close();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`WebKit did not start: ${message}\nOutput of Xvfb, WebKitWebDriver and the browser:\n${log}`, { cause: error });
    }
  };

  let active = await orCleanUp(async () => {
    const display = await startXvfb(binaries.xvfb, log, xvfbStop);
    for (const dir of ['runtime', 'config', 'cache', 'data']) await mkdir(join(runDir, dir), { mode: 0o700 });
    env = {
      ...process.env,
      DISPLAY: display,
      XDG_RUNTIME_DIR: join(runDir, 'runtime'),
      XDG_CONFIG_HOME: join(runDir, 'config'),
      XDG_CACHE_HOME: join(runDir, 'cache'),
      XDG_DATA_HOME: join(runDir, 'data'),
      // No accessibility bus to wait for.
      NO_AT_BRIDGE: '1',
    };
    return startBrowser();
  });

  return {
    navigate: (url) => active.navigate(url),
    evaluate: (fn, arg, timeoutMs = DEFAULT_EVALUATE_TIMEOUT_MS) => active.evaluate(fn, arg, timeoutMs),
    restart: async () => {
      if (!profileDir) throw new Error('restart() needs a persistent profile: MiniBrowser --automation forgets everything');
      await stopBrowser();
      active = await orCleanUp(startBrowser);
    },
    output: (since = 0) => log.since(since),
    mark: () => log.total,
    close,
  };
}
