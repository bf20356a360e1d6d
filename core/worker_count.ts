/**
 * How many threads make a run's rows (`--workers N`: the main thread and
 * N − 1 generation Workers), and whether the Workers may start before the
 * scenario is planned, from its loaded form alone.
 *
 * @module
 */
import type { Plan } from "./compile.ts";
import { DEFAULT_BATCH_SIZE } from "./compile.ts";
import type { GenOptions, PrepareOptions } from "./gen.ts";
import type { LoadedScenario } from "./load_scenario.ts";
import { SMALL_RUN_ROWS } from "./row_ranges.ts";
import { projectConfig } from "./sandbox/policy.ts";

/**
 * The plain-data part of the options, for the Workers to plan the same run.
 *
 * @param options The run's options.
 * @returns What a Worker is sent.
 * @example
 * ```ts
 * import { workerOptions } from "./worker_count.ts";
 * workerOptions({ seed: 7, out: "data", cwd: "/tmp" }); // { cwd: "/tmp", seed: 7 }
 * ```
 */
export function workerOptions(options: GenOptions): PrepareOptions {
  const plain: PrepareOptions = { cwd: options.cwd ?? Deno.cwd() };
  for (
    const key of [
      "seed",
      "counts",
      "multiplier",
      "formats",
      "formatOptions",
      "layout",
      "batchSize",
      "period",
      "policy",
    ] as const
  ) {
    if (options[key] !== undefined) Object.assign(plain, { [key]: options[key] });
  }
  return plain;
}

/**
 * How many threads a run uses: the asked-for count (default the cores), or
 * 1 when Workers cannot rebuild the run or are not worth starting. Each
 * reason is added to `notes`.
 *
 * @param plan The plan.
 * @param input The scenario as given to `gen`.
 * @param ranges The rows each selected entity writes (this shard's).
 * @param layout The run's layout.
 * @param options The run's options.
 * @param notes Where reasons go.
 * @returns Threads (1: the main thread alone).
 * @example
 * ```ts ignore
 * workerCount(plan, "quickstart", [[0, 100]], "per-entity", { workers: 4 }, notes); // 1
 * ```
 */
export function workerCount(
  plan: Plan,
  input: string | Record<string, unknown>,
  ranges: [number, number][],
  layout: Plan["layout"],
  options: GenOptions,
  notes: string[],
): number {
  const asked = options.workers ?? navigator.hardwareConcurrency ?? 1;
  if (asked <= 1) return 1;
  const one = (why: string) => {
    if (options.workers !== undefined) notes.push(`1 worker instead of ${asked}: ${why}`);
    return 1;
  };
  if (options.registry) return one("the caller's plugin registry cannot be rebuilt in Workers");
  if (plan.registry.list().some((r) => r.runs === "sandboxed")) {
    return one("sandboxed plugins already run in Workers of their own");
  }
  if (layout === "split") return one('layout "split" writes one file per record');
  if (!copiable(input, options)) {
    return one("the scenario object holds values that cannot be copied to a Worker");
  }
  const rows = ranges.reduce((n, [a, b]) => n + b - a, 0);
  if (options.workers === undefined && rows < SMALL_RUN_ROWS) return 1;
  // Threads take a batch or more at a time, an entity after another: more threads than
  // the largest entity's batches would only start up.
  const batches = Math.max(0, ...ranges.map(([a, b]) => Math.ceil((b - a) / plan.batchSize)));
  if (batches < asked) {
    const why = `the largest entity has ${batches} batch${
      batches === 1 ? "" : "es"
    } (--batch-size)`;
    if (batches <= 1) return one(why);
    notes.push(`${batches} workers instead of ${asked}: ${why}`);
    return batches;
  }
  return asked;
}

/**
 * The threads to start before planning, while the main thread plans: only
 * when the loaded scenario shows the run is large (its fixed counts alone
 * reach the rows below which one thread is the default, and its largest
 * entity has more batches than threads) and nothing the plan may reveal
 * would keep Workers out (plugins of the scenario or the project, which may
 * be sandboxed; layout split; a registry object). {@linkcode workerCount}
 * decides once planned; a pool of another size is stopped then.
 *
 * @param loaded The loaded scenario.
 * @param input The scenario as given to `gen`.
 * @param options The run's options.
 * @returns Threads to start now (1: none).
 * @example
 * ```ts ignore
 * await earlyWorkerCount(await loadScenario("quickstart"), "quickstart", { workers: 2 }); // 1: small
 * ```
 */
export async function earlyWorkerCount(
  loaded: LoadedScenario,
  input: string | Record<string, unknown>,
  options: GenOptions,
): Promise<number> {
  const asked = options.workers ?? navigator.hardwareConcurrency ?? 1;
  const { scenario } = loaded;
  if (asked <= 1 || options.registry || scenario.plugins.length > 0) return 1;
  if ((options.layout ?? scenario.output.layout) === "split") return 1;
  const batchSize = options.batchSize ?? scenario.output.batch_size ?? DEFAULT_BATCH_SIZE;
  let rows = 0;
  let largest = 0;
  for (const [name, spec] of Object.entries(scenario.entities)) {
    if (options.only?.length && !options.only.includes(name)) continue;
    const fixed = options.counts?.[name] ??
      (typeof spec.count === "number"
        ? Math.max(0, Math.round(spec.count * (options.multiplier ?? 1)))
        : 0);
    const mine = Math.ceil(fixed / (options.shard?.count ?? 1));
    rows += mine;
    largest = Math.max(largest, mine);
  }
  if (rows < SMALL_RUN_ROWS || Math.ceil(largest / batchSize) < asked) return 1;
  if (!copiable(input, options)) return 1;
  try {
    if ((await projectConfig(options.cwd ?? Deno.cwd()))?.entries.length) return 1;
  } catch {
    return 1; // planning reports it
  }
  return asked;
}

function copiable(input: string | Record<string, unknown>, options: GenOptions): boolean {
  try {
    structuredClone([input, workerOptions(options)]);
    return true;
  } catch {
    return false;
  }
}
