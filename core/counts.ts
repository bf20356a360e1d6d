/**
 * Row counts: a fixed number, a number per parent row, or a timeline. Counts
 * are resolved before fields are compiled, parents first, so generators can
 * ask for any entity's count and for the parent or instant of a row.
 *
 * Memory: a per-parent count keeps one prefix sum per parent row (8 bytes
 * each); a timeline keeps one per day.
 *
 * @module
 */
import type { EntitySpec, Scenario } from "./scenario_schema.ts";
import type { OwnerInfo } from "./types.ts";
import { resolveTimeline, type Timeline } from "./timeline.ts";
import { hashKey, unitAt } from "./random.ts";
import { groupOf, prefixSums } from "./prefix_sums.ts";
import type { LocatableIssue } from "./zod_issues.ts";
import { didYouMean } from "./did_you_mean.ts";
import { UsageError } from "./errors.ts";

/** An entity's resolved count and, when it has one, its row structure. */
export interface CountModel {
  /** Rows. */
  readonly count: number;
  /** For per-parent counts: the parent of each row. */
  readonly owner?: OwnerInfo;
  /** For timelines: the day and instant of each row. */
  readonly timeline?: Timeline;
}

/** What overrides counts. */
export interface CountOptions {
  /** Exact counts by entity (`--count`). */
  counts?: Record<string, number> | undefined;
  /** Multiplies fixed counts and timeline rates (`--multiplier`). */
  multiplier?: number | undefined;
  /** Replaces the period's first and/or last day (`--from`, `--to`). */
  period?: { from?: string | undefined; to?: string | undefined } | undefined;
}

/**
 * Resolves every entity's count, parents before children.
 *
 * @param scenario The scenario.
 * @param seedKey The seed key.
 * @param options Overrides.
 * @param issues Where problems go (located by the caller).
 * @returns Count models by entity (only for entities whose count resolved).
 * @example
 * ```ts ignore
 * const models = resolveCounts(scenario, seedKey, { multiplier: 2 }, issues);
 * models.get("order_items")?.owner?.parentOf(0); // 0
 * ```
 */
export function resolveCounts(
  scenario: Scenario,
  seedKey: number,
  options: CountOptions,
  issues: LocatableIssue[],
): Map<string, CountModel> {
  const entities = scenario.entities;
  const names = Object.keys(entities);
  const period = resolvePeriod(scenario, options, issues);
  const models = new Map<string, CountModel>();
  const visiting = new Set<string>();

  const resolve = (name: string, chain: string[]): CountModel | undefined => {
    const done = models.get(name);
    if (done) return done;
    const spec = entities[name]!;
    const path = ["entities", name, "count"];
    const override = options.counts?.[name];
    const count = spec.count;
    if (typeof count === "number") {
      const model = {
        count: override ?? Math.max(0, Math.round(count * (options.multiplier ?? 1))),
      };
      models.set(name, model);
      return model;
    }
    if ("timeline" in count) {
      if (!period) {
        issues.push({
          path,
          message: `${name} follows a timeline, but the scenario has no period`,
          hint:
            "add period: { from: 2024-01-01, to: 2024-12-31 } at the top level, or pass --from and --to",
        });
        return undefined;
      }
      const timeline = resolveTimeline(
        count.timeline,
        period,
        seedKey,
        name,
        options.multiplier ?? 1,
        override,
      );
      const model = { count: timeline.count, timeline };
      models.set(name, model);
      return model;
    }
    // Per parent: the parent's count first.
    if (!entities[count.per]) {
      issues.push({
        path: [...path, "per"],
        message: `Unknown entity "${count.per}" in ${name}'s count`,
        hint: didYouMean(count.per, names, "entities"),
      });
      return undefined;
    }
    if (visiting.has(name)) {
      issues.push({
        path: [...path, "per"],
        message: `Counts depend on each other in a cycle: ${[...chain, name].join(" → ")}`,
        hint: "one entity of the cycle needs a fixed count",
      });
      return undefined;
    }
    visiting.add(name);
    const parent = resolve(count.per, [...chain, name]);
    visiting.delete(name);
    if (!parent) return undefined;
    const total = override ??
      (count.total === undefined
        ? undefined
        : Math.max(0, Math.round(count.total * (options.multiplier ?? 1))));
    if (total === undefined) {
      const model = perParent(name, count, parent.count, seedKey);
      models.set(name, model);
      return model;
    }
    // Bounds: the spec's; without a total its defaults are 1–1; p lets parents have none.
    const lo = count.p !== undefined ? 0 : count.min ?? (count.total === undefined ? 1 : 0);
    const hi = count.max ?? (count.total === undefined ? 1 : Infinity);
    const sizes = exactSizes(name, count.per, lo, hi, parent.count, total, seedKey);
    if (typeof sizes === "string") {
      const hint = override !== undefined
        ? `pass a count in that range, or change the count of ${count.per} too`
        : `change total, min/max, or the count of ${count.per}`;
      if (override !== undefined) {
        throw new UsageError(`Cannot set the count of "${name}": ${sizes}`, hint);
      }
      issues.push({ path: [...path, "total"], message: sizes, hint });
      return undefined;
    }
    const model = ownerModel(count.per, sizes);
    models.set(name, model);
    return model;
  };
  for (const name of names) resolve(name, []);
  return models;
}

