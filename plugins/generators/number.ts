/**
 * `number`: decimal numbers between `min` and `max`, optionally rounded to
 * a number of decimals, uniform or following a distribution (normal,
 * lognormal, exponential, zipf, poisson).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { distributionOptions, distributionParts, rangeSampler } from "../_shared/distributions.ts";

/** The default range of the `number` generator. */
const NUMBER_DEFAULTS = { min: 0, max: 100 } as const;

/**
 * Options of the `number` generator.
 *
 * @example
 * ```ts
 * import { numberOptions } from "./number.ts";
 * numberOptions.parse({ decimals: 2 }); // { min: 0, max: 100, decimals: 2 }
 * ```
 */
export const numberOptions = z.object({
  /** The smallest value. */
  min: z.number().default(NUMBER_DEFAULTS.min).describe("The smallest value (default 0)"),
  /** The largest value. */
  max: z.number().default(NUMBER_DEFAULTS.max).describe("The largest value (default 100)"),
  /** Round to this many decimals; full precision when absent. */
  decimals: z.number().int().min(0).max(15).optional().describe(
    "Round to this many decimals, e.g. 2 for prices (default: full precision)",
  ),
  /** How values spread over the range (default uniform). */
  distribution: distributionOptions.optional().describe(
    "uniform (default), normal, lognormal, exponential, zipf or poisson, " +
      "e.g. { lognormal: { mu: 3, sigma: 1 } }; draws outside min..max are redrawn, then clamped",
  ),
}).strict().prefault({});

/**
 * `x` rounded up to an integer, forgiving floating-point noise
 * (`0.1 * 100` is 10.000000000000002, which is 10 here).
 */
function ceilish(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.ceil(x);
}

/** `x` rounded down to an integer, forgiving floating-point noise. */
function floorish(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.floor(x);
}

/**
 * Decimal numbers in a range: prices, weights, scores, coordinates.
 *
 * Values never leave `[min, max]`: a draw of an unbounded distribution that
 * falls outside is redrawn a few times, then clamped. With `decimals`, values
 * lie on the grid of that many decimals inside the range (a uniform one puts
 * the same weight on every grid point, both ends included); `zipf` and
 * `poisson` give whole numbers.
 *
 * @example In a scenario
 * ```yaml
 * price:  { number: { min: 0.99, max: 499, decimals: 2 } }
 * weight: { number: { min: 40, max: 150, decimals: 1, distribution: { normal: { mean: 78, sd: 14 } } } }
 * amount: { number: { min: 1, max: 10000, decimals: 2, distribution: { lognormal: { mu: 4, sigma: 1 } } } }
 * ```
 */
export default definePlugin({
  name: "number",
  kind: "generator",
  version: "1.0.0",
  description:
    "Decimal numbers from min to max, rounded to decimals, uniform or another distribution",
  options: numberOptions,
  create({ min, max, decimals, distribution }) {
    if (min > max) {
      throw new PluginInputError(
        `Cannot generate numbers from ${min} to ${max}: min is greater than max`,
        {
          hint: `set min ≤ max (they default to ${NUMBER_DEFAULTS.min} and ${NUMBER_DEFAULTS.max})`,
          path: ["min"],
        },
      );
    }
    const sample = rangeSampler(distribution, { min, max, integer: false });
    if (decimals === undefined) {
      return {
        type: "number",
        ...(min === max ? { cardinality: 1 } : {}),
        value: (row) => sample(row.random) + 0,
      };
    }
    // Values are k / scale for the integers k in [lo, hi].
    const scale = 10 ** decimals;
    const lo = ceilish(min * scale), hi = floorish(max * scale);
    if (hi < lo) {
      throw new PluginInputError(
        `Cannot generate numbers from ${min} to ${max} with ${decimals} decimals: no such number lies in the range`,
        { hint: "widen the range or allow more decimals", path: ["decimals"] },
      );
    }
    if (Math.max(Math.abs(lo), Math.abs(hi)) > Number.MAX_SAFE_INTEGER) {
      throw new PluginInputError(
        `Cannot keep ${decimals} decimals for numbers up to ${
          Math.max(Math.abs(min), Math.abs(max))
        }: a double has about 15 significant digits`,
        {
          hint: "use fewer decimals, or leave decimals out for full precision",
          path: ["decimals"],
        },
      );
    }
    const uniform = distributionParts(distribution).name === "uniform";
    return {
      type: "number",
      cardinality: hi - lo + 1,
      numeric: { decimals, maxAbs: Math.max(Math.abs(min), Math.abs(max)) },
      value: uniform ? (row) => row.random.int(lo, hi) / scale + 0 : (row) => {
        let k = Math.round(sample(row.random) * scale);
        if (k < lo) k = lo;
        else if (k > hi) k = hi;
        return k / scale + 0;
      },
    };
  },
});
