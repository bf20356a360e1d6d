/**
 * fabricate: realistic, reproducible, relational mock data from a
 * declarative scenario.
 *
 * This module is the library API: generate batches in memory, take rows as
 * test fixtures, run a whole generation into files, and write plugins.
 *
 * @example Fixtures inside a test
 * ```ts
 * import { fixture } from "./mod.ts";
 * const [customer] = await fixture("quickstart", "customers", { seed: 1, count: 1 });
 * console.log(customer?.email);
 * ```
 *
 * @module
 */
import { prepare, type PrepareOptions } from "./core/gen.ts";
import { World } from "./core/engine.ts";
import { entityBatches } from "./core/batches.ts";
import { UsageError } from "./core/errors.ts";
import { didYouMean } from "./core/did_you_mean.ts";
import type { Batch } from "./core/types.ts";

export { definePlugin } from "./core/define_plugin.ts";
/**
 * zod, as fabricate uses it: plugins that describe their options with this
 * `z` need no import map entry and never mix two zod copies.
 */
export { z } from "zod";
export { type LoadedScenario, loadScenario } from "./core/load_scenario.ts";
export {
  gen,
  type GenOptions,
  type GenResult,
  Interrupted,
  type Manifest,
  prepare,
  type PrepareOptions,
  type ProgressListener,
  VERSION,
} from "./core/gen.ts";
export type { Plan, PlanOptions } from "./core/compile.ts";
/** `--compress gzip|zstd` from code: `gen(s, { compress: { type: "zstd" } })` (docs/formats.md). */
export type { CompressedFile, Compression } from "./core/compress.ts";
/** `--shard I/N` from code: `gen(s, { shard: { index: 0, count: 4 } })` (docs/scale.md). */
export { type Shard, shardRange } from "./core/row_ranges.ts";
/** Generate straight into SQLite, PostgreSQL or MySQL/MariaDB (docs/database-sinks.md). */
export {
  loadInto,
  type LoadOptions as DatabaseLoadOptions,
  type LoadResult,
} from "./plugins/sinks/load.ts";
export {
  builtinRegistry,
  type LoadOptions,
  loadPlugins,
  type Registered,
  Registry,
  registryFor,
  type RegistryOptions,
} from "./core/registry.ts";
export type { PluginGrants, PluginPolicy } from "./core/sandbox/policy.ts";
export {
  FabricateError,
  formatIssue,
  PluginError,
  PluginInputError,
  ScenarioError,
  type ScenarioIssue,
  UsageError,
} from "./core/errors.ts";
export { Random } from "./core/random.ts";
export type { Scenario } from "./core/scenario_schema.ts";
export type * from "./core/types.ts";

/** A row as a plain object, keyed by field name. */
export type Row = Record<string, unknown>;

/** A batch of one entity's rows, with a helper to get them as objects. */
export interface GeneratedBatch extends Batch {
  /** The rows of the batch as objects (allocates; prefer `columns` for speed). */
  rows(): Row[];
}

/** Options of {@linkcode generate}. */
export interface GenerateOptions extends PrepareOptions {
  /** Only these entities (parents are still reachable through refs). */
  only?: string[];
}

/**
 * Generates a scenario in memory, yielding columnar batches entity by
 * entity (parents first). Memory stays flat: nothing is kept between
 * batches.
 *
 * @param scenario A file path, a built-in name or a scenario object.
 * @param options Seed, counts, multiplier, batch size, entities.
 * @returns The batches.
 * @example Stream a built-in scenario
 * ```ts
 * import { generate } from "./mod.ts";
 * let rows = 0;
 * for await (const batch of generate("quickstart", { counts: { orders: 100 } })) {
 *   rows += batch.length;
 * }
 * ```
 */
export async function* generate(
  scenario: string | Record<string, unknown>,
  options: GenerateOptions = {},
): AsyncGenerator<GeneratedBatch> {
  const plan = await prepare(scenario, options);
  try {
    const world = new World(plan);
    const only = options.only;
    if (only) checkEntities(plan.entities.map((e) => e.name), only);
    for (const entity of plan.entities) {
      if (only && !only.includes(entity.name)) continue;
      for await (const { out } of entityBatches(world.engine(entity.name), plan.batchSize)) {
        yield withRows(out);
      }
    }
  } finally {
    // Sandboxed plugins' Workers would keep the process alive.
    if (!options.registry) plan.registry.close();
  }
}

/** Options of {@linkcode fixture}. */
export interface FixtureOptions extends PrepareOptions {
  /** How many rows (default: the entity's count). */
  count?: number;
  /** The first row index (default 0): take other rows with the same seed. */
  start?: number;
}

/**
 * Rows of one entity as plain objects: fresh, reproducible test data in one
 * line. Only the requested rows are generated (random access), whatever
 * the entity's count.
 *
 * @param scenario A file path, a built-in name or a scenario object.
 * @param entity The entity.
 * @param options `seed`, `count`, `start` and other overrides.
 * @returns The rows.
 * @example
 * ```ts
 * import { fixture } from "./mod.ts";
 * const orders = await fixture("quickstart", "orders", { seed: 7, count: 3, start: 100 });
 * console.log(orders.length); // 3
 * ```
 */
export async function fixture(
  scenario: string | Record<string, unknown>,
  entity: string,
  options: FixtureOptions = {},
): Promise<Row[]> {
  const plan = await prepare(scenario, options);
  try {
    checkEntities(plan.entities.map((e) => e.name), [entity]);
    const engine = new World(plan).engine(entity);
    const start = options.start ?? 0;
    const count = Math.max(
      0,
      Math.min(options.count ?? engine.entity.count, engine.entity.count - start),
    );
    // A unique-by-retry field depends on the rows before it: replay them.
    const from = engine.entity.fields.some((f) => f.uniqueByRetry) ? 0 : start;
    const rows: Row[] = [];
    for await (const { out } of entityBatches(engine, plan.batchSize, from, start + count)) {
      for (const row of withRows(out).rows()) rows.push(row);
    }
    return rows.slice(start - from);
  } finally {
    if (!options.registry) plan.registry.close();
  }
}

function withRows(batch: Batch): GeneratedBatch {
  return {
    ...batch,
    rows() {
      const out: Row[] = new Array(batch.length);
      for (let k = 0; k < batch.length; k++) {
        const row: Row = {};
        for (let c = 0; c < batch.fields.length; c++) row[batch.fields[c]!] = batch.columns[c]![k];
        out[k] = row;
      }
      return out;
    },
  };
}

function checkEntities(names: string[], wanted: string[]): void {
  for (const name of wanted) {
    if (!names.includes(name)) {
      throw new UsageError(`Unknown entity "${name}"`, didYouMean(name, names, "entities"));
    }
  }
}
