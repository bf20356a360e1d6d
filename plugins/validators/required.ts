/**
 * `required`: checks that a field always has a value: not null, not missing
 * and, unless allowed, not the empty string.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { columnIndex, ruleField } from "../_shared/field_rule.ts";
import type { ValidationIssue } from "../../core/types.ts";

/**
 * Options of the `required` validator (none needed: `validate: required`).
 *
 * @example
 * ```ts
 * import { requiredOptions } from "./required.ts";
 * requiredOptions.parse(undefined); // { allow_empty: false }
 * ```
 */
export const requiredOptions = z.object({
  allow_empty: z.boolean().default(false).describe("Accept the empty string as a value"),
}).strict().default({ allow_empty: false });

/**
 * Values that are present. The only rule that looks at nulls; a string of
 * spaces counts as a value.
 *
 * @example In a scenario
 * ```yaml
 * email: { faker: internet.email, validate: required }
 * note:  { faker: lorem.sentence, validate: { required: { allow_empty: true } } }
 * ```
 */
export default definePlugin({
  name: "required",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Every row has a value: not null and not empty (unless allow_empty)",
  options: requiredOptions,
  create(options, setup) {
    const field = ruleField(setup, "required");
    const rejectEmpty = !options.allow_empty;
    return {
      check(batch) {
        const column = batch.columns[columnIndex(batch, field)]!;
        const issues: ValidationIssue[] = [];
        for (let k = 0; k < batch.length; k++) {
          const v = column[k];
          if (v === null) {
            issues.push({
              row: batch.start + k,
              field,
              message: "null where a value is required",
              value: null,
            });
          } else if (v === undefined) {
            issues.push({ row: batch.start + k, field, message: "no value where one is required" });
          } else if (rejectEmpty && v === "") {
            issues.push({
              row: batch.start + k,
              field,
              message: "empty string where a value is required",
              value: v,
            });
          }
        }
        return issues;
      },
    };
  },
});
