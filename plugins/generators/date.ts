/**
 * `date`: calendar dates between `from` and `to` (both inclusive), as
 * `YYYY-MM-DD` or in another format. Bounds are ISO dates or offsets from
 * the scenario's reference date (`-90y`, `-18y`, `+30d`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { checkFormat, DAY_MS, FORMAT_TOKENS, instantOption, outputForm } from "../_shared/dates.ts";

/** The default range of the `date` generator: the year up to the reference date. */
const DATE_DEFAULTS = { from: "-1y", to: "today" } as const;

/**
 * Options of the `date` generator.
 *
 * @example
 * ```ts
 * import { dateOptions } from "./date.ts";
 * dateOptions.parse({ from: "-90y", to: "-18y" }); // { from: "-90y", to: "-18y" }
 * ```
 */
export const dateOptions = z.object({
  /** The earliest date. */
  from: z.string().min(1).default(DATE_DEFAULTS.from).describe(
    "The earliest date: an ISO date (1950-01-01), today, or an offset from the reference date (-90y, -6mo, -30d). Default -1y",
  ),
  /** The latest date. */
  to: z.string().min(1).default(DATE_DEFAULTS.to).describe(
    "The latest date: an ISO date, today, or an offset from the reference date (-18y, +30d). Default today",
  ),
  /** How dates are written. */
  format: z.string().min(1).optional().describe(
    `YYYY-MM-DD by default; a pattern of ${FORMAT_TOKENS.join(", ")} such as MM/DD/YYYY ` +
      `(a text column), or epoch (seconds at UTC midnight) or epoch_ms`,
  ),
}).strict().prefault({});

/**
 * Uniformly random dates in a range, both ends included. The day of an
 * offset or datetime bound is the UTC day it falls on.
 *
 * Output is `YYYY-MM-DD` (type date). With `format`, a token pattern gives
 * text (`MM/DD/YYYY` → `07/04/1990`), `epoch` the seconds at UTC midnight and
 * `epoch_ms` the milliseconds (integers). All UTC: the machine's time zone
 * never matters.
 *
 * @example In a scenario
 * ```yaml
 * birthdate:  { date: { from: -90y, to: -18y } }              # adults
 * dob:        { date: { from: 1950-01-01, to: 2005-12-31, format: MM/DD/YYYY } }
 * visit_date: { date: { from: today, to: +30d } }
 * ```
 */
export default definePlugin({
  name: "date",
  kind: "generator",
  version: "1.0.0",
  description:
    "Dates from `from` to `to` (ISO dates or offsets like -18y), as YYYY-MM-DD or a format",
  options: dateOptions,
  create({ from, to, format }, setup) {
    const fromDay = Math.floor(instantOption("from", from, setup.referenceDate) / DAY_MS);
    const toDay = Math.floor(instantOption("to", to, setup.referenceDate) / DAY_MS);
    checkFormat(format);
    if (fromDay > toDay) {
      const form = outputForm(undefined, { pattern: "YYYY-MM-DD", type: "date" });
      throw new PluginInputError(
        `Cannot generate dates from "${from}" to "${to}": from (${
          form.write(fromDay * DAY_MS)
        }) is after to (${form.write(toDay * DAY_MS)})`,
        {
          hint: "swap from and to; offsets count from the reference date, so -90y is before -18y",
          path: ["from"],
        },
      );
    }
    const { type, write } = outputForm(format, { pattern: "YYYY-MM-DD", type: "date" });
    return {
      type,
      cardinality: toDay - fromDay + 1,
      value: (row) => write(row.random.int(fromDay, toDay) * DAY_MS),
    };
  },
});
