/**
 * `unique`: checks that no two rows share a value (on a field) or a
 * combination of values (`fields`, on an entity or with a field).
 *
 * Memory: the rule remembers every distinct value (or combination) it has
 * seen, with the row that had it first, so it grows with the entity's row
 * count: about 70 bytes per distinct 20-character string (70 MB for a
 * million rows). It is released after the entity's last batch.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import type { BatchValidator, ValidationIssue } from "../../core/types.ts";
import { columnIndex, preview, requireField } from "../_shared/field_rule.ts";

/**
 * Options of the `unique` validator (none needed on a field: `validate: unique`).
 *
 * @example
 * ```ts
 * import { uniqueOptions } from "./unique.ts";
 * uniqueOptions.parse(undefined); // {}
 * uniqueOptions.parse({ fields: ["order_id", "product_id"] });
 * ```
 */
export const uniqueOptions = z.object({
  fields: z.array(z.string().min(1)).min(1).optional().describe(
    "Fields whose combination is unique; on a field, the fields that make the key with it",
  ),
}).strict().default({});

/** A key for values that a Map cannot tell apart by identity (lists, maps). */
function keyOf(v: unknown): unknown {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : v;
}

function singleField(field: string): BatchValidator {
  let firstRow = new Map<unknown, number>();
  return {
    check(batch) {
      const column = batch.columns[columnIndex(batch, field)]!;
      const issues: ValidationIssue[] = [];
      for (let k = 0; k < batch.length; k++) {
        const v = column[k];
        if (v === null || v === undefined) continue;
        const key = keyOf(v);
        const first = firstRow.get(key);
        if (first === undefined) {
          firstRow.set(key, batch.start + k);
        } else {
          issues.push({
            row: batch.start + k,
            field,
            message: `${preview(v)} duplicates row ${first}`,
            value: v,
          });
        }
      }
      return issues;
    },
    finish() {
      firstRow = new Map();
      return [];
    },
  };
}

function composite(fields: readonly string[], issueField: string | undefined): BatchValidator {
  let firstRow = new Map<string, number>();
  // Reused for every row: only the key string is allocated.
  const tuple: unknown[] = new Array(fields.length);
  const cols: (readonly unknown[])[] = new Array(fields.length);
  const names = `(${fields.join(", ")})`;
  return {
    check(batch) {
      for (let j = 0; j < fields.length; j++) {
        cols[j] = batch.columns[columnIndex(batch, fields[j]!)]!;
      }
      const issues: ValidationIssue[] = [];
      rows: for (let k = 0; k < batch.length; k++) {
        for (let j = 0; j < fields.length; j++) {
          const v = cols[j]![k];
          // As in SQL, a combination with a null in it is never a duplicate.
          if (v === null || v === undefined) continue rows;
          tuple[j] = v;
        }
        const key = JSON.stringify(tuple);
        const first = firstRow.get(key);
        if (first === undefined) {
          firstRow.set(key, batch.start + k);
        } else {
          issues.push({
            row: batch.start + k,
            ...(issueField === undefined ? {} : { field: issueField }),
            message: `${names} = ${preview(tuple)} duplicates row ${first}`,
            value: [...tuple],
          });
        }
      }
      return issues;
    },
    finish() {
      firstRow = new Map();
      return [];
    },
  };
}

/**
 * No duplicate values, or no duplicate combinations of values. Nulls are
 * never duplicates (SQL semantics).
 *
 * @example In a scenario
 * ```yaml
 * entities:
 *   customers:
 *     fields:
 *       email: { faker: internet.email, validate: unique }
 *   order_lines:
 *     fields: { … }
 *     validate:
 *       - unique: { fields: [order_id, product_id] }
 * ```
 */
export default definePlugin({
  name: "unique",
  kind: "validator",
  scope: "both",
  version: "1.0.0",
  description: "No two rows share a value (field) or a combination of values (fields)",
  options: uniqueOptions,
  create(options, setup) {
    const fields = [
      ...new Set([...(setup.field === undefined ? [] : [setup.field]), ...(options.fields ?? [])]),
    ];
    if (fields.length === 0) {
      throw new PluginInputError(
        `Cannot check "unique" on ${setup.entity}: say which fields, e.g. { unique: { fields: [a, b] } }`,
        { path: ["fields"] },
      );
    }
    for (const [i, f] of (options.fields ?? []).entries()) {
      requireField(setup, setup.entity, f, ["fields", i]);
    }
    return fields.length === 1 ? singleField(fields[0]!) : composite(fields, setup.field);
  },
});
