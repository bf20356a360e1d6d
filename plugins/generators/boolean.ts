/**
 * `boolean`: true or false, true with probability `p`.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";

const probability = z.number().min(0).max(1);

/**
 * Options of the `boolean` generator: `{ p: 0.05 }`, or `p` alone.
 *
 * @example
 * ```ts
 * import { booleanOptions } from "./boolean.ts";
 * booleanOptions.parse(0.05); // { p: 0.05 }
 * ```
 */
export const booleanOptions = z.union([
  probability.describe("Probability of true (0–1)"),
  z.object({
    /** Probability of `true`. */
    p: probability.default(0.5).describe("Probability of true, 0–1 (default 0.5)"),
  }).strict(),
]).transform((o) => (typeof o === "number" ? { p: o } : o)).prefault({});

/**
 * Flags: `true` with probability `p` (default 0.5).
 *
 * @example In a scenario
 * ```yaml
 * newsletter: { boolean: {} }            # half and half
 * is_vip:     { boolean: { p: 0.05 } }   # 5 % true
 * churned:    { boolean: 0.2 }           # shorthand
 * ```
 */
export default definePlugin({
  name: "boolean",
  kind: "generator",
  version: "1.0.0",
  description: "true with probability p (default 0.5), else false",
  options: booleanOptions,
  create({ p }) {
    if (p === 0 || p === 1) {
      const v = p === 1;
      return { type: "boolean", cardinality: 1, value: () => v };
    }
    return { type: "boolean", cardinality: 2, value: (row) => row.random.next() < p };
  },
});
