/**
 * `enum`: checks that every value is one of a fixed list.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { fieldRule, ruleField } from "../_shared/field_rule.ts";

const member = z.union([z.string(), z.number(), z.boolean()]);
const values = z.array(member).min(1).describe(
  'The allowed values (compared strictly: 1 is not "1")',
);

/**
 * Options of the `enum` validator: the list, or `{ values, ignore_case }`.
 *
 * @example
 * ```ts
 * import { enumOptions } from "./enum.ts";
 * enumOptions.parse(["a", "b"]); // { values: ["a", "b"], ignore_case: false }
 * ```
 */
export const enumOptions = z.union([
  values,
  z.object({
    values,
    ignore_case: z.boolean().default(false).describe("Compare strings without regard to case"),
  }).strict(),
]).transform((o) => (Array.isArray(o) ? { values: o, ignore_case: false } : o));

/** The list for messages: the first ten values, then how many more. */
function listed(values: readonly unknown[]): string {
  const shown = values.slice(0, 10).map((v) => String(v)).join(", ");
  return values.length > 10 ? `${shown}, … (${values.length - 10} more)` : shown;
}

/**
 * Values from a fixed list.
 *
 * @example In a scenario
 * ```yaml
 * status:   { faker: lorem.word, validate: { enum: [paid, shipped, cancelled] } }
 * currency: { constant: eur, validate: { enum: { values: [EUR, USD], ignore_case: true } } }
 * ```
 */
export default definePlugin({
  name: "enum",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Values are one of a fixed list",
  options: enumOptions,
  create(options, setup) {
    const field = ruleField(setup, "enum");
    const problem = `is not one of ${listed(options.values)}`;
    if (options.ignore_case) {
      const allowed = new Set<unknown>(
        options.values.map((v) => (typeof v === "string" ? v.toLowerCase() : v)),
      );
      return fieldRule(
        field,
        (v) => (allowed.has(typeof v === "string" ? v.toLowerCase() : v) ? undefined : problem),
      );
    }
    const allowed = new Set<unknown>(options.values);
    return fieldRule(field, (v) => (allowed.has(v) ? undefined : problem));
  },
});
