/**
 * An entity's batches made by several threads (`--workers N`): the
 * generation Workers and the main thread itself, given back in row order.
 * The rows are cut into tasks at the batch boundaries of a one-thread run;
 * each Worker holds a few tasks, and the main thread, between writes, makes
 * the next task itself rather than wait. Only the tasks between the next
 * one to write and the last one handed out are in memory.
 *
 * @module
 */
import type { CompiledEntity, Plan } from "./compile.ts";
import type { GenWorkers } from "./gen_workers.ts";
import type { BatchResult, GenTask, TaskRunner } from "./gen_task.ts";
import type { Batch } from "./types.ts";

/** A batch ready to check and write: validators' view, and bytes or the output view. */
export interface ReadyBatch {
  /** First row. */
  readonly start: number;
  /** Rows. */
  readonly length: number;
  /** Every field (when validators need it). */
  readonly full?: Batch;
  /** Formatted bytes per format (otherwise `out` is formatted here). */
  readonly chunks?: Uint8Array[];
  /** The output fields (when columns were shipped). */
  readonly out?: Batch;
}

/** What {@linkcode parallelBatches} works with. */
export interface ParallelSetup {
  /** The Workers (some may still be loading). */
  readonly pool: GenWorkers;
  /** The main thread's own runner; without it, the main thread only writes. */
  readonly local?: TaskRunner;
  /** The plan (batch size, formats). */
  readonly plan: Plan;
  /** The entity. */
  readonly entity: CompiledEntity;
  /** First row. */
  readonly from: number;
  /** One past the last row. */
  readonly to: number;
  /** Format the rows where they are made (every open stream can seek). */
  readonly format: boolean;
  /** The run's layout. */
  readonly layout: Plan["layout"];
  /** The entities the run writes (a file of layout single holds them all). */
  readonly entities: readonly CompiledEntity[];
  /** Ship every column back (validators or the report read them). */
  readonly columns: boolean;
}

/** Tasks a Worker holds at once: one it works on, one waiting, so it never idles. */
const DEPTH = 3;

/**
 * A task holds whole batches, about `TASK_ROWS` rows at most (one batch at
 * the default batch size): messages stay few with small batches, and the
 * last task of an entity, which the other threads may wait for, stays short.
 */
const TASK_ROWS = 10_000;

/** Tasks per thread at least, when batches allow: the threads share the work evenly. */
const TASKS_PER_THREAD = 16;

/**
 * How many batches each task of an entity holds.
 *
 * @param batchSize Rows per batch.
 * @param batches The entity's batches (in this run).
 * @param threads The threads making rows.
 * @returns Batches per task (at least 1).
 * @example
 * ```ts
 * import { batchesPerTask } from "./parallel_batches.ts";
 * batchesPerTask(10_000, 100, 2); // 1: tasks of one batch at the default size
 * batchesPerTask(1_000, 1_000, 2); // 10: about 10,000 rows a task
 * batchesPerTask(37, 14, 2); // 1: a small entity, many short tasks
 * batchesPerTask(37, 320, 2); // 10: still 16 tasks a thread
 * ```
 */
export function batchesPerTask(batchSize: number, batches: number, threads: number): number {
  const byRows = Math.floor(TASK_ROWS / batchSize);
  const byShare = Math.floor(batches / (threads * TASKS_PER_THREAD));
  return Math.max(1, Math.min(byRows, byShare));
}

/**
 * An entity's rows `[from, to)`, made by the Workers and the main thread,
 * in row order and at the batch boundaries of a one-thread run.
 *
 * @param setup The pool, the main thread's runner, the entity and its rows.
 * @returns The batches, in row order.
 * @throws The first failure of a task (a Worker's error, rebuilt) or of the pool.
 * @example
 * ```ts ignore
 * for await (const b of parallelBatches({ pool, local, plan, entity, from: 0, to, ... })) {
 *   await writer.writeChunks(b.chunks!);
 * }
 * ```
 */
export async function* parallelBatches(setup: ParallelSetup): AsyncGenerator<ReadyBatch> {
  const { pool, local, plan, entity, from, to } = setup;
  const fields = entity.fields.map((f) => f.name);
  const outFields = entity.outputs.map((f) => f.name);
  const index = new Map(fields.map((f, i) => [f, i]));
  const outIndex = outFields.map((f) => index.get(f)!);
  const fileEntities = setup.layout === "single"
    ? setup.entities.map((e) => e.name)
    : [entity.name];
  // Columns come back when validators or the report read them.
  const full = entity.rules.length > 0 || setup.columns;
  const threads = pool.size + (local ? 1 : 0);
  const batches = Math.ceil((to - from) / plan.batchSize);
  const step = plan.batchSize * batchesPerTask(plan.batchSize, batches, threads);
  const count = Math.ceil((to - from) / step);
  const task = (i: number): Omit<GenTask, "id"> => ({
    entity: entity.name,
    from: from + i * step,
    to: Math.min(from + (i + 1) * step, to),
    full,
    format: setup.format,
    layout: setup.layout,
    fileEntities,
  });
  // Tasks handed out and not yet written: every Worker's, and the main thread's one.
  const window = pool.size * (DEPTH + 1) + 4;
  const slots: { value?: BatchResult[]; promise?: Promise<unknown> }[] = [];
  let next = 0;
  let head = 0;
  const mayClaim = () => next < count && next - head < window;
  const feed = () => {
    while (mayClaim() && !pool.failure) {
      const p = pool.offer(task(next), DEPTH);
      if (!p) return;
      const slot: (typeof slots)[number] = {};
      slot.promise = p.then((v) => (slot.value = v));
      slot.promise.catch(() => {}); // awaited in order below; an early failure must not go unhandled
      slots[next++] = slot;
    }
  };
  const turn = local ? eventLoopTurn() : undefined;
  try {
    while (head < count) {
      if (pool.failure) throw pool.failure;
      feed();
      const slot = slots[head];
      if (slot?.value) {
        const done = slot.value;
        slots[head++] = {};
        for (const b of done) yield ready(b);
        continue;
      }
      if (local && mayClaim()) {
        // Let the Workers' messages in first: the next batch to write may be among them,
        // or a Worker may have become ready for more.
        await turn!.next();
        if (pool.failure) throw pool.failure;
        feed();
        if (slots[head]?.value || !mayClaim()) continue;
        const i = next++;
        slots[i] = { value: await local.run({ ...task(i), id: -1 }) };
        continue;
      }
      if (slot) await Promise.race([slot.promise, pool.changed()]);
      else await pool.changed();
    }
  } finally {
    turn?.close();
  }

  function ready(b: BatchResult): ReadyBatch {
    const batch = (names: string[], columns: unknown[][]): Batch => ({
      entity: entity.name,
      start: b.start,
      length: b.length,
      fields: names,
      columns,
    });
    return {
      start: b.start,
      length: b.length,
      ...(b.full
        ? {
          full: batch(fields, b.full),
          out: batch(outFields, outIndex.map((i) => b.full![i]!)),
        }
        : {}),
      ...(b.chunks ? { chunks: b.chunks } : {}),
    };
  }
}

/**
 * Waits for one turn of the event loop, so that messages from Workers are
 * delivered, at the cost of a message to itself (a timer would wait ≥ 1 ms).
 */
function eventLoopTurn(): { next(): Promise<void>; close(): void } {
  const channel = new MessageChannel();
  let wake: (() => void) | undefined;
  channel.port1.onmessage = () => wake?.();
  return {
    next: () =>
      new Promise<void>((resolve) => {
        wake = resolve;
        channel.port2.postMessage(0);
      }),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
}
