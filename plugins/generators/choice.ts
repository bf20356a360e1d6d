/**
 * `choice`: one of a list of values, uniformly or by weight.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { inferScalarType, SCALAR_TYPES } from "../_shared/scalar_type.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Options of the `choice` generator: a list, or `{ values, weights }`.
 *
 * @example
 * ```ts
 * import { choiceOptions } from "./choice.ts";
 * choiceOptions.parse(["S", "M", "L"]); // { values: ["S", "M", "L"] }
 * ```
 */
export const choiceOptions = z.union([
  z.array(scalar).min(1).describe("The values to pick from, uniformly"),
  z.object({
    /** The values to pick from. */
    values: z.array(scalar).min(1).describe("The values to pick from"),
    /** Relative weights, one per value (default: all equal). */
    weights: z.array(z.number().min(0)).optional().describe(
      "Relative weights, one per value, e.g. [70, 25, 5] (default: all equal)",
    ),
    /** The column type, when the inferred one is not right. */
    type: z.enum(SCALAR_TYPES).optional().describe(
      "The column type (default: inferred from the values)",
    ),
  }).strict().superRefine((o, ctx) => {
    const w = o.weights;
    if (w === undefined) return;
    if (w.length !== o.values.length) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: `Expected one weight per value: ${o.values.length} value${
          o.values.length === 1 ? "" : "s"
        } but ${w.length} weight${w.length === 1 ? "" : "s"}`,
      });
    } else if (!(w.reduce((a, b) => a + b, 0) > 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: "Expected at least one weight above 0: with all weights 0 no value can be picked",
      });
    }
  }),
]).transform((o) => (Array.isArray(o) ? { values: o } : o));

/**
 * One of a list of values: statuses, categories, plans. With `weights`,
 * value *i* is picked with probability `weights[i] / sum(weights)`.
 *
 * The type is inferred from the values: all integers give an integer
 * column, all numbers a number column, all booleans a boolean column;
 * strings, or a mix of kinds, give a string column (a mixed list's values
 * are turned into text, so the column stays one type). `null` may be one of
 * the values. Set `type` to override, e.g. `date` for a list of ISO dates.
 *
 * @example In a scenario
 * ```yaml
 * size:   { choice: [S, M, L, XL] }
 * status: { choice: { values: [active, paused, churned], weights: [80, 15, 5] } }
 * stars:  { choice: { values: [1, 2, 3, 4, 5], weights: [5, 5, 10, 30, 50] } }
 * ```
 */
export default definePlugin({
  name: "choice",
  kind: "generator",
  version: "1.0.0",
  description: "One of a list of values, uniformly or by weights",
  options: choiceOptions,
  create(options) {
    const inferred = inferScalarType(options.values);
    const values = inferred.values;
    const weights = "weights" in options ? options.weights : undefined;
    const pickable = weights ? values.filter((_, i) => weights[i]! > 0) : values;
    // The kernel's unique check skips nulls, so a list that can yield null
    // has no useful bound.
    const cardinality = pickable.includes(null) ? undefined : new Set(pickable).size;
    const type = ("type" in options ? options.type : undefined) ?? inferred.type;
    const base = {
      type,
      ...(cardinality === undefined ? {} : { cardinality }),
      ...(pickable.includes(null) ? { nullable: true } : {}),
      values: pickable,
    };
    const n = values.length;
    if (!weights || weights.every((w) => w === weights[0])) {
      return { ...base, value: (row) => values[Math.floor(row.random.next() * n)] };
    }
    // cumulative[i] is the sum of weights[0..i]; a draw u in [0, total)
    // picks the first i whose cumulative weight exceeds u.
    const cumulative = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) cumulative[i] = total += weights[i]!;
    return {
      ...base,
      value: (row) => {
        const u = row.random.next() * total;
        let lo = 0, hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        return values[lo];
      },
    };
  },
});
