/**
 * The body of a generation Worker (`--workers N`). It loads the same
 * scenario with the same options and plugins as the main thread, builds its
 * own {@linkcode World} and answers tasks: generate rows `[from, to)` of an
 * entity and, when every format can seek, format them into the bytes a
 * single stream would write for those rows. Since row *i* is a pure function
 * of (seed, entity, *i*), no Worker needs another's state.
 *
 * Protocol: see {@linkcode WorkerRequest} and {@linkcode WorkerReply}.
 *
 * @module
 */
import { prepare, type PrepareOptions } from "./gen.ts";
import { World } from "./engine.ts";
import { entityBatches, entitySchemaOf } from "./batches.ts";
import { FabricateError, PluginError } from "./errors.ts";
import type { Plan } from "./compile.ts";
import type { Chunk, FormatterStream } from "./types.ts";

/** A task: rows `[from, to)` of an entity, in batches of the plan's size. */
export interface GenTask {
  /** Answers are matched by it. */
  readonly id: number;
  /** The entity. */
  readonly entity: string;
  /** First row. */
  readonly from: number;
  /** One past the last row. */
  readonly to: number;
  /** Send every field's column (validators run on the main thread). */
  readonly full: boolean;
  /** Format the rows (every format can seek); otherwise send the output columns. */
  readonly format: boolean;
  /** The file's layout and the entities it holds, as the main thread set them up. */
  readonly layout: Plan["layout"];
  /** The entities of the file, in write order. */
  readonly fileEntities: readonly string[];
}

/** What the main thread sends. */
export type WorkerRequest =
  | {
    readonly type: "init";
    readonly input: string | Record<string, unknown>;
    readonly options: PrepareOptions;
  }
  | ({ readonly type: "task" } & GenTask);

/** One batch of a task's answer. */
export interface BatchResult {
  /** First row. */
  readonly start: number;
  /** Rows. */
  readonly length: number;
  /** Bytes per format (plan order), when formatted. */
  readonly chunks?: Uint8Array[];
  /** Every field's column (generation order), when asked for or not formatted. */
  readonly full?: unknown[][];
}

/** A failure, as plain data. */
export interface WorkerFailure {
  readonly message: string;
  readonly exitCode: number;
  readonly site?: PluginError["site"];
  readonly cause?: string;
}

/** What a Worker answers. */
export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly id: number; readonly batches: BatchResult[] }
  | { readonly type: "error"; readonly id?: number; readonly error: WorkerFailure };

const encoder = new TextEncoder();

/** The parts of a Worker's global scope this module uses. */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

/**
 * Turns an error into data the main thread can rebuild.
 *
 * @param e What was thrown.
 * @returns The failure.
 * @example
 * ```ts
 * import { describeFailure } from "./gen_worker.ts";
 * describeFailure(new Error("boom")).message; // "boom"
 * ```
 */
export function describeFailure(e: unknown): WorkerFailure {
  if (e instanceof PluginError) {
    const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
    return { message: e.message, exitCode: e.exitCode, site: e.site, cause };
  }
  if (e instanceof FabricateError) return { message: e.message, exitCode: e.exitCode };
  return { message: e instanceof Error ? e.message : String(e), exitCode: 1 };
}

let ready: Promise<{ plan: Plan; world: World }> | undefined;
// Tasks run one at a time, in the order they came.
let queue: Promise<void> = Promise.resolve();

async function runTask(task: GenTask): Promise<BatchResult[]> {
  const { plan, world } = await ready!;
  const entity = plan.byName.get(task.entity)!;
  const schema = entitySchemaOf(plan, entity);
  const streams: FormatterStream[] = [];
  if (task.format) {
    const entities = task.fileEntities.map((n) => entitySchemaOf(plan, plan.byName.get(n)!));
    for (const format of plan.formats) {
      const site = { plugin: format.plugin.name, entity: entity.name };
      try {
        const stream = await format.plugin.create(format.options, {
          scenario: plan.scenario.name,
          layout: task.layout,
          entities,
        });
        // Only the state matters here: the main thread wrote what these return.
        await stream.start?.();
        await stream.beginEntity?.(schema);
        stream.seek!(schema, task.from);
        streams.push(stream);
      } catch (e) {
        throw new PluginError({ ...site, hook: "create" }, e);
      }
    }
  }
  const out: BatchResult[] = [];
  for await (
    const { full, out: view } of entityBatches(
      world.engine(entity.name),
      plan.batchSize,
      task.from,
      task.to,
    )
  ) {
    let chunks: Uint8Array[] | undefined;
    if (task.format) {
      chunks = [];
      for (let f = 0; f < streams.length; f++) {
        let chunk: Chunk | void;
        try {
          chunk = await streams[f]!.write(view, schema);
        } catch (e) {
          throw new PluginError({
            plugin: plan.formats[f]!.plugin.name,
            hook: "write",
            entity: entity.name,
            row: view.start,
          }, e);
        }
        chunks.push(
          chunk === undefined
            ? new Uint8Array(0)
            : typeof chunk === "string"
            ? encoder.encode(chunk)
            : chunk,
        );
      }
    }
    out.push({
      start: full.start,
      length: full.length,
      ...(chunks ? { chunks } : {}),
      ...(task.full || !task.format ? { full: full.columns as unknown[][] } : {}),
    });
  }
  return out;
}

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === "init") {
    ready = prepare(request.input, request.options).then((plan) => ({
      plan,
      world: new World(plan),
    }));
    ready.then(
      () => reply({ type: "ready" }),
      (e) => reply({ type: "error", error: describeFailure(e) }),
    );
    return;
  }
  queue = queue.then(async () => {
    try {
      const batches = await runTask(request);
      const transfer = new Set(batches.flatMap((b) => (b.chunks ?? []).map((c) => c.buffer)));
      reply({ type: "done", id: request.id, batches }, [...transfer] as ArrayBuffer[]);
    } catch (e) {
      reply({ type: "error", id: request.id, error: describeFailure(e) });
    }
  });
};