function resolvePeriod(
  scenario: Scenario,
  options: CountOptions,
  issues: LocatableIssue[],
): { from: string; to: string } | undefined {
  const from = options.period?.from ?? scenario.period?.from;
  const to = options.period?.to ?? scenario.period?.to;
  if (from === undefined || to === undefined) return undefined;
  for (const [key, value] of [["from", from], ["to", to]] as const) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      if (options.period?.[key] !== undefined) {
        throw new UsageError(`Cannot read --${key} "${value}"`, "write a date like 2024-01-31");
      }
      issues.push({ path: ["period", key], message: `Not a real date: "${value}"` });
      return undefined;
    }
  }
  if (from > to) {
    if (options.period?.from !== undefined || options.period?.to !== undefined) {
      throw new UsageError(
        `The period starts after it ends: ${from} > ${to}`,
        "swap --from and --to",
      );
    }
    issues.push({ path: ["period"], message: `The period starts after it ends: ${from} > ${to}` });
    return undefined;
  }
  return { from, to };
}

/** Per-parent counts: each parent's count is drawn from its index; rows follow in parent order. */
function perParent(
  name: string,
  spec: Extract<EntitySpec["count"], { per: string }>,
  parents: number,
  seedKey: number,
): CountModel {
  const anyKey = hashKey(seedKey, name, "count-any");
  const nKey = hashKey(seedKey, name, "count-n");
  const min = spec.min ?? 1;
  const span = (spec.max ?? 1) - min + 1;
  const sizes = new Float64Array(parents);
  for (let j = 0; j < parents; j++) {
    const has = spec.p === undefined || unitAt(anyKey, j) < spec.p;
    sizes[j] = has ? min + Math.floor(unitAt(nKey, j) * span) : 0;
  }
  return ownerModel(spec.per, sizes);
}

/** The count model of rows laid out in parent order, `sizes[j]` rows for parent `j`. */
function ownerModel(parentEntity: string, sizes: Float64Array): CountModel {
  const prefix = prefixSums(sizes);
  const parentOf = (i: number) => groupOf(prefix, i);
  return {
    count: prefix[sizes.length]!,
    owner: {
      entity: parentEntity,
      parentOf,
      positionOf: (i) => i - prefix[parentOf(i)]!,
      siblingsOf: (i) => {
        const j = parentOf(i);
        return prefix[j + 1]! - prefix[j]!;
      },
      rowsOf: (j) => [prefix[j]!, prefix[j + 1]!],
    },
  };
}

/**
 * Exactly `total` rows spread over `parents` parents, each within min–max:
 * every parent starts at min, then each remaining row goes to a parent drawn
 * from its own index (the next one with room when that one is full). When
 * more than half the room is wanted, parents start at max and rows are taken
 * away instead, so a draw rarely meets a full parent. Deterministic; costs
 * O(parents + total) once, then rows are found by prefix sums.
 *
 * @returns The sizes, or why the total cannot be met.
 */
function exactSizes(
  name: string,
  per: string,
  lo: number,
  hi: number,
  parents: number,
  total: number,
  seedKey: number,
): Float64Array | string {
  const sizes = new Float64Array(parents);
  if (total === 0 && (lo === 0 || parents === 0)) return sizes;
  if (parents === 0) {
    return `${total} ${name} rows cannot be spread over 0 ${per} rows`;
  }
  if (total < parents * lo || total > parents * hi) {
    return `${total} ${name} rows cannot be spread over ${parents} ${per} rows with ${lo}–${
      hi === Infinity ? "any number of" : hi
    } each: the total must be between ${parents * lo} and ${
      hi === Infinity ? "no limit" : parents * hi
    }`;
  }
  const key = hashKey(seedKey, name, "count-total");
  const room = hi === Infinity ? Infinity : parents * (hi - lo);
  const down = total - parents * lo > room / 2;
  sizes.fill(down ? hi : lo);
  const moves = down ? parents * hi - total : total - parents * lo;
  const full = down ? lo : hi;
  const step = down ? -1 : 1;
  for (let k = 0; k < moves; k++) {
    let j = Math.floor(unitAt(key, k) * parents);
    while (sizes[j] === full) j = j + 1 === parents ? 0 : j + 1;
    sizes[j] = sizes[j]! + step;
  }
  return sizes;
}
