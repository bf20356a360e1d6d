/**
 * `ref`: referential integrity. Every non-null value of a foreign-key field
 * must be a key of the parent entity.
 *
 * Memory and time: on its first batch the rule regenerates every parent key
 * by index and keeps them in a set, so it holds O(parent rows) values and
 * pays one parent-key generation per parent row, once per run.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import type { ValidationIssue } from "../../core/types.ts";
import { columnIndex, preview, requireField, ruleField } from "../_shared/field_rule.ts";

const target = z.string().regex(/^[^.\s]+\.[^.\s]+$/, "Expected entity.field, e.g. customers.id")
  .describe("The parent key, entity.field, e.g. customers.id");

/**
 * Options of the `ref` validator: none when the field is a ref, else the
 * parent key.
 *
 * @example
 * ```ts
 * import { refOptions } from "./ref.ts";
 * refOptions.parse(undefined); // {}
 * refOptions.parse({ to: "customers.id" }); // { to: { entity: "customers", field: "id" } }
 * ```
 */
export const refOptions = z.union([
  target,
  z.object({ to: target }).strict(),
]).optional().transform((o) => {
  const to = typeof o === "string" ? o : o?.to;
  if (to === undefined) return {};
  const [entity, field] = to.split(".") as [string, string];
  return { to: { entity, field } };
});

/**
 * Foreign keys that point at existing parent rows. On a field made by the
 * `ref` generator the parent is known; elsewhere, say which key with `to`.
 *
 * @example In a scenario
 * ```yaml
 * customer_id: { ref: customers.id, validate: ref }
 * legacy_id:   { faker: number.int, validate: { ref: { to: customers.id } } }
 * ```
 */
export default definePlugin({
  name: "ref",
  kind: "validator",
  scope: "field",
  version: "1.0.0",
  description: "Foreign keys exist among the parent entity's keys",
  options: refOptions,
  create(options, setup) {
    const field = ruleField(setup, "ref");
    const parent = options.to ?? setup.refOf(setup.entity, field);
    if (!parent) {
      throw new PluginInputError(
        `Cannot check "ref" on ${setup.entity}.${field}: it is not a ref field; name the parent key: { ref: { to: customers.id } }`,
      );
    }
    requireField(setup, parent.entity, parent.field, ["to"]);
    const label = `${parent.entity}.${parent.field}`;
    let keys: Set<unknown> | undefined;
    const loadKeys = () => {
      const set = new Set<unknown>();
      const n = setup.count(parent.entity);
      for (let i = 0; i < n; i++) {
        const v = setup.valueAt(parent.entity, parent.field, i);
        if (v !== null && v !== undefined) set.add(v);
      }
      return set;
    };
    return {
      check(batch) {
        const parentKeys = (keys ??= loadKeys());
        const column = batch.columns[columnIndex(batch, field)]!;
        const issues: ValidationIssue[] = [];
        for (let k = 0; k < batch.length; k++) {
          const v = column[k];
          if (v === null || v === undefined || parentKeys.has(v)) continue;
          issues.push({
            row: batch.start + k,
            field,
            message: `${preview(v)} is not a ${label}`,
            value: v,
          });
        }
        return issues;
      },
      finish() {
        keys = undefined;
        return [];
      },
    };
  },
});
