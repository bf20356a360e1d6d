/**
 * `ref_by`: a polymorphic foreign key. Another field of the row names the
 * kind of target (`entity_type: order`), and the value is the key of a row
 * of the entity that kind maps to, so it always exists in that table.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { SCALAR_TYPES } from "../_shared/scalar_type.ts";

/**
 * Options of the `ref_by` generator.
 *
 * @example
 * ```ts
 * import { refByOptions } from "./ref_by.ts";
 * refByOptions.parse({ field: "entity_type", to: { order: "orders.id" } }).field; // "entity_type"
 * ```
 */
export const refByOptions = z.object({
  /** The field of the row that names the target kind. */
  field: z.string().min(1).describe("The field of the row naming the kind, e.g. entity_type"),
  /** Kind → parent key (entity.field, or entity for its id). */
  to: z.record(z.string(), z.string().min(1)).refine((t) => Object.keys(t).length > 0, {
    message: "Expected at least one kind, e.g. { order: orders.id }",
  }).describe("Each kind's parent key: { order: orders.id, payment: payments.id }"),
  /** The column type. */
  type: z.enum(SCALAR_TYPES).optional().describe("The column type (default: integer)"),
}).strict();

/**
 * A key of the row of another entity chosen by a field of this row: the
 * `entity_id` of an audit log whose `entity_type` says which table it
 * points to. The parent row is drawn uniformly; a kind missing from `to`
 * (or a null kind) gives null. Being polymorphic, it declares no SQL
 * foreign key.
 *
 * @example In a scenario
 * ```yaml
 * audit_logs:
 *   fields:
 *     entity_type: { choice: [order, payment, product] }
 *     entity_id:
 *       ref_by:
 *         field: entity_type
 *         to: { order: orders.id, payment: payments.id, product: products.id }
 * ```
 */
export default definePlugin({
  name: "ref_by",
  kind: "generator",
  version: "1.0.0",
  description: "A polymorphic foreign key: the table is named by another field of the row",
  options: refByOptions,
  create({ field, to, type }, setup) {
    const own = setup.entities.get(setup.entity)?.fields ?? [];
    if (!own.includes(field)) {
      throw new PluginInputError(`${setup.entity} has no field "${field}"`, {
        hint: didYouMean(field, own, "fields"),
        path: ["field"],
      });
    }
    const targets = new Map<string, { entity: string; key: string; n: number }>();
    for (const [kind, target] of Object.entries(to)) {
      const dot = target.indexOf(".");
      const entity = dot < 0 ? target : target.slice(0, dot);
      const info = setup.entities.get(entity);
      if (!info) {
        throw new PluginInputError(`Cannot reference "${target}": no entity "${entity}"`, {
          hint: didYouMean(entity, [...setup.entities.keys()], "entities"),
          path: ["to", kind],
        });
      }
      const key = dot < 0
        ? (info.fields.includes("id") ? "id" : info.fields[0]!)
        : target.slice(dot + 1);
      if (!info.fields.includes(key)) {
        throw new PluginInputError(
          `Cannot reference "${target}": ${entity} has no field "${key}"`,
          {
            hint: didYouMean(key, info.fields, "fields"),
            path: ["to", kind],
          },
        );
      }
      const n = setup.count(entity);
      if (n === 0) {
        throw new PluginInputError(`Cannot reference ${entity}: it has 0 rows`, {
          hint: `give ${entity} a count of at least 1`,
          path: ["to", kind],
        });
      }
      targets.set(kind, { entity, key, n });
    }
    return {
      type: type ?? "integer",
      uses: [field],
      nullable: true,
      value: (row) => {
        const kind = row.get(field);
        const t = kind === null || kind === undefined ? undefined : targets.get(String(kind));
        if (!t) return null;
        return setup.valueAt(t.entity, t.key, row.random.int(0, t.n - 1));
      },
    };
  },
});
