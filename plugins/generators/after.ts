/**
 * `after`: a date or instant at a random offset from another field, so a
 * ship date follows its order date, a due date its invoice date.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import type { Random } from "../../core/random.ts";
import {
  checkFormat,
  datetimeForm,
  DAY_MS,
  DURATION_FORMS,
  FORMAT_TOKENS,
  nominalMs,
  outputForm,
  parseDuration,
  shiftBy,
} from "../_shared/dates.ts";
import { RESAMPLES } from "../_shared/distributions.ts";
import { fieldRef, fieldUsage, instantValue } from "../_shared/field_ref.ts";

const duration = z.union([z.string().min(1), z.literal(0)]);

/**
 * The distributions an offset may follow, by name.
 *
 * @example
 * ```ts
 * import { AFTER_DISTRIBUTIONS } from "./after.ts";
 * AFTER_DISTRIBUTIONS.includes("exponential"); // true
 * ```
 */
export const AFTER_DISTRIBUTIONS = ["uniform", "exponential", "normal"] as const;

/**
 * Options of the `after` generator.
 *
 * @example
 * ```ts
 * import { afterOptions } from "./after.ts";
 * afterOptions.parse({ field: "ordered_at", min: "1h", max: "5d" }).distribution; // "uniform"
 * ```
 */
export const afterOptions = z.object({
  /** The field the offset starts from. */
  field: z.string().min(1).describe(
    "The date or datetime field to start from: ordered_at, or order_id.ordered_at for a parent's",
  ),
  /** The smallest offset. */
  min: duration.default("0").describe(
    "The smallest offset: 0 (default), 1h, 2d, 6mo, or negative (-3d) for values before the field",
  ),
  /** The largest offset (default: min, a fixed offset). */
  max: duration.optional().describe(
    "The largest offset, e.g. 5d (default: min, a fixed offset)",
  ),
  /** How offsets spread between min and max. */
  distribution: z.union([
    // A string rather than an enum, so a typo gets a did-you-mean hint.
    z.string().meta({
      description: "uniform (default), exponential or normal, with default parameters",
      examples: [...AFTER_DISTRIBUTIONS],
    }),
    z.object({
      uniform: z.object({}).strict().optional().describe("Every offset equally likely"),
      exponential: z.object({
        mean: duration.optional().describe(
          "The mean time past min, e.g. 2d (default: a fifth of max − min)",
        ),
      }).strict().optional().describe("Mostly soon after min, with a long tail"),
      normal: z.object({
        mean: duration.optional().describe("The mean offset (default: halfway from min to max)"),
        sd: duration.optional().describe("The standard deviation (default: (max − min) / 6)"),
      }).strict().optional().describe("Offsets around a mean"),
    }).strict().refine((o) => Object.keys(o).length === 1, {
      message: "Expected exactly one distribution, e.g. { exponential: { mean: 2d } }",
    }),
  ]).default("uniform").describe(
    "uniform (default), { exponential: { mean: 2d } } or { normal: { mean: 3d, sd: 12h } }; " +
      "offsets outside min..max are redrawn, then clamped",
  ),
  /** Second or millisecond resolution of datetimes. */
  precision: z.enum(["s", "ms"]).default("s").describe(
    "Resolution of datetimes: s (default) or ms; dates are whole days",
  ),
  /** The output form, when not the source's. */
  as: z.enum(["date", "datetime"]).optional().describe(
    "date or datetime; default: the same form as the field's value (the column is declared datetime)",
  ),
  /** How values are written. */
  format: z.string().min(1).optional().describe(
    `ISO 8601 by default; a pattern of ${FORMAT_TOKENS.join(", ")} (a text column), ` +
      `or epoch (seconds) or epoch_ms`,
  ),
}).strict();

/** Months and fixed milliseconds. */
interface Duration {
  readonly months: number;
  readonly ms: number;
}

function durationOption(text: string | 0, path: DocPath): Duration {
  const parsed = parseDuration(String(text));
  if (parsed.ok) return parsed;
  throw new PluginInputError(`Cannot read duration "${text}": ${parsed.problem}`, {
    expected: DURATION_FORMS,
    ...(parsed.hint ? { hint: parsed.hint } : {}),
    path,
  });
}

/** Draws an instant in [lo, hi], given the source instant. */
type OffsetSampler = (random: Random, source: number, lo: number, hi: number) => number;

