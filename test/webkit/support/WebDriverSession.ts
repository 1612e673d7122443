/**
 * A minimal W3C WebDriver (classic, HTTP) client: just what the WebKit smoke
 * run needs (new session, navigate, execute async script, delete session).
 * Every command carries its own timeout: a WebKitWebDriver session whose
 * browser died, or never started, answers nothing, ever.
 */

/** What one WebDriver command may take before it is abandoned (and the session with it). */
export interface CommandTimeouts {
  newSessionMs: number;
  navigateMs: number;
  deleteMs: number;
}

export class WebDriverError extends Error {
  override name = 'WebDriverError';
}

/** A page function that threw: its error, as the page saw it. */
interface PageError {
  name: string;
  message: string;
  code: string | null;
  stack: string | null;
}

type ScriptOutcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

export class WebDriverSession {
  /** Set once a command timed out: the browser is in an unknown state, so nothing else is sent. */
  private broken: string | null = null;

  private constructor(
    private readonly origin: string,
    readonly id: string,
    readonly capabilities: Record<string, unknown>,
    private readonly timeouts: CommandTimeouts,
  ) {}

  static async create(origin: string, capabilities: Record<string, unknown>, timeouts: CommandTimeouts): Promise<WebDriverSession> {
    const value = (await command(origin, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, timeouts.newSessionMs)) as {
      sessionId: string;
      capabilities: Record<string, unknown>;
    };
    return new WebDriverSession(origin, value.sessionId, value.capabilities, timeouts);
  }

  async navigate(url: string): Promise<void> {
    await this.send('POST', '/url', { url }, this.timeouts.navigateMs);
  }

  /**
   * Runs `fn(arg)` in the page and resolves with its (JSON-serialisable)
   * result; rejects with the page's error if it threw. `fn` is sent as source
   * text: it must not use anything from the test file's scope.
   */
  async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A, timeoutMs: number): Promise<R> {
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve(arguments[0]).then(${fn.toString()}).then(
  (value) => done({ ok: true, value: value === undefined ? null : value }),
  (error) => done({ ok: false, error: {
    name: String(error && error.name), message: String(error && error.message),
    code: error && typeof error.code === 'string' ? error.code : null, stack: error && error.stack ? String(error.stack) : null } }));`;
    // The session's own script timeout is larger (see launchWebKit.ts), so this one fires first.
    const outcome = (await this.send('POST', '/execute/async', { script, args: [arg ?? null] }, timeoutMs)) as ScriptOutcome<R>;
    if (outcome.ok) return outcome.value;
    const { name, message, code, stack } = outcome.error;
    throw new Error(`page function threw ${name}${code ? ` (code ${code})` : ''}: ${message}${stack ? `\n${stack}` : ''}`);
  }

  /** Ends the session; never throws (the processes are killed afterwards anyway). */
  async delete(): Promise<void> {
    if (this.broken) return;
    await command(this.origin, 'DELETE', `/session/${this.id}`, undefined, this.timeouts.deleteMs).catch(() => undefined);
  }

  private async send(method: string, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    if (this.broken) throw new WebDriverError(`WebDriver session unusable: ${this.broken}`);
    try {
      return await command(this.origin, method, `/session/${this.id}${path}`, body, timeoutMs);
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') this.broken = `${method} ${path} timed out`;
      throw error;
    }
  }
}

/** One WebDriver HTTP command; resolves with its `value`, rejects with the driver's error or a TimeoutError. */
export async function command(origin: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${origin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      const timeout = new WebDriverError(`WebDriver ${method} ${path}: no answer within ${timeoutMs / 1000} s`);
      timeout.name = 'TimeoutError';
      throw timeout;
    }
    throw error;
  }
  const text = await response.text();
  let parsed: { value?: unknown };
  try {
    parsed = JSON.parse(text) as { value?: unknown };
  } catch {
    throw new WebDriverError(`WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 500)}`);
  }
  if (!response.ok) {
    const { error, message } = (parsed.value ?? {}) as { error?: string; message?: string };
    throw new WebDriverError(`WebDriver ${method} ${path}: ${error ?? response.status}: ${message ?? text.slice(0, 500)}`);
  }
  return parsed.value;
}
