/**
 * `compare`: a cross-field rule on each row, such as "shipped on or after
 * ordered" (`{ left: shipped_at, op: ">=", right: ordered_at }`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { ValidationIssue } from "../../core/types.ts";
import { columnIndex, preview, requireField } from "../_shared/field_rule.ts";
import { isoMillis } from "../_shared/iso_millis.ts";
import { PluginInputError } from "../../core/errors.ts";

/**
 * The comparison operators.
 *
 * @example
 * ```ts
 * import { OPS } from "./compare.ts";
 * OPS.includes(">="); // true
 * ```
 */
export const OPS = ["<", "<=", ">", ">=", "==", "!="] as const;

/** A comparison operator. */
type Op = typeof OPS[number];

/**
 * Options of the `compare` validator.
 *
 * @example
 * ```ts
 * import { compareOptions } from "./compare.ts";
 * compareOptions.parse({ left: "shipped_at", op: ">=", right: "ordered_at" });
 * ```
 */
export const compareOptions = z.object({
  left: z.string().min(1).describe("The field on the left of the operator"),
  op: z.enum(OPS).describe("The comparison: <, <=, >, >=, == or !="),
  right: z.string().min(1).describe("The field on the right of the operator"),
}).strict();

/** Whether a comparison result (negative, zero, positive) satisfies each operator. */
const HOLDS: Readonly<Record<Op, (c: number) => boolean>> = {
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
  "==": (c) => c === 0,
  "!=": (c) => c !== 0,
};

/**
 * Compares two values: numbers by value; strings that are both ISO dates or
 * datetimes by instant (so `2024-01-01T01:00:00+02:00` is before
 * `2024-01-01`, and a date equals its own midnight); other strings by code
 * units; booleans as 0 and 1.
 *
 * @param a The left value.
 * @param b The right value.
 * @returns Negative, zero or positive; `NaN` when the two cannot be compared.
 * @example
 * ```ts
 * import { compareValues } from "./compare.ts";
 * compareValues("2024-03-02", "2024-03-01T23:00:00Z") > 0; // true
 * compareValues(2, "2"); // NaN
 * ```
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    // Same-length dates, or same-length UTC datetimes, have the same layout,
    // so text order is time order: skip parsing in the common case.
    const n = a.length;
    if (
      n === b.length && (n === 10 || (a.charCodeAt(n - 1) === 90 && b.charCodeAt(n - 1) === 90))
    ) {
      return a < b ? -1 : a > b ? 1 : 0;
    }
    const ta = isoMillis(a);
    if (!Number.isNaN(ta)) {
      const tb = isoMillis(b);
      if (!Number.isNaN(tb)) return ta - tb;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return NaN;
}

/**
 * A comparison between two fields of each row. Rows where either side is
 * null are skipped.
 *
 * @example In a scenario
 * ```yaml
 * entities:
 *   orders:
 *     fields: { ordered_at: …, shipped_at: … }
 *     validate:
 *       - compare: { left: shipped_at, op: ">=", right: ordered_at }
 * ```
 */
export default definePlugin({
  name: "compare",
  kind: "validator",
  scope: "entity",
  version: "1.0.0",
  description: "Compares two fields of each row: left op right (< <= > >= == !=)",
  options: compareOptions,
  create({ left, op, right }, setup) {
    if (setup.field !== undefined) {
      throw new PluginInputError(
        `Cannot check "compare" on a field: list it in the entity's validate`,
      );
    }
    requireField(setup, setup.entity, left, ["left"]);
    requireField(setup, setup.entity, right, ["right"]);
    const holds = HOLDS[op];
    return {
      check(batch) {
        const ls = batch.columns[columnIndex(batch, left)]!;
        const rs = batch.columns[columnIndex(batch, right)]!;
        const issues: ValidationIssue[] = [];
        for (let k = 0; k < batch.length; k++) {
          const a = ls[k], b = rs[k];
          if (a === null || a === undefined || b === null || b === undefined) continue;
          const c = compareValues(a, b);
          if (!Number.isNaN(c) && holds(c)) continue;
          issues.push({
            row: batch.start + k,
            field: left,
            message: Number.isNaN(c)
              ? `cannot compare ${left} ${preview(a)} with ${right} ${preview(b)}`
              : `${left} ${preview(a)} is not ${op} ${right} ${preview(b)}`,
            value: a,
          });
        }
        return issues;
      },
    };
  },
});