function offsetSampler(
  distribution: z.infer<typeof afterOptions>["distribution"],
  min: Duration,
  max: Duration,
): OffsetSampler {
  const name = typeof distribution === "string" ? distribution : Object.keys(distribution)[0]!;
  const params = typeof distribution === "string"
    ? {}
    : (Object.values(distribution)[0] ?? {}) as { mean?: string | 0; sd?: string | 0 };
  const lo = nominalMs(min), width = nominalMs(max) - lo;
  switch (name) {
    case "uniform":
      return (r, _s, lo, hi) => lo + Math.floor(r.double() * (hi - lo + 1));
    case "exponential": {
      const mean = params.mean === undefined
        ? width / 5
        : nominalMs(durationOption(params.mean, ["distribution", "exponential", "mean"]));
      return (r, _s, lo, hi) => {
        for (let i = 0; i < RESAMPLES; i++) {
          const v = lo - Math.log(1 - r.double()) * mean;
          if (v <= hi) return v;
        }
        return hi;
      };
    }
    case "normal": {
      const mean = params.mean === undefined
        ? lo + width / 2
        : nominalMs(durationOption(params.mean, ["distribution", "normal", "mean"]));
      const sd = params.sd === undefined
        ? width / 6 || 1
        : nominalMs(durationOption(params.sd, ["distribution", "normal", "sd"]));
      return (r, s, lo, hi) => {
        let v = s + r.normal(mean, sd);
        for (let i = 0; i < RESAMPLES && !(v >= lo && v <= hi); i++) v = s + r.normal(mean, sd);
        return v < lo ? lo : v > hi ? hi : v;
      };
    }
    default:
      throw new PluginInputError(`Unknown distribution "${name}"`, {
        expected: `one of ${AFTER_DISTRIBUTIONS.join(", ")}`,
        hint: didYouMean(name, AFTER_DISTRIBUTIONS, "distributions"),
        path: ["distribution"],
      });
  }
}

/**
 * A date or instant at an offset from another field of the row (or of a
 * parent row): ship dates after order dates, due dates after invoice dates,
 * expiry dates after start dates.
 *
 * The offset lies between `min` and `max`, durations such as `90min`, `2h`,
 * `30d`, `6mo` or `1y` (years and months move by calendar, so `1mo` after
 * 31 January is the end of February). Negative offsets give values before
 * the field, e.g. `min: -3d, max: -1h` for out-of-order anomalies. Offsets
 * follow `distribution`: uniform by default, or exponential (mostly soon,
 * a long tail) or normal; draws outside the range are redrawn, then
 * clamped. In distribution parameters a month counts as 30.44 days.
 *
 * A value keeps the form of the field it starts from: a `YYYY-MM-DD` date
 * gives a date (the day the instant falls on), a datetime gives a datetime
 * (to the second, or the millisecond with `precision: ms`). `as` forces one
 * form, `format` writes another (`epoch`, `MM/DD/YYYY`, …). Without `as` or
 * `format` the column is declared a datetime, which holds dates as well.
 * Whenever `min` ≥ 0 the value is never before the field's value. A null
 * field gives null; a value that is not ISO 8601 is an error.
 *
 * @example In a scenario
 * ```yaml
 * ordered_at: { datetime: { from: 2024-01-01, to: 2024-12-31 } }
 * shipped_at: { after: { field: ordered_at, min: 1h, max: 5d, distribution: { exponential: { mean: 1d } } } }
 * ship_date:  { after: { field: ordered_at, min: 1d, max: 3d, as: date } }
 * due_on:     { after: { field: invoice_id.issued_on, min: 30d } }       # exactly 30 days later
 * ```
 */
export default definePlugin({
  name: "after",
  kind: "generator",
  version: "1.0.0",
  description:
    "A date or datetime at an offset (min..max, e.g. 1h..5d) from another date field of the row",
  options: afterOptions,
  create({ field, min: minText, max: maxText, distribution, precision, as, format }, setup) {
    const source = fieldRef(field, setup, ["field"]);
    const min = durationOption(minText, ["min"]);
    const max = maxText === undefined ? min : durationOption(maxText, ["max"]);
    if (nominalMs(min) > nominalMs(max)) {
      throw new PluginInputError(
        `Cannot offset "${field}" by ${minText} to ${maxText}: min is longer than max`,
        { hint: "swap min and max; a negative offset (-3d) goes before the field", path: ["min"] },
      );
    }
    checkFormat(format);
    const sample = offsetSampler(distribution, min, max);
    const iso = format === undefined || format === "iso";
    // Without `as` or `format` each value takes its source's form; a
    // datetime column holds both.
    const toDate = outputForm(iso ? undefined : format, { pattern: "YYYY-MM-DD", type: "date" })
      .write;
    const dt = datetimeForm(iso ? undefined : format, precision);
    const type = iso ? (as ?? "datetime") : dt.type;
    const unit = precision === "ms" ? 1 : 1000;
    const calendar = min.months !== 0 || max.months !== 0;
    return {
      type,
      nullable: true,
      ...fieldUsage([source]),
      value: (row) => {
        const raw = source.read(row);
        const from = instantValue(raw, source);
        if (Number.isNaN(from)) return null;
        const lo = calendar ? shiftBy(from, min) : from + min.ms;
        let hi = calendar ? shiftBy(from, max) : from + max.ms;
        if (hi < lo) hi = lo; // 30d..1mo from 1 February
        const v = sample(row.random, from, lo, hi);
        const asDate = as === undefined ? (raw as string).length === 10 : as === "date";
        if (asDate) return toDate(Math.floor(v / DAY_MS) * DAY_MS);
        // Round down to the resolution, but never below lo (ship ≥ order).
        let t = Math.floor(v / unit) * unit;
        if (t < lo) t += unit;
        return dt.write(t);
      },
    };
  },
});
