/**
 * `length`: checks the length of strings (in Unicode code points) and
 * arrays.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { fieldRule, ruleField } from "../_shared/field_rule.ts";

const count = z.number().int().min(0);

/**
 * Options of the `length` validator: an exact length, or `{ min, max }`.
 *
 * @example
 * ```ts
 * import { lengthOptions } from "./length.ts";
 * lengthOptions.parse(2); // { min: 2, max: 2 }
 * lengthOptions.parse({ max: 40 }); // { max: 40 }
 * ```
 */
export const lengthOptions = z.union([
  count.describe("The exact length"),
  z.object({
    min: count.optional().describe("Shortest allowed length"),
    max: count.optional().describe("Longest allowed length"),
  }).strict(),
]).transform((o) => (typeof o === "number" ? { min: o, max: o } : o)).superRefine((o, ctx) => {
  if (o.min === undefined && o.max === undefined) {
    ctx.addIssue({ code: "custom", input: o, message: "A length rule needs a min, a max or both" });
  } else if (o.min !== undefined && o.max !== undefined && o.min > o.max) {
    ctx.addIssue({
      code: "custom",
      input: o.max,
      path: ["max"],
      message: `max (${o.max}) is below min (${o.min})`,
    });
  }
});

/**
 * The number of code points of a string: UTF-16 units minus the second half
 * of each surrogate pair. An emoji counts 1, as a reader would count it.
 *
 * @param s The string.
 * @returns Its length in code points.
 * @example
 * ```ts
 * import { codePoints } from "./length.ts";
 * codePoints("😀a"); // 2 ("😀a".length is 3)
 * ```
 */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Strings and lists of a given length.
 *
 * @example In a scenario
 * ```yaml
 * name:  { faker: person.fullName, validate: { length: { min: 1, max: 40 } } }
 * iso2:  { faker: location.countryCode, validate: { length: 2 } }
 * ```
 */
export default definePlugin({
  name: "length",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Strings (in code points) and lists have a length between min and max",
  options: lengthOptions,
  maxLength: (options) => options.max,
  create(options, setup) {
    const field = ruleField(setup, "length");
    const min = options.min ?? 0;
    const max = options.max ?? Infinity;
    const bounds = min === max
      ? `exactly ${min}`
      : max === Infinity
      ? `at least ${min}`
      : `${min} to ${max}`;
    const tell = (n: number, unit: string) =>
      `has ${n} ${unit}${n === 1 ? "" : "s"}, expected ${bounds}`;
    return fieldRule(field, (v) => {
      if (typeof v === "string") {
        // A string has between length/2 and length code points: most need no count.
        const units = v.length;
        if (units <= max && (units + 1) >> 1 >= min) return undefined;
        const n = codePoints(v);
        return n >= min && n <= max ? undefined : tell(n, "character");
      }
      if (Array.isArray(v)) {
        return v.length >= min && v.length <= max ? undefined : tell(v.length, "item");
      }
      return "has no length (not a string or a list)";
    });
  },
});
