/**
 * Building blocks of the validator plugins: find a column in a batch, show a
 * value in a message, check every non-null value of a field, and complain
 * about a field name that is not in the entity.
 *
 * @module
 */
import { PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { Batch, BatchValidator, ValidationIssue, ValidatorSetup } from "../../core/types.ts";

/**
 * The index of a field's column in a batch. Call it once per batch, not per
 * row.
 *
 * @param batch The batch (every field of the entity).
 * @param field The field's name.
 * @returns The column index.
 * @throws {Error} When the batch has no such field: a kernel bug, since
 *   batches given to validators hold every field.
 * @example
 * ```ts
 * import { columnIndex } from "./field_rule.ts";
 * const batch = { entity: "e", start: 0, length: 1, fields: ["id", "email"], columns: [[1], ["a@b.io"]] };
 * columnIndex(batch, "email"); // 1
 * ```
 */
export function columnIndex(batch: Batch, field: string): number {
  const i = batch.fields.indexOf(field);
  if (i < 0) {
    throw new Error(
      `Cannot find field "${field}" in a batch of ${batch.entity} (fields: ${
        batch.fields.join(", ")
      })`,
    );
  }
  return i;
}

/**
 * A value as it appears in a message: JSON, cut at 40 characters.
 *
 * @param value Anything.
 * @returns e.g. `"ab@"`, `42`, `null`.
 * @example
 * ```ts
 * import { preview } from "./field_rule.ts";
 * preview("x".repeat(50)); // '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"'
 * ```
 */
export function preview(value: unknown): string {
  if (value === undefined) return "undefined";
  // JSON would write NaN and Infinity as null.
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}

/**
 * The field a field rule is attached to.
 *
 * @param setup The validator's setup.
 * @param rule The rule's name, for the message.
 * @returns The field's name.
 * @throws {PluginInputError} When the rule is not attached to a field.
 * @example
 * ```ts ignore
 * const field = ruleField(setup, "format");
 * ```
 */
export function ruleField(setup: ValidatorSetup, rule: string): string {
  if (setup.field === undefined) {
    throw new PluginInputError(
      `Cannot check "${rule}" on ${setup.entity}: it checks one field; attach it to a field's validate`,
    );
  }
  return setup.field;
}

/**
 * Checks that a field exists in an entity, with a did-you-mean when not. The
 * hint is part of the message because the kernel sets validators up at run
 * time, where only the message is shown.
 *
 * @param setup The validator's setup (for the entities).
 * @param entity The entity that should hold the field.
 * @param field The field's name.
 * @param path Where the name is written inside the rule's options.
 * @throws {PluginInputError} When the entity or the field does not exist.
 * @example
 * ```ts ignore
 * requireField(setup, "orders", "shipped_at", ["left"]);
 * ```
 */
export function requireField(
  setup: ValidatorSetup,
  entity: string,
  field: string,
  path: readonly (string | number)[] = [],
): void {
  const info = setup.entities.get(entity);
  if (!info) {
    throw new PluginInputError(
      `Unknown entity "${entity}": ${didYouMean(entity, [...setup.entities.keys()], "entities")}`,
      { path },
    );
  }
  if (!info.fields.includes(field)) {
    throw new PluginInputError(
      `"${field}" is not a field of ${entity}: ${didYouMean(field, info.fields, "fields")}`,
      { path },
    );
  }
}

/**
 * A validator that looks at each non-null value of one field alone. `problem`
 * returns `undefined` for a good value, else what is wrong with it
 * (`"is not a UUID"`); the issue's message is the value followed by that.
 * Null and undefined values are skipped, as in SQL.
 *
 * @param field The field.
 * @param problem What is wrong with a value, or `undefined`.
 * @returns The validator.
 * @example
 * ```ts
 * import { fieldRule } from "./field_rule.ts";
 * const positive = fieldRule("n", (v) => (typeof v === "number" && v > 0 ? undefined : "is not positive"));
 * positive.check({ entity: "e", start: 10, length: 2, fields: ["n"], columns: [[1, -1]] });
 * // [{ row: 11, field: "n", message: "-1 is not positive", value: -1 }]
 * ```
 */
export function fieldRule(
  field: string,
  problem: (value: unknown) => string | undefined,
): BatchValidator {
  return {
    check(batch) {
      const column = batch.columns[columnIndex(batch, field)]!;
      const issues: ValidationIssue[] = [];
      for (let k = 0; k < batch.length; k++) {
        const v = column[k];
        if (v === null || v === undefined) continue;
        const p = problem(v);
        if (p !== undefined) {
          issues.push({ row: batch.start + k, field, message: `${preview(v)} ${p}`, value: v });
        }
      }
      return issues;
    },
  };
}
