/**
 * `map`: a value chosen by another field's value through a table
 * (`US → USD, DE → EUR, EG → EGP`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { fieldRef, fieldUsage } from "../_shared/field_ref.ts";
import { inferScalarType, SCALAR_TYPES } from "../_shared/scalar_type.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Options of the `map` generator.
 *
 * @example
 * ```ts
 * import { mapOptions } from "./map.ts";
 * mapOptions.parse({ from: "country", values: { US: "USD", EG: "EGP" } }).values.US; // "USD"
 * ```
 */
export const mapOptions = z.object({
  /** The field whose value is looked up. */
  from: z.string().min(1).describe(
    "The field to map: country, or customer_id.country for the parent's",
  ),
  /** The table: the field's value → the output. */
  values: z.record(z.string(), scalar).refine((v) => Object.keys(v).length > 0, {
    message: "Expected at least one entry, e.g. { US: USD, EG: EGP }",
  }).describe("The table, e.g. { US: USD, DE: EUR, EG: EGP }; keys are compared as text"),
  /** The output for a value not in the table. */
  default: scalar.optional().describe("The output for values not in the table (default: null)"),
  /** The column type, when the inferred one is not right. */
  type: z.enum(SCALAR_TYPES).optional().describe(
    "The column type (default: inferred from the values)",
  ),
}).strict();

/**
 * A value looked up in a table by another field of the row or of the parent
 * row: currencies by country, tax rates by region, labels by code.
 *
 * Keys are compared as text (the number 1 finds the key `"1"`). A value not
 * in the table gives `default`, or null without one; a null field gives
 * null. The column type is inferred from the outputs as in `choice` (all
 * integers: integer; a mix of kinds: text) unless `type` says otherwise.
 *
 * @example In a scenario
 * ```yaml
 * orders:
 *   fields:
 *     customer_id: { ref: customers.id }
 *     currency:    { map: { from: customer_id.country, values: { US: USD, DE: EUR, EG: EGP }, default: USD } }
 *     vat_rate:    { map: { from: customer_id.country, values: { DE: 0.19, EG: 0.14 }, default: 0 } }
 * ```
 */
export default definePlugin({
  name: "map",
  kind: "generator",
  version: "1.0.0",
  description: "A value looked up by another field's value: { from: country, values: { US: USD } }",
  options: mapOptions,
  create(options, setup) {
    const source = fieldRef(options.from, setup, ["from"]);
    const keys = Object.keys(options.values);
    const fallback = options.default ?? null;
    // The default goes through inference too, so it gets the same type.
    const inferred = inferScalarType([...keys.map((k) => options.values[k]!), fallback]);
    const table = new Map(keys.map((k, i) => [k, inferred.values[i]!]));
    const otherwise = inferred.values[keys.length]!;
    const outputs = new Set(inferred.values);
    outputs.delete(null);
    const read = source.read;
    return {
      type: options.type ?? inferred.type,
      nullable: true,
      ...(outputs.size > 0 ? { cardinality: outputs.size } : {}),
      ...fieldUsage([source]),
      value: (row) => {
        const v = read(row);
        if (v === null || v === undefined) return null;
        const out = table.get(typeof v === "string" ? v : String(v));
        return out === undefined ? otherwise : out;
      },
    };
  },
});
