/**
 * A pool of generation Workers (`--workers N`) on the main thread's side:
 * starts them with the run's scenario and options, hands out row ranges and
 * gives the answers back as promises the caller awaits in row order.
 *
 * @module
 */
import { FabricateError, PluginError } from "./errors.ts";
import type { PrepareOptions } from "./gen.ts";
import type {
  BatchResult,
  GenTask,
  WorkerFailure,
  WorkerReply,
  WorkerRequest,
} from "./gen_worker.ts";

const WORKER_URL = new URL("./gen_worker.ts", import.meta.url).href;

interface Slot {
  readonly worker: Worker;
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
 * const pool = await GenWorkers.start(2, "customers-10", { counts: { customers: 100_000 } });
 * const batches = await pool.run({ entity: "customers", from: 0, to: 10_000, ... });
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

  private constructor(count: number) {
    this.#slots = Array.from({ length: count }, () => ({
      worker: new Worker(WORKER_URL, { type: "module" }),
      busy: 0,
    }));
  }

  /** How many Workers there are. */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * Starts `count` Workers and waits until each has loaded the scenario.
   *
   * @param count How many.
   * @param input The scenario (path, built-in name or object), as given to `gen`.
   * @param options The plan options (plain data only: no registry, signal or callbacks).
   * @returns The ready pool.
   */
  static async start(
    count: number,
    input: string | Record<string, unknown>,
    options: PrepareOptions,
  ): Promise<GenWorkers> {
    const pool = new GenWorkers(count);
    try {
      await Promise.all(pool.#slots.map((slot) =>
        new Promise<void>((resolve, reject) => {
          slot.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
            if (e.data.type === "ready") resolve();
            else if (e.data.type === "error") reject(rebuild(e.data.error));
          };
          slot.worker.onerror = (e) => {
            e.preventDefault();
            reject(new FabricateError(`A generation Worker failed to start: ${e.message}`, 1));
          };
          slot.worker.postMessage({ type: "init", input, options } satisfies WorkerRequest);
        })
      ));
    } catch (e) {
      pool.close();
      throw e;
    }
    for (const slot of pool.#slots) {
      slot.worker.onmessage = (e: MessageEvent<WorkerReply>) => pool.#answer(slot, e.data);
      slot.worker.onerror = (e) => {
        e.preventDefault();
        pool.#fail(new FabricateError(`A generation Worker failed: ${e.message}`, 1));
      };
    }
    return pool;
  }

  /**
   * Sends a task to the least busy Worker.
   *
   * @param task The rows to make (its id is assigned here).
   * @returns The batches, in row order.
   */
  run(task: Omit<GenTask, "id">): Promise<BatchResult[]> {
    if (this.#closed) return Promise.reject(this.#closed);
    const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
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
    if (reply.type === "ready") return;
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
  }
}
