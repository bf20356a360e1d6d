/**
 * `timestamp`: the instant of the row on its entity's timeline, for
 * entities counted over time (`count: { timeline: { per_day: 50 } }`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { checkFormat, datetimeForm, DAY_MS, FORMAT_TOKENS, outputForm } from "../_shared/dates.ts";

/**
 * Options of the `timestamp` generator.
 *
 * @example
 * ```ts
 * import { timestampOptions } from "./timestamp.ts";
 * timestampOptions.parse({}); // { precision: "s", date: false }
 * ```
 */
export const timestampOptions = z.object({
  /** Second or millisecond resolution. */
  precision: z.enum(["s", "ms"]).default("s").describe(
    "s (default): whole seconds, 2024-03-05T14:07:31Z; ms: milliseconds",
  ),
  /** The day only. */
  date: z.boolean().default(false).describe(
    "true: the day only, YYYY-MM-DD (type date)",
  ),
  /** How instants are written. */
  format: z.string().min(1).optional().describe(
    `ISO 8601 in UTC by default; a pattern of ${FORMAT_TOKENS.join(", ")} such as ` +
      `YYYY-MM-DD HH:mm:ss (a text column), or epoch (seconds) or epoch_ms`,
  ),
}).strict().prefault({});

/**
 * When the row happened: its instant on the entity's timeline. Rows of an
 * entity counted with `count: { timeline: { per_day: 50, … } }` are spread
 * over the scenario's `period` by the timeline's rates (weekdays, seasons,
 * trend, bursts, time of day); row *i* is not earlier than row *i − 1*.
 *
 * Written like `datetime`: UTC ISO 8601 to the second (`precision: ms` for
 * milliseconds), `date: true` for the day alone, or a `format` (`epoch`,
 * `epoch_ms`, `YYYY-MM-DD HH:mm`).
 *
 * @example In a scenario
 * ```yaml
 * period: { from: 2024-01-01, to: 2024-03-31 }
 * entities:
 *   orders:
 *     count: { timeline: { per_day: 50, weekly: [1, 1, 1, 1, 1.4, 1.6, 0.8] } }
 *     fields:
 *       ordered_at: { timestamp: {} }
 *       order_day:  { timestamp: { date: true } }
 * ```
 */
export default definePlugin({
  name: "timestamp",
  kind: "generator",
  version: "1.0.0",
  description: "The row's instant on its entity's timeline (count: { timeline: … })",
  options: timestampOptions,
  create({ precision, date, format }, setup) {
    const timeline = setup.timeline;
    if (!timeline) {
      throw new PluginInputError(
        `Cannot time ${setup.entity}.${setup.field}: ${setup.entity} rows do not follow a timeline`,
        {
          hint:
            `count ${setup.entity} over time, e.g. count: { timeline: { per_day: 50 } } with period: { from: 2024-01-01, to: 2024-03-31 }; for random instants use { datetime: … }`,
        },
      );
    }
    checkFormat(format);
    if (date) {
      const { type, write } = outputForm(format, { pattern: "YYYY-MM-DD", type: "date" });
      return {
        type,
        value: (row) => write(Math.floor(timeline.timeAt(row.index) / DAY_MS) * DAY_MS),
      };
    }
    const { type, write } = datetimeForm(format, precision);
    const unit = precision === "ms" ? 1 : 1000;
    return {
      type,
      value: (row) => write(Math.floor(timeline.timeAt(row.index) / unit) * unit),
    };
  },
});
