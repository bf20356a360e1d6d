/**
 * `datetime`: instants between `from` and `to`, as UTC ISO 8601
 * (`2024-03-05T14:07:31Z`) or in another format. Bounds are ISO dates or
 * datetimes, or offsets from the scenario's reference date (`-2h`, `-6mo`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import {
  checkFormat,
  datetimeForm,
  FORMAT_TOKENS,
  instantOption,
  outputForm,
} from "../_shared/dates.ts";

/** The default range of the `datetime` generator: the year up to the reference date. */
const DATETIME_DEFAULTS = { from: "-1y", to: "now" } as const;

/**
 * Options of the `datetime` generator.
 *
 * @example
 * ```ts
 * import { datetimeOptions } from "./datetime.ts";
 * datetimeOptions.parse({}); // { from: "-1y", to: "now", precision: "s" }
 * ```
 */
export const datetimeOptions = z.object({
  /** The earliest instant. */
  from: z.string().min(1).default(DATETIME_DEFAULTS.from).describe(
    "The earliest instant: an ISO date or datetime (UTC unless it has an offset), now, today, " +
      "or an offset from the reference date (-1y, -6mo, -2h). Default -1y",
  ),
  /** The latest instant. */
  to: z.string().min(1).default(DATETIME_DEFAULTS.to).describe(
    "The latest instant, inclusive: an ISO date or datetime, now, today, or an offset (+30d). Default now",
  ),
  /** Second or millisecond resolution. */
  precision: z.enum(["s", "ms"]).default("s").describe(
    "s (default): whole seconds, 2024-03-05T14:07:31Z; ms: milliseconds, 2024-03-05T14:07:31.250Z",
  ),
  /** How instants are written. */
  format: z.string().min(1).optional().describe(
    `ISO 8601 in UTC by default; a pattern of ${FORMAT_TOKENS.join(", ")} such as ` +
      `YYYY-MM-DD HH:mm:ss (a text column), or epoch (seconds) or epoch_ms`,
  ),
}).strict().prefault({});

/**
 * Uniformly random instants in a range, both ends included, at second (or
 * millisecond) resolution.
 *
 * Output is ISO 8601 in UTC, `YYYY-MM-DDTHH:mm:ssZ` (type datetime), with
 * `.SSS` for `precision: ms`. With `format`, a token pattern gives text,
 * `epoch` whole seconds and `epoch_ms` milliseconds (integers). All UTC:
 * the machine's time zone never matters.
 *
 * @example In a scenario
 * ```yaml
 * created_at: { datetime: { from: -2y, to: now } }
 * logged_at:  { datetime: { from: -2h, precision: ms } }
 * slot:       { datetime: { from: 2025-03-01T08:00:00Z, to: 2025-03-31T18:00:00Z, format: "YYYY-MM-DD HH:mm" } }
 * ts:         { datetime: { from: -30d, format: epoch } }
 * ```
 */
export default definePlugin({
  name: "datetime",
  kind: "generator",
  version: "1.0.0",
  description:
    "Instants from `from` to `to` (ISO or offsets like -2h), as UTC ISO 8601 or a format",
  options: datetimeOptions,
  create({ from, to, precision, format }, setup) {
    const fromMs = instantOption("from", from, setup.referenceDate);
    const toMs = instantOption("to", to, setup.referenceDate);
    checkFormat(format);
    const unit = precision === "ms" ? 1 : 1000;
    const lo = Math.ceil(fromMs / unit), hi = Math.floor(toMs / unit);
    if (lo > hi) {
      const iso = outputForm(undefined, {
        pattern: "YYYY-MM-DDTHH:mm:ss.SSS[Z]",
        type: "datetime",
      });
      throw new PluginInputError(
        `Cannot generate datetimes from "${from}" to "${to}": from (${
          iso.write(fromMs)
        }) is after to (${iso.write(toMs)})`,
        {
          hint: "swap from and to; offsets count from the reference date, so -2y is before -1y",
          path: ["from"],
        },
      );
    }
    const { type, write } = datetimeForm(format, precision);
    return {
      type,
      cardinality: hi - lo + 1,
      value: (row) => write(row.random.int(lo, hi) * unit),
    };
  },
});
