/**
 * Helpers for generator tests: the problems a scenario is rejected with,
 * the compiled field of a one-field scenario, and small statistics.
 *
 * @module
 */
import { prepare } from "../../../core/gen.ts";
import { ScenarioError, type ScenarioIssue } from "../../../core/errors.ts";
import type { CompiledField, Plan } from "../../../core/compile.ts";
import { World } from "../../../core/engine.ts";

/**
 * A one-entity scenario (entity `e`) with the field `v` and optional others.
 *
 * @example
 * ```ts ignore
 * const scenario = oneField({ integer: { min: 1, max: 6 } }, 100, { seed: 7 });
 * ```
 */
export function oneField(
  field: unknown,
  count = 10,
  options: {
    seed?: number | string;
    extraFields?: Record<string, unknown>;
    reference_date?: string;
  } = {},
): Record<string, unknown> {
  return {
    name: "t",
    seed: options.seed ?? 1,
    ...(options.reference_date ? { reference_date: options.reference_date } : {}),
    entities: { e: { count, fields: { ...(options.extraFields ?? {}), v: field } } },
  };
}

/**
 * The problems a scenario is rejected with; fails when it is accepted.
 *
 * @example
 * ```ts ignore
 * const [issue] = await issuesOf(oneField({ integer: { min: 5, max: 1 } }));
 * ```
 */
export async function issuesOf(
  scenario: string | Record<string, unknown>,
  cwd?: string,
): Promise<readonly ScenarioIssue[]> {
  try {
    await prepare(scenario, cwd ? { cwd } : {});
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues;
    throw e;
  }
  throw new Error("Expected the scenario to be rejected, but it was accepted");
}

/**
 * The problems of a YAML scenario written to a temporary file (so they have
 * lines and columns).
 *
 * @example
 * ```ts ignore
 * const [issue] = await yamlIssues("name: t\nentities: { e: { count: 1, fields: { v: { choice: [] } } } }\n");
 * issue.line; // 2
 * ```
 */
export async function yamlIssues(yaml: string): Promise<readonly ScenarioIssue[]> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-gen-test-" });
  try {
    await Deno.writeTextFile(`${dir}/scenario.yaml`, yaml);
    return await issuesOf("scenario.yaml", dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The plan of a scenario.
 *
 * @example
 * ```ts ignore
 * const plan = await planOf(oneField({ uuid: {} }));
 * ```
 */
export async function planOf(scenario: Record<string, unknown>): Promise<Plan> {
  return await prepare(scenario);
}

/**
 * The compiled field `v` of a one-entity scenario (other fields optional).
 *
 * @example
 * ```ts ignore
 * (await compiledField({ integer: { min: 1, max: 6 } })).gen.cardinality; // 6
 * ```
 */
export async function compiledField(
  field: unknown,
  count = 10,
  extraFields?: Record<string, unknown>,
): Promise<CompiledField> {
  const plan = await prepare(oneField(field, count, extraFields ? { extraFields } : {}));
  return plan.byName.get("e")!.declared.find((f) => f.name === "v")!;
}

/**
 * Rows of an entity generated alone (random access, in a fresh world) and
 * the same rows from one batch, to compare.
 *
 * @example
 * ```ts ignore
 * const { alone, batch } = await rowsAloneMatchBatch(oneField({ uuid: {} }, 100), "e", [0, 99]);
 * assert.deepEqual(alone, batch);
 * ```
 */
export async function rowsAloneMatchBatch(
  scenario: Record<string, unknown>,
  entity: string,
  indexes: readonly number[],
): Promise<{ alone: Record<string, unknown>[]; batch: Record<string, unknown>[] }> {
  const plan = await prepare(scenario);
  const e = plan.byName.get(entity)!;
  const columns = await new World(plan).engine(entity).batch(0, e.count);
  const batch = indexes.map((i) => {
    const row: Record<string, unknown> = {};
    for (const f of e.declared) row[f.name] = columns[e.fields.indexOf(f)]![i];
    return row;
  });
  // A fresh world, so nothing is cached from the batch.
  const world = new World(await prepare(scenario));
  const alone = indexes.map((i) => world.engine(entity).rowAt(i));
  return { alone, batch };
}

/**
 * The arithmetic mean.
 *
 * @example
 * ```ts ignore
 * mean([1, 2, 3]); // 2
 * ```
 */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The standard deviation (population).
 *
 * @example
 * ```ts ignore
 * sd([1, 3]); // 1
 * ```
 */
export function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}

/**
 * How often each value occurs.
 *
 * @example
 * ```ts ignore
 * tally(["a", "b", "a"]).get("a"); // 2
 * ```
 */
export function tally<T>(xs: readonly T[]): Map<T, number> {
  const out = new Map<T, number>();
  for (const x of xs) out.set(x, (out.get(x) ?? 0) + 1);
  return out;
}

/**
 * Whole years from one ISO date or datetime to another by the UTC calendar,
 * computed with `Date`: an independent check of the `age` generator.
 *
 * @example
 * ```ts ignore
 * yearsBetween("1990-07-04", "2025-07-03"); // 34
 * ```
 */
export function yearsBetween(birth: string, at: string): number {
  const b = new Date(birth), a = new Date(at);
  const before = a.getUTCMonth() < b.getUTCMonth() ||
    (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate());
  return a.getUTCFullYear() - b.getUTCFullYear() - (before ? 1 : 0);
}
