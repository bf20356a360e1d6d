/**
 * One task of a parallel run (`--workers N`): generate rows `[from, to)` of
 * an entity and, when every format can seek, format them into the bytes a
 * single stream would write for those rows. Generation Workers run tasks,
 * and so does the main thread between writes. Since row *i* is a pure
 * function of (seed, entity, *i*), no thread needs another's state.
 *
 * @module
 */
import type { World } from "./engine.ts";
import { entityBatches, entitySchemaOf } from "./batches.ts";
import { PluginError } from "./errors.ts";
import type { Plan } from "./compile.ts";
import type { Chunk, EntitySchema, FormatterStream } from "./types.ts";

/** A task: rows `[from, to)` of an entity, in batches of the plan's size. */
export interface GenTask {
  /** Answers are matched by it. */
  readonly id: number;
  /** The entity. */
  readonly entity: string;
  /** First row (a batch boundary of the run). */
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

const encoder = new TextEncoder();

/**
 * Runs tasks against one plan. It keeps the formatter streams of the last
 * entity it formatted: a stream is moved to a task's first row with `seek`,
 * whose state is a function of the row alone, so it is created (and its
 * opening computed) once per entity, not once per task.
 *
 * @example
 * ```ts
 * import { prepare } from "./gen.ts";
 * import { World } from "./engine.ts";
 * import { TaskRunner } from "./gen_task.ts";
 * const plan = await prepare("quickstart", { formats: ["csv"] });
 * const runner = new TaskRunner(plan, new World(plan));
 * const [batch] = await runner.run({
 *   id: 0, entity: "customers", from: 0, to: 10, full: false, format: true,
 *   layout: "per-entity", fileEntities: ["customers"],
 * });
 * batch!.chunks![0]!.length > 0; // true: rows 0–9 as CSV, no header
 * ```
 */
export class TaskRunner {
  #key = "";
  #streams: FormatterStream[] = [];

  /**
   * @param plan The plan (the same as the main thread's).
   * @param world Its engines.
   */
  constructor(readonly plan: Plan, readonly world: World) {}

  /**
   * Makes a task's rows.
   *
   * @param task The rows, and what to send back.
   * @returns One result per batch, in row order.
   * @throws {PluginError} When a generator or formatter fails (naming it).
   */
  async run(task: GenTask): Promise<BatchResult[]> {
    const { plan } = this;
    const entity = plan.byName.get(task.entity)!;
    const schema = entitySchemaOf(plan, entity);
    const streams = task.format ? await this.#streamsFor(task, schema) : [];
    const out: BatchResult[] = [];
    for await (
      const { full, out: view } of entityBatches(
        this.world.engine(entity.name),
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
            this.#key = "";
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

  /** The streams of the task's entity and file, at the task's first row. */
  async #streamsFor(task: GenTask, schema: EntitySchema): Promise<FormatterStream[]> {
    const { plan } = this;
    const key = JSON.stringify([task.entity, task.layout, task.fileEntities]);
    if (key !== this.#key) {
      this.#key = "";
      const entities = task.fileEntities.map((n) => entitySchemaOf(plan, plan.byName.get(n)!));
      const streams: FormatterStream[] = [];
      for (const format of plan.formats) {
        try {
          const stream = await format.plugin.create(format.options, {
            scenario: plan.scenario.name,
            layout: task.layout,
            entities,
          });
          // Only the state matters here: the main thread wrote what these return.
          await stream.start?.();
          await stream.beginEntity?.(schema);
          streams.push(stream);
        } catch (e) {
          throw new PluginError(
            { plugin: format.plugin.name, hook: "create", entity: task.entity },
            e,
          );
        }
      }
      this.#streams = streams;
      this.#key = key;
    }
    for (let f = 0; f < this.#streams.length; f++) {
      try {
        this.#streams[f]!.seek!(schema, task.from);
      } catch (e) {
        this.#key = "";
        throw new PluginError({
          plugin: plan.formats[f]!.plugin.name,
          hook: "seek",
          entity: task.entity,
        }, e);
      }
    }
    return this.#streams;
  }
}
