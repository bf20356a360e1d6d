/**
 * The host side of one sandboxed plugin module: its Worker, created with
 * exactly the permissions decided for it, and a request/answer channel with
 * a time limit on every call. A Worker that crashes, stops itself or hangs
 * fails every pending call at once, and is terminated.
 *
 * @module
 */
import { FabricateError } from "../errors.ts";
import type { Answer, RemoteError, Request } from "./protocol.ts";
import { SYNC } from "./protocol.ts";

const BOOTSTRAP = new URL("./worker_main.ts", import.meta.url).href;

/** Default limit on one call into a sandboxed plugin. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Default limit, in MB, on fabricate's resident memory while a sandboxed
 * call runs (`--plugin-memory`). Below V8's own heap limit, so a plugin that
 * allocates without bound is stopped before it can abort the process.
 */
export const DEFAULT_MEMORY_MB = 2048;

/** How often the memory is looked at while a call runs. */
const MEMORY_POLL_MS = 20;

/**
 * A call into a sandboxed plugin that did not succeed: the plugin threw
 * (`remote` is its error), or its Worker hung or went away.
 *
 * @example
 * ```ts
 * import { SandboxFailure } from "./plugin_worker.ts";
 * const e = new SandboxFailure("boom", { name: "Error", message: "boom", row: 3 });
 * e.remote?.row; // 3
 * ```
 */
