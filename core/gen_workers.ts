/**
 * A pool of generation Workers (`--workers N`) on the main thread's side:
 * starts them with the run's scenario and options, hands tasks to those
 * that are loaded and not too busy, and gives the answers back as promises.
 * The Workers load while the main thread already works; a Worker takes
 * tasks once it is ready.
 *
 * @module
 */
import { FabricateError, PluginError } from "./errors.ts";
import type { PrepareOptions } from "./gen.ts";
import type { BatchResult, GenTask } from "./gen_task.ts";
import type { WorkerFailure, WorkerReply, WorkerRequest } from "./gen_worker.ts";

const WORKER_URL = new URL("./gen_worker.ts", import.meta.url).href;

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** Tasks sent and not answered. */
  busy: number;
}

function rebuild(f: WorkerFailure): Error {
  if (f.site) return new PluginError(f.site, new Error(f.cause ?? f.message));
  return new FabricateError(f.message, f.exitCode);
}

/**
 * Generation Workers, each with its own copy of the scenario.
 *
 * @example
 * ```ts ignore
 * const pool = GenWorkers.start(1, "customers-10", { counts: { customers: 100_000 } });
 * await pool.changed(); // a Worker is ready (or failed: pool.failure)
 * const batches = await pool.offer({ entity: "customers", from: 0, to: 10_000, ... }, 2);
 * pool.close();
 * ```
 */
export class GenWorkers {
  readonly #slots: Slot[];
  readonly #pending = new Map<
    number,
    { resolve: (b: BatchResult[]) => void; reject: (e: unknown) => void; slot: Slot }
  >();
  #nextId = 0;
  #closed: Error | undefined;
  #wake: (() => void) | undefined;
  #changed: Promise<void> | undefined;

  private constructor(count: number) {
    this.#slots = Array.from({ length: count }, () => ({
      worker: new Worker(WORKER_URL, { type: "module" }),
      ready: false,
      busy: 0,
    }));
  }

  /** How many Workers there are. */
  get size(): number {
    return this.#slots.length;
  }

  /** How many Workers have loaded the scenario. */
  get ready(): number {
    return this.#slots.filter((s) => s.ready).length;
  }

  /** Why the pool stopped (a Worker failed, or it was closed), if it did. */
  get failure(): Error | undefined {
    return this.#closed;
  }

  /**
   * Starts `count` Workers, each loading the scenario; does not wait for them.
   *
   * @param count How many.
   * @param input The scenario (path, built-in name or object), as given to `gen`.
   * @param options The plan options (plain data only: no registry, signal or callbacks).
   * @param builtins fabricate's own plugin modules the plan uses (deno.json's names);
   *   `undefined`: all of them (the plan is not known yet).
   * @returns The pool, its Workers loading.
   */
  static start(
    count: number,
    input: string | Record<string, unknown>,
    options: PrepareOptions,
    builtins: readonly string[] | undefined,
  ): GenWorkers {
    const pool = new GenWorkers(count);
    for (const slot of pool.#slots) {
      slot.worker.onmessage = (e: MessageEvent<WorkerReply>) => pool.#answer(slot, e.data);
      slot.worker.onerror = (e) => {
        e.preventDefault();
        pool.#fail(
          new FabricateError(
            `A generation Worker failed${slot.ready ? "" : " to start"}: ${e.message}`,
            1,
          ),
        );
      };
      slot.worker.postMessage({ type: "init", input, options, builtins } satisfies WorkerRequest);
    }
    return pool;
  }

  /**
   * Resolves at the next change: a Worker became ready or answered, or the
   * pool failed.
   *
   * @returns A promise of the change.
   */
  changed(): Promise<void> {
    this.#changed ??= new Promise<void>((resolve) => {
      this.#wake = () => {
        this.#changed = undefined;
        this.#wake = undefined;
        resolve();
      };
    });
    return this.#changed;
  }

  /**
   * Sends a task to the least busy ready Worker that has fewer than `depth`
   * tasks, if there is one.
   *
   * @param task The rows to make (its id is assigned here).
   * @param depth Tasks a Worker may hold at once.
   * @returns The batches, in row order; `undefined` when no Worker may take it now.
   */
  offer(task: Omit<GenTask, "id">, depth: number): Promise<BatchResult[]> | undefined {
    if (this.#closed) return Promise.reject(this.#closed);
    let slot: Slot | undefined;
    for (const s of this.#slots) {
      if (s.ready && s.busy < depth && (!slot || s.busy < slot.busy)) slot = s;
    }
    if (!slot) return undefined;
    const id = this.#nextId++;
    slot.busy++;
    const promise = new Promise<BatchResult[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
    });
    slot.worker.postMessage({ type: "task", id, ...task } satisfies WorkerRequest);
    return promise;
  }

  /**
   * Stops every Worker now; pending tasks fail with `reason`.
   *
   * @param reason Why (default: the pool was closed).
   */
  close(reason?: unknown): void {
    this.#fail(
      reason instanceof Error ? reason : new FabricateError("The generation Workers stopped", 1),
    );
  }

  #answer(slot: Slot, reply: WorkerReply): void {
    if (reply.type === "ready") {
      slot.ready = true;
      this.#wake?.();
      return;
    }
    if (reply.id === undefined) {
      if (reply.type === "error") this.#fail(rebuild(reply.error));
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    slot.busy--;
    if (reply.type === "done") pending.resolve(reply.batches);
    else pending.reject(rebuild(reply.error));
    this.#wake?.();
  }

  #fail(error: Error): void {
    if (!this.#closed) {
      this.#closed = error;
      for (const slot of this.#slots) slot.worker.terminate();
    }
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(error);
    }
    this.#wake?.();
  }
}
