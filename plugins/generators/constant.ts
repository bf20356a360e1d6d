/**
 * `constant`: the same value in every row. A field written as a bare value
 * (`country: US`) is a constant too.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { FieldType } from "../../core/types.ts";

const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(json),
    z.record(z.string(), json),
  ])
);

/** Options of the `constant` generator: the value, or `{ value: … }`. */
export const constantOptions = z.union([
  z.object({ value: json.describe("The value of every row") }).strict(),
  z.string(),
  z.number(),
  z.boolean(),
]).transform((o) => (typeof o === "object" && o !== null ? o : { value: o }));

/**
 * A fixed value, such as the static fields of a booking payload.
 *
 * @example In a scenario
 * ```yaml
 * phone_number: "1234567890"            # shorthand
 * verification_code: { constant: "123456" }
 * ```
 */
export default definePlugin({
  name: "constant",
  kind: "generator",
  version: "1.0.0",
  description: "The same value in every row",
  options: constantOptions,
  create({ value }) {
    const type: FieldType = typeof value === "number"
      ? (Number.isInteger(value) ? "integer" : "number")
      : typeof value === "boolean"
      ? "boolean"
      : value !== null && typeof value === "object"
      ? "json"
      : "string";
    return {
      type,
      cardinality: 1,
      ...(value === null ? { nullable: true } : {}),
      value: () => value,
    };
  },
});
