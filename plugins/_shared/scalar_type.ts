/**
 * The column type of a list of scalar values, shared by the generators that
 * pick from values given in the scenario (`choice`, `map`).
 *
 * @module
 */
import type { FieldType } from "../../core/types.ts";

/**
 * The column types a list of scalar values can be declared as (a `type`
 * option), e.g. `date` for ISO dates written as text.
 *
 * @example
 * ```ts
 * import { SCALAR_TYPES } from "./scalar_type.ts";
 * SCALAR_TYPES.includes("date"); // true
 * ```
 */
export const SCALAR_TYPES = [
  "string",
  "integer",
  "number",
  "boolean",
  "date",
  "datetime",
  "uuid",
] as const satisfies readonly FieldType[];

/**
 * A value a scenario can list: text, a number, a boolean or null.
 *
 * @example
 * ```ts
 * import type { Scalar } from "./scalar_type.ts";
 * const values: Scalar[] = ["US", 1, true, null];
 * ```
 */
export type Scalar = string | number | boolean | null;

/**
 * The type of a list of values, and the values converted to fit it: all
 * booleans give `boolean`, all integers `integer`, all numbers `number`;
 * text, or a mix of kinds, gives `string` and every value becomes text, so
 * the column stays one type. Nulls are ignored.
 *
 * @param values The values as written.
 * @returns The type and the values to use.
 * @example
 * ```ts
 * import { inferScalarType } from "./scalar_type.ts";
 * inferScalarType([1, 2, null]).type; // "integer"
 * inferScalarType(["a", 1]).values; // ["a", "1"]
 * ```
 */
export function inferScalarType(values: readonly Scalar[]): { type: FieldType; values: Scalar[] } {
  const present = values.filter((v) => v !== null);
  const all = (t: string) => present.length > 0 && present.every((v) => typeof v === t);
  if (all("boolean")) return { type: "boolean", values: [...values] };
  if (all("number")) {
    const ints = present.every((v) => Number.isInteger(v));
    return { type: ints ? "integer" : "number", values: [...values] };
  }
  return { type: "string", values: values.map((v) => (v === null ? null : String(v))) };
}
