/**
 * `regex`: checks that every value matches a regular expression.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { fieldRule, ruleField } from "../_shared/field_rule.ts";

// g and y make test() stateful (it resumes at lastIndex), so one row's result
// would depend on the row before.
const FLAGS = /^(?:([imsuv])(?!.*\1))*$/;

/**
 * Options of the `regex` validator: a pattern, or `{ pattern, flags }`.
 *
 * @example
 * ```ts
 * import { regexOptions } from "./regex.ts";
 * regexOptions.parse("^INS-\\d{5}$"); // { pattern: "^INS-\\d{5}$", flags: "" }
 * regexOptions.safeParse("^(a").success; // false: unterminated group
 * ```
 */
export const regexOptions = z.union([
  z.string().describe("A JavaScript regular expression; anchor it (^…$) to match whole values"),
  z.object({
    pattern: z.string().describe(
      "A JavaScript regular expression; anchor it (^…$) to match whole values",
    ),
    flags: z.string().default("").describe("Flags among i, m, s, u, v"),
  }).strict(),
]).transform((o) => (typeof o === "string" ? { pattern: o, flags: "" } : o)).superRefine(
  (o, ctx) => {
    if (!FLAGS.test(o.flags)) {
      ctx.addIssue({
        code: "custom",
        input: o.flags,
        path: ["flags"],
        message:
          `Invalid regex flags "${o.flags}": use each of i, m, s, u, v at most once (g and y are not allowed)`,
      });
      return;
    }
    try {
      new RegExp(o.pattern, o.flags);
    } catch (e) {
      ctx.addIssue({
        code: "custom",
        input: o.pattern,
        message: `Invalid regular expression /${o.pattern}/${o.flags}: ${
          (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "")
        }`,
      });
    }
  },
);

/**
 * Values that match a pattern. Strings are tested as they are; numbers and
 * booleans as their text; other values fail. Like JSON Schema's `pattern`, a
 * match anywhere counts: write `^` and `$` to match the whole value.
 *
 * @example In a scenario
 * ```yaml
 * policy_no: { sequence: { prefix: INS-, pad: 5 }, validate: { regex: "^INS-\\d{5}$" } }
 * code:      { faker: string.alpha, validate: { regex: { pattern: "^[a-z]+$", flags: i } } }
 * ```
 */
export default definePlugin({
  name: "regex",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Values match a regular expression (anchor it with ^…$ for whole values)",
  options: regexOptions,
  create(options, setup) {
    const field = ruleField(setup, "regex");
    const re = new RegExp(options.pattern, options.flags);
    const problem = `does not match ${re}`;
    return fieldRule(field, (v) => {
      if (typeof v === "string") return re.test(v) ? undefined : problem;
      if (typeof v === "number" || typeof v === "boolean") {
        return re.test(String(v)) ? undefined : problem;
      }
      return "is not text";
    });
  },
});
