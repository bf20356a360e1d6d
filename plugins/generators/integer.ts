/**
 * `integer`: whole numbers between `min` and `max` (both inclusive), uniform
 * or following a distribution (normal, lognormal, exponential, zipf,
 * poisson).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { distributionOptions, rangeSampler } from "../_shared/distributions.ts";

/** The default range of the `integer` generator. */
const INTEGER_DEFAULTS = { min: 0, max: 100 } as const;

/**
 * Options of the `integer` generator.
 *
 * @example
 * ```ts
 * import { integerOptions } from "./integer.ts";
 * integerOptions.parse({ max: 6 }); // { min: 0, max: 6 }
 * ```
 */
export const integerOptions = z.object({
  /** The smallest value. */
  min: z.number().int().default(INTEGER_DEFAULTS.min).describe(
    "The smallest value, inclusive (default 0)",
  ),
  /** The largest value. */
  max: z.number().int().default(INTEGER_DEFAULTS.max).describe(
    "The largest value, inclusive (default 100)",
  ),
  /** How values spread over the range (default uniform). */
  distribution: distributionOptions.optional().describe(
    "uniform (default), normal, lognormal, exponential, zipf or poisson, " +
      "e.g. { normal: { mean: 40, sd: 10 } }; draws outside min..max are redrawn, then clamped",
  ),
}).strict().prefault({});

/**
 * Integers in a range: ages, quantities, ratings, counts.
 *
 * Values never leave `[min, max]`: a draw of an unbounded distribution that
 * falls outside is redrawn a few times, then clamped. Continuous
 * distributions are rounded to the nearest integer (the exponential one is
 * floored, which makes it geometric from `min`); `zipf` ranks the integers
 * from `min` (the most frequent) to `max`.
 *
 * @example In a scenario
 * ```yaml
 * quantity: { integer: { min: 1, max: 10 } }
 * age:      { integer: { min: 18, max: 95, distribution: { normal: { mean: 45, sd: 15 } } } }
 * visits:   { integer: { min: 0, max: 50, distribution: { poisson: { lambda: 4 } } } }
 * rank:     { integer: { min: 1, max: 10000, distribution: { zipf: 1.1 } } }
 * ```
 */
export default definePlugin({
  name: "integer",
  kind: "generator",
  version: "1.0.0",
  description:
    "Whole numbers from min to max, uniform or normal, lognormal, exponential, zipf, poisson",
  options: integerOptions,
  create({ min, max, distribution }) {
    if (min > max) {
      throw new PluginInputError(
        `Cannot generate integers from ${min} to ${max}: min is greater than max`,
        {
          hint:
            `set min ≤ max (they default to ${INTEGER_DEFAULTS.min} and ${INTEGER_DEFAULTS.max})`,
          path: ["min"],
        },
      );
    }
    const sample = rangeSampler(distribution, { min, max, integer: true });
    return {
      type: "integer",
      cardinality: max - min + 1,
      // + 0 turns a rounded -0 into 0.
      value: (row) => sample(row.random) + 0,
    };
  },
});
