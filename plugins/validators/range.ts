/**
 * `range`: checks that numbers, or ISO dates and datetimes, lie between a
 * minimum and a maximum.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { fieldRule, ruleField } from "../_shared/field_rule.ts";
import { isoMillis } from "../_shared/iso_millis.ts";

const bound = z.union([z.number(), z.string()]);

/**
 * Options of the `range` validator.
 *
 * @example
 * ```ts
 * import { rangeOptions } from "./range.ts";
 * rangeOptions.parse({ min: 1, max: 500 }); // { min: 1, max: 500, exclusive: false }
 * rangeOptions.safeParse({ min: "2024-02-30" }).success; // false
 * ```
 */
export const rangeOptions = z.object({
  min: bound.optional().describe("Smallest allowed value: a number or an ISO date/datetime"),
  max: bound.optional().describe("Largest allowed value: a number or an ISO date/datetime"),
  exclusive: z.union([z.boolean(), z.enum(["min", "max"])]).default(false).describe(
    "Exclude the bounds: true for both, or just min or max (max gives a half-open [min, max))",
  ),
}).strict().superRefine((o, ctx) => {
  if (o.min === undefined && o.max === undefined) {
    ctx.addIssue({ code: "custom", input: o, message: "A range needs a min, a max or both" });
    return;
  }
  for (const key of ["min", "max"] as const) {
    const b = o[key];
    if (typeof b === "string" && Number.isNaN(isoMillis(b))) {
      ctx.addIssue({
        code: "custom",
        input: b,
        path: [key],
        message: `Expected a number or an ISO date (YYYY-MM-DD) or datetime, got "${b}"`,
      });
    }
    if (typeof b === "number" && Number.isNaN(b)) {
      ctx.addIssue({
        code: "custom",
        input: b,
        path: [key],
        message: "Expected a number, got NaN",
      });
    }
  }
  if (o.min === undefined || o.max === undefined) return;
  if (typeof o.min !== typeof o.max) {
    ctx.addIssue({
      code: "custom",
      input: o.max,
      path: ["max"],
      message: "min and max must both be numbers or both be dates",
    });
    return;
  }
  const lo = typeof o.min === "number" ? o.min : isoMillis(o.min);
  const hi = typeof o.max === "number" ? o.max : isoMillis(o.max);
  if (lo > hi) {
    ctx.addIssue({
      code: "custom",
      input: o.max,
      path: ["max"],
      message: `max (${o.max}) is below min (${o.min})`,
    });
  }
});

/**
 * Numbers or dates between bounds.
 *
 * @example In a scenario
 * ```yaml
 * price:      { faker: commerce.price, validate: { range: { min: 1, max: 500 } } }
 * discount:   { constant: 0.1, validate: { range: { min: 0, max: 1, exclusive: max } } }
 * ordered_at: { faker: date.past, validate: { range: { min: 2024-01-01, max: 2025-01-01, exclusive: max } } }
 * ```
 */
export default definePlugin({
  name: "range",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Numbers or ISO dates between min and max (inclusive unless exclusive)",
  options: rangeOptions,
  create(options, setup) {
    const field = ruleField(setup, "range");
    const { min, max, exclusive } = options;
    const dates = typeof min === "string" || typeof max === "string";
    const lo = min === undefined ? -Infinity : typeof min === "number" ? min : isoMillis(min);
    const hi = max === undefined ? Infinity : typeof max === "number" ? max : isoMillis(max);
    const openLo = exclusive === true || exclusive === "min";
    const openHi = exclusive === true || exclusive === "max";
    const interval = `${openLo || min === undefined ? "(" : "["}${min ?? "-∞"}, ${max ?? "∞"}${
      openHi || max === undefined ? ")" : "]"
    }`;
    const outside = `is outside ${interval}`;
    const within = (x: number) => (openLo ? x > lo : x >= lo) && (openHi ? x < hi : x <= hi);
    if (dates) {
      return fieldRule(field, (v) => {
        if (typeof v !== "string") return "is not an ISO date or datetime";
        const t = isoMillis(v);
        if (Number.isNaN(t)) return "is not an ISO date or datetime";
        return within(t) ? undefined : outside;
      });
    }
    return fieldRule(field, (v) => {
      if (typeof v !== "number" || Number.isNaN(v)) return "is not a number";
      return within(v) ? undefined : outside;
    });
  },
});