export class SandboxFailure extends Error {
  /**
   * @param message What happened, in the plugin's words when it threw.
   * @param remote The plugin's own error, when it threw one.
   */
  constructor(message: string, readonly remote?: RemoteError) {
    super(message);
    this.name = remote?.name ?? "SandboxFailure";
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Started when the call is the oldest pending one: the Worker answers in order. */
  timer?: ReturnType<typeof setTimeout>;
  /** This call's time limit, when it is not the Worker's per-call limit. */
  limitMs?: number;
}

/**
 * One plugin module running in its own Worker.
 *
 * @example
 * ```ts ignore
 * const worker = new PluginWorker("./dice.ts", { read: ["/plugins"] }, 30_000);
 * const metas = await worker.call({ op: "load", url, sync: worker.syncBuffer });
 * worker.terminate();
 * ```
 */
export class PluginWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #sync = (() => {
    const buffer = new SharedArrayBuffer(SYNC.size);
    new Int32Array(buffer)[SYNC.row] = -1;
    return buffer;
  })();
  #nextId = 1;
  #dead: string | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;

  /**
   * Starts the Worker.
   *
   * @param source The plugin's source as written (for messages).
   * @param permissions The Worker's Deno permissions.
   * @param timeoutMs The limit on each call, in milliseconds.
   * @param memoryMb The limit on the process's resident memory while a call runs, in MB.
   * @throws {FabricateError} When Deno refuses to create the Worker.
   */
  constructor(
    readonly source: string,
    readonly permissions: Deno.PermissionOptionsObject,
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
    readonly memoryMb: number = DEFAULT_MEMORY_MB,
  ) {
    try {
      this.#worker = new Worker(BOOTSTRAP, {
        type: "module",
        name: `fabricate plugin ${source}`,
        deno: { permissions },
      });
    } catch (e) {
      const message = (e as Error).message;
      throw new FabricateError(
        `Cannot start a sandbox for plugin "${source}": ${message}` +
          (/unstable|worker-options/i.test(message)
            ? '\n  hint: sandboxes need Deno\'s "worker-options" feature: add "unstable": ["worker-options"] to deno.json or run deno with --unstable-worker-options'
            : "\n  hint: fabricate can only give a plugin permissions it has itself"),
        2,
        { cause: e },
      );
    }
    this.#worker.addEventListener("message", (e) => this.#answer(e.data as Answer));
    this.#worker.addEventListener("error", (e) => {
      e.preventDefault();
      this.#fail(`its worker crashed: ${e.message}`);
    });
    this.#worker.addEventListener("messageerror", () => {
      this.#fail("its worker sent a message that could not be read");
    });
  }

  /** The shared buffer synchronous answers are written to (sent with `load`). */
  get syncBuffer(): SharedArrayBuffer {
    return this.#sync;
  }

  /** Why the Worker is gone, or undefined while it runs. */
  get dead(): string | undefined {
    return this.#dead;
  }

  /**
   * Sends a request and waits for its answer.
   *
   * @param request The request.
   * @param transfer Buffers to move rather than copy.
   * @param limitMs This call's time limit (default: the per-call limit).
   * @returns What the Worker answered.
   * @throws {SandboxFailure} When the plugin threw, or the Worker hung or went away.
   */
  call<T>(request: Request, transfer: Transferable[] = [], limitMs?: number): Promise<T> {
    if (this.#dead) return Promise.reject(new SandboxFailure(this.#dead));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        ...(limitMs === undefined ? {} : { limitMs }),
      });
      this.#startClock();
      try {
        this.#worker.postMessage({ id, ...request }, transfer);
      } catch (e) {
        clearTimeout(this.#pending.get(id)?.timer);
        this.#pending.delete(id);
        this.#startClock();
        reject(new SandboxFailure(`cannot send the request: ${(e as Error).message}`));
      }
    });
  }

  /**
   * Sends a request and blocks until the Worker answers through shared
   * memory. Used where the kernel needs an answer synchronously (checking a
   * plugin's options with its own zod schema); cheap, but it blocks the
   * thread, so only for small, quick calls.
   *
   * @param request The request.
   * @returns What the Worker answered.
   * @throws {SandboxFailure} When the Worker hung or is gone.
   */
  callSync<T>(request: Request): T {
    if (this.#dead) throw new SandboxFailure(this.#dead);
    const words = new Int32Array(this.#sync);
    Atomics.store(words, SYNC.state, 0);
    this.#worker.postMessage({ id: 0, ...request });
    const outcome = Atomics.wait(words, SYNC.state, 0, this.timeoutMs);
    if (outcome === "timed-out") {
      this.#timeout();
      throw new SandboxFailure(this.#dead!);
    }
    const length = Atomics.load(words, SYNC.length);
    // Copy out of shared memory: TextDecoder does not read shared buffers.
    const bytes = new Uint8Array(length);
    bytes.set(new Uint8Array(this.#sync, SYNC.offset, length));
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  }

  /**
   * Stops the Worker; pending calls fail.
   *
   * @param reason Why, for pending calls' errors.
   */
  terminate(reason = "its worker was stopped"): void {
    if (!this.#dead) this.#fail(reason);
  }

  /**
   * Stops the Worker at once because the user interrupted the run (Ctrl-C):
   * a plugin stuck in a loop never reads messages, so it is not asked.
   * Pending calls fail naming the row the plugin was working on.
   */
  interrupt(): void {
    if (!this.#dead) this.#fail("interrupted");
  }

  #answer(answer: Answer): void {
    if (answer?.id === -1) {
      this.#fail(`its worker stopped: ${(answer as { crash: string }).crash}`);
      return;
    }
    const pending = this.#pending.get(answer?.id);
    if (!pending) {
      // Only answers to pending requests are read: a Worker that sends
      // anything else (a flood) is stopped before its messages pile up.
      this.#fail("its worker sent a message fabricate did not ask for, so it was stopped");
      return;
    }
    this.#pending.delete(answer.id);
    clearTimeout(pending.timer);
    this.#startClock();
    if ("error" in answer) {
      pending.reject(new SandboxFailure(answer.error.message, answer.error));
    } else pending.resolve((answer as { ok: unknown }).ok);
  }

  /**
   * Times the oldest pending call only: calls queued behind it (a batch asked
   * for ahead of time) wait for it without using up their own limit.
   */
  #startClock(): void {
    this.#watchMemory();
    const oldest = this.#pending.values().next().value;
    if (oldest && oldest.timer === undefined) {
      const limit = oldest.limitMs ?? this.timeoutMs;
      oldest.timer = setTimeout(() => this.#timeout(limit), limit);
    }
  }

  /**
   * While calls are pending, watches the process's resident memory from the
   * host (a Worker shares the process, and Deno gives Workers no memory limit
   * of their own): over the limit, the Worker is stopped.
   */
  #watchMemory(): void {
    if (this.#pending.size === 0 || this.#dead) {
      clearInterval(this.#watch);
      this.#watch = undefined;
      return;
    }
    this.#watch ??= setInterval(() => {
      const mb = Deno.memoryUsage().rss / (1 << 20);
      if (mb > this.memoryMb) {
        this.#fail(
          `fabricate's memory reached ${
            Math.round(mb)
          } MB while it ran (limit ${this.memoryMb} MB), ` +
            `so its worker was stopped (allocating without bound?); raise the limit with --plugin-memory`,
        );
      }
    }, MEMORY_POLL_MS);
  }

  #timeout(limitMs = this.timeoutMs): void {
    const s = limitMs / 1000;
    this.#fail(
      `did not answer within ${s} s, so its worker was stopped (stuck in a loop?); ` +
        `raise the limit with --plugin-timeout or "pluginTimeout" in deno.json`,
    );
  }

  #fail(reason: string): void {
    if (this.#dead) return;
    this.#dead = reason;
    this.#worker.terminate();
    clearInterval(this.#watch);
    this.#watch = undefined;
    // The row a generator was stuck on, written by the Worker before each value().
    const busy = Atomics.load(new Int32Array(this.#sync), SYNC.row);
    const remote = busy >= 0 ? { name: "SandboxFailure", message: reason, row: busy } : undefined;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new SandboxFailure(reason, remote));
      this.#pending.delete(id);
    }
  }
}
