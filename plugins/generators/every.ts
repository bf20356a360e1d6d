/**
 * `every`: fixed-step series (a sensor reading every 5 minutes): the
 * instant `start + position × step`, where the position is the row's place
 * among its parent's rows (or its index when the entity has no parent).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginInputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import {
  checkFormat,
  datetimeForm,
  DURATION_FORMS,
  FORMAT_TOKENS,
  INSTANT_FORMS,
  parseDuration,
  parseInstant,
  shiftBy,
} from "../_shared/dates.ts";
import { isoMillis } from "../_shared/iso_millis.ts";

/**
 * Options of the `every` generator: the step alone (`every: 5m`) or
 * `{ step, start, start_field, precision, format }`.
 *
 * @example
 * ```ts
 * import { everyOptions } from "./every.ts";
 * everyOptions.parse("5m").step; // "5m"
 * everyOptions.parse({ step: "1h", start: "2024-01-01" }).start; // "2024-01-01"
 * ```
 */
export const everyOptions = z.union([
  z.string().min(1).describe("The step: 5m, 30s, 1h, 1d, 1mo (m is minutes here)"),
  z.object({
    step: z.string().min(1).describe("The step: 5m, 30s, 1h, 1d, 1mo (m is minutes here)"),
    start: z.string().min(1).optional().describe(
      "The first instant: 2024-01-01T00:00:00Z, 2024-01-01, today, -7d (default: today, the reference date's midnight)",
    ),
    start_field: z.string().min(1).optional().describe(
      "A field of the row holding each series' first instant (e.g. a lookup of the parent's installed_at)",
    ),
    precision: z.enum(["s", "ms"]).default("s").describe("s (default) or ms"),
    format: z.string().min(1).optional().describe(
      `ISO 8601 in UTC by default; a pattern of ${FORMAT_TOKENS.join(", ")}, or epoch / epoch_ms`,
    ),
  }).strict(),
]).transform((o) =>
  typeof o === "string"
    ? {
      step: o,
      start: undefined,
      start_field: undefined,
      precision: "s" as const,
      format: undefined,
    }
    : o
);

/** `5m` means five minutes in a step; other units are those of durations. */
function stepOf(text: string) {
  const parsed = parseDuration(text.replace(/(\d)m(?![a-z])/gi, "$1min"));
  if (
    !parsed.ok || (parsed.months === 0 && parsed.ms === 0) || parsed.months < 0 || parsed.ms < 0
  ) {
    throw new PluginInputError(
      `Cannot read step "${text}": ${parsed.ok ? "the step must be positive" : parsed.problem}`,
      {
        expected: DURATION_FORMS.replace("a duration", "a positive duration").replace(", or 0", ""),
        hint: "write 5m or 5min for five minutes, 1mo for a month",
        path: ["step"],
      },
    );
  }
  return parsed;
}

/**
 * Instants at a fixed step: row *k* of a parent is `start + k × step`, so
 * the readings of each sensor are 5 minutes apart and start again for the
 * next sensor. With `count: { per: sensors, … }` the position is the row's
 * place among its parent's rows; otherwise it is the row index (one
 * series). `start` is a fixed first instant (default: the reference date's
 * midnight, UTC); `start_field` names a field of the row holding each
 * series' first instant instead (a lookup of the parent's `installed_at`).
 * A step in months (`1mo`) moves by calendar months. Written as UTC ISO
 * 8601 (`precision`, `format` as for `datetime`). Random access: O(1).
 *
 * @example In a scenario
 * ```yaml
 * readings:
 *   count: { per: sensors, min: 288, max: 288 }   # one day at 5 minutes
 *   fields:
 *     sensor_id: { ref: sensors.id }
 *     taken_at:  { every: { step: 5m, start: 2024-01-01T00:00:00Z } }
 * ```
 */
export default definePlugin({
  name: "every",
  kind: "generator",
  version: "1.0.0",
  description: "Fixed-step instants: start + position × step (every 5m per parent)",
  options: everyOptions,
  create({ step, start, start_field, precision, format }, setup) {
    const d = stepOf(step);
    checkFormat(format);
    if (start !== undefined && start_field !== undefined) {
      throw new PluginInputError("Give start or start_field, not both", { path: ["start_field"] });
    }
    let first = Math.floor(setup.referenceDate.getTime() / 86_400_000) * 86_400_000;
    if (start !== undefined) {
      const parsed = parseInstant(start, setup.referenceDate);
      if (!parsed.ok) {
        throw new PluginInputError(`Cannot read start "${start}": ${parsed.problem}`, {
          expected: INSTANT_FORMS,
          ...(parsed.hint ? { hint: parsed.hint } : {}),
          path: ["start"],
        });
      }
      first = parsed.ms;
    }
    if (start_field !== undefined) {
      const fields = setup.entities.get(setup.entity)?.fields ?? [];
      if (!fields.includes(start_field) || start_field === setup.field) {
        throw new PluginInputError(`Unknown field "${start_field}" in start_field`, {
          hint: didYouMean(start_field, fields.filter((f) => f !== setup.field), "fields"),
          path: ["start_field"],
        });
      }
    }
    const owner = setup.owner;
    const { type, write } = datetimeForm(format, precision);
    const unit = precision === "ms" ? 1 : 1000;
    const at = (origin: number, k: number) => {
      const ms = d.months === 0
        ? origin + k * d.ms
        : shiftBy(origin, { months: d.months * k, ms: d.ms * k });
      return write(Math.floor(ms / unit) * unit);
    };
    const positionOf = owner ? (i: number) => owner.positionOf(i) : (i: number) => i;
    if (start_field === undefined) {
      return { type, value: (row) => at(first, positionOf(row.index)) };
    }
    return {
      type,
      uses: [start_field],
      nullable: true,
      value: (row) => {
        const origin = row.get(start_field);
        if (origin === null || origin === undefined) return null;
        const ms = typeof origin === "number" ? origin : isoMillis(String(origin));
        if (Number.isNaN(ms)) throw new Error(`${start_field} is "${origin}", not an instant`);
        return at(ms, positionOf(row.index));
      },
    };
  },
});
