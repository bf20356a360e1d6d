/**
 * `age`: whole years between a date field and the scenario's reference date
 * (or another date field), so an age always agrees with its birthdate.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { DocPath } from "../../core/errors.ts";
import { ymdOf } from "../_shared/dates.ts";
import { fieldRef, fieldUsage, instantValue } from "../_shared/field_ref.ts";

const dateField = z.string().min(1);

/**
 * Options of the `age` generator: the date field, or `{ of, at }`.
 *
 * @example
 * ```ts
 * import { ageOptions } from "./age.ts";
 * ageOptions.parse("birthdate").of; // "birthdate"
 * ageOptions.parse({ of: "customer_id.birthdate", at: "ordered_at" }).at; // "ordered_at"
 * ```
 */
export const ageOptions = z.union([
  dateField.describe("The birthdate field: birthdate, or customer_id.birthdate for a parent's"),
  z.object({
    /** The birthdate field. */
    of: dateField.describe(
      "The birthdate field (an ISO date or datetime): birthdate, or customer_id.birthdate",
    ),
    /** The date the age is measured at (default: the reference date). */
    at: dateField.optional().describe(
      "A date or datetime field to measure the age at, e.g. ordered_at (default: the scenario's reference_date)",
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string"
    ? { of: o, at: undefined, path: [] as DocPath }
    : { of: o.of, at: o.at, path: ["of"] as DocPath }
);

/**
 * Whole years from day `birth` to day `at`, both as YYYYMMDD numbers:
 * negative when the birth is later.
 */
function wholeYears(birth: number, at: number): number {
  const d = at - birth;
  return d >= 0 ? Math.floor(d / 10000) : -Math.floor(-d / 10000) || 0;
}

/**
 * A person's age in whole years, computed from a date field of the same row
 * or of a parent row, at the scenario's `reference_date` or at another date
 * field of the row (an age at the time of an order).
 *
 * Birthdays count on the calendar (UTC days): someone born on 1990-07-04 is
 * 34 on 2025-07-03 and 35 on 2025-07-04. Someone born on 29 February turns a
 * year older on 1 March in years without one. Dates are ISO 8601 (`date`
 * without `format`, or datetimes); a null birthdate or date gives a null age.
 *
 * @example In a scenario
 * ```yaml
 * customers:
 *   fields:
 *     birthdate: { date: { from: -90y, to: -18y } }
 *     age:       { age: birthdate }                      # at reference_date
 * orders:
 *   fields:
 *     customer_id:  { ref: customers.id }
 *     ordered_at:   { datetime: { from: 2024-01-01, to: 2024-12-31 } }
 *     age_at_order: { age: { of: customer_id.birthdate, at: ordered_at } }
 * ```
 */
export default definePlugin({
  name: "age",
  kind: "generator",
  version: "1.0.0",
  description:
    "Whole years from a date field to the reference date or another date field (birthdate → age)",
  options: ageOptions,
  create({ of, at, path }, setup) {
    const birth = fieldRef(of, setup, path);
    const when = at === undefined ? undefined : fieldRef(at, setup, ["at"]);
    const fixed = ymdOf(setup.referenceDate.getTime());
    return {
      type: "integer",
      nullable: true,
      ...fieldUsage(when ? [birth, when] : [birth]),
      value: (row) => {
        const b = instantValue(birth.read(row), birth);
        if (Number.isNaN(b)) return null;
        if (!when) return wholeYears(ymdOf(b), fixed);
        const a = instantValue(when.read(row), when);
        return Number.isNaN(a) ? null : wholeYears(ymdOf(b), ymdOf(a));
      },
    };
  },
});
