/**
 * The zod schema of a scenario document. Field specs are only checked for
 * shape here; the generator inside each field is resolved and its options
 * validated against the generator plugin's own schema when the scenario is
 * compiled.
 *
 * @module
 */
import { z } from "zod";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A plugin listed in a scenario or deno.json: a specifier, or one with settings. */
const pluginEntrySchema = z.union([
  z.string().min(1),
  z.object({
    /** A local path, `npm:`, `jsr:` or `https:` specifier. */
    source: z.string().min(1),
    /** Run in-process, without a sandbox. */
    trusted: z.boolean().optional(),
    /** Deno permissions granted to the plugin. */
    grants: z.object({
      read: z.array(z.string()).optional(),
      net: z.array(z.string()).optional(),
      env: z.array(z.string()).optional(),
    }).strict().optional(),
  }).strict(),
]);

/** One field: a map with one generator key plus modifiers, or a constant. */
const fieldSpecSchema = z.union([
  z.record(z.string(), z.unknown()),
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
]).meta({ id: "field" });

/** A rule in an entity's `validate` list: `{ <validator>: <options> }`. */
const ruleSchema = z.record(z.string(), z.unknown()).meta({ id: "entityRule" });

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const weights = (n: number, what: string) =>
  z.array(z.number().min(0)).length(n).refine((w) => w.some((x) => x > 0), {
    message: `At least one of the ${n} ${what} weights must be above 0`,
  });

/** Rows spread over the scenario's period by a daily rate and its profiles. */
const timelineSchema = z.object({
  per_day: z.number().min(0).optional().describe("Average rows per day"),
  per_week: z.number().min(0).optional().describe("Average rows per week (instead of per_day)"),
  per_month: z.number().min(0).optional().describe("Average rows per 30 days (instead of per_day)"),
  weekly: weights(7, "weekday").optional().describe(
    "Relative weight of Monday … Sunday (normalised to an average of 1)",
  ),
  monthly: weights(12, "month").optional().describe(
    "Relative weight of January … December, for seasons (normalised to an average of 1)",
  ),
  trend: z.number().min(-0.99).optional().describe(
    "Growth per month, compounding: 0.05 is +5% a month",
  ),
  bursts: z.array(
    z.object({
      from: z.string().regex(DAY, "Expected a date like 2024-11-25"),
      to: z.string().regex(DAY, "Expected a date like 2024-11-30"),
      multiplier: z.number().min(0).describe("Rate multiplier inside the window"),
    }).strict(),
  ).optional().describe("Date windows (inclusive) with a rate multiplier"),
  intraday: z.union([z.enum(["flat", "business", "evening"]), weights(24, "hourly")]).optional()
    .describe("Time of day: flat, business (working hours heavier), evening, or 24 hourly weights"),
  noise: z.number().min(0).max(2).optional().describe(
    "Day-to-day variation (log-normal sd, default 0.1)",
  ),
}).strict().refine(
  (t) => [t.per_day, t.per_week, t.per_month].filter((x) => x !== undefined).length === 1,
  { message: "Give exactly one of per_day, per_week or per_month" },
);

/** How many rows an entity has. */
const countSchema = z.union([
  z.number().int().min(0),
  z.object({
    per: z.string().regex(IDENT).describe("The parent entity: each of its rows gets min–max rows"),
    min: z.number().int().min(0).optional().describe(
      "Fewest rows per parent (default 1; 0 with total)",
    ),
    max: z.number().int().min(0).optional().describe(
      "Most rows per parent (default 1; no limit with total)",
    ),
    p: z.number().min(0).max(1).optional().describe(
      "Share of parents that have any rows at all (the others get 0)",
    ),
    total: z.number().int().min(0).optional().describe(
      "Exactly this many rows in all, spread over the parents within min–max (docs/aggregates.md)",
    ),
  }).strict().refine(
    (c) =>
      c.total === undefined ? (c.min ?? 1) <= (c.max ?? 1) : (c.min ?? 0) <= (c.max ?? Infinity),
    { message: "min cannot be above max", path: ["min"] },
  ).refine((c) => c.total === undefined || c.p === undefined, {
    message: "p cannot be combined with total",
    path: ["p"],
  }),
  z.object({ timeline: timelineSchema }).strict(),
]);

/** One anomaly kind: fields replaced in anomalous rows, or a duplicated row. */
const anomalyKindSchema = z.object({
  weight: z.number().min(0).default(1).describe("Relative frequency among the entity's kinds"),
  set: z.record(z.string().regex(IDENT), fieldSpecSchema).optional().describe(
    "Fields replaced in an anomalous row: { field: <field spec> }; a spec may read the field's normal value",
  ),
  duplicate: z.union([z.boolean(), z.object({ keep: z.array(z.string()) }).strict()]).optional()
    .describe(
      "Repeat the previous row's values (keep: fields that keep their own value, e.g. ids)",
    ),
}).strict();

/** Deliberately broken rows, labelled so tests can find them. */
const anomaliesSchema = z.object({
  rate: z.number().min(0).max(1).optional().describe(
    "Share of rows with an anomaly (default: the scenario's anomaly_rate)",
  ),
  label: z.enum(["column", "entity", "none"]).default("column").describe(
    "column: an _anomaly column; entity: a <entity>_anomalies entity listing them; none",
  ),
  kinds: z.record(z.string().regex(IDENT), anomalyKindSchema).refine(
    (k) => Object.keys(k).length > 0,
    "Name at least one anomaly kind",
  ),
}).strict();

/** An entity: how many rows and how each field is made. */
const entitySchema = z.object({
  description: z.string().optional(),
  count: countSchema,
  locale: z.string().min(1).optional(),
  fields: z.record(z.string().regex(IDENT), fieldSpecSchema).refine(
    (f) => Object.keys(f).length > 0,
    "An entity needs at least one field",
  ),
  validate: z.array(ruleSchema).optional(),
  anomalies: anomaliesSchema.optional(),
  primary_key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional()
    .describe("The primary key: a field, or fields together: [post_id, tag_id]"),
  unique: z.union([
    z.array(z.string().min(1)).min(1),
    z.array(z.array(z.string().min(1)).min(1)).min(1),
  ]).optional().describe(
    "Fields unique together: [post_id, tag_id], or several sets: [[a, b], [c, d]]",
  ),
}).strict();

/** Where and how output is written. Other keys hold per-format options. */
const outputSchema = z.object({
  format: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional(),
  layout: z.enum(["per-entity", "single", "split"]).optional(),
  batch_size: z.number().int().min(1).max(1_000_000).optional(),
}).catchall(z.record(z.string(), z.unknown())).meta({ id: "output" });

const scenarioObject = z.object({
  $schema: z.string().optional(),
  name: z.string().regex(NAME, "Expected a name of letters, digits, '.', '-' or '_'")
    .default("scenario"),
  description: z.string().optional(),
  extends: z.union([z.string(), z.array(z.string())]).optional(),
  seed: z.union([z.number().int(), z.string().min(1)]).default(1),
  locale: z.string().min(1).default("en"),
  reference_date: z.string().regex(ISO_DATE, "Expected an ISO date like 2025-01-01")
    .default("2025-01-01"),
  plugins: z.array(pluginEntrySchema).default([]),
  period: z.object({
    from: z.string().regex(DAY, "Expected a date like 2024-01-01"),
    to: z.string().regex(DAY, "Expected a date like 2024-12-31"),
  }).strict().optional().describe("The dates (inclusive) timelines spread rows over"),
  anomaly_rate: z.number().min(0).max(1).optional().describe(
    "Default share of anomalous rows for entities that declare anomaly kinds",
  ),
  entities: z.record(z.string().regex(IDENT), entitySchema).refine(
    (e) => Object.keys(e).length > 0,
    "A scenario needs at least one entity",
  ),
  output: outputSchema.default({}),
}).strict();

/** A plugin listed in a scenario or deno.json. */
export type PluginEntry = string | {
  /** A local path, `npm:`, `jsr:` or `https:` specifier. */
  source: string;
  /** Run in-process, without a sandbox. */
  trusted?: boolean | undefined;
  /** Deno permissions granted to the plugin. */
  grants?:
    | { read?: string[] | undefined; net?: string[] | undefined; env?: string[] | undefined }
    | undefined;
};

/** A timeline: rows spread over the scenario's period. */
export interface TimelineSpec {
  per_day?: number | undefined;
  per_week?: number | undefined;
  per_month?: number | undefined;
  weekly?: number[] | undefined;
  monthly?: number[] | undefined;
  trend?: number | undefined;
  bursts?: { from: string; to: string; multiplier: number }[] | undefined;
  intraday?: "flat" | "business" | "evening" | number[] | undefined;
  noise?: number | undefined;
}

/** How many rows: a number, per parent row, or over time. */
export type CountSpec =
  | number
  | {
    per: string;
    min?: number | undefined;
    max?: number | undefined;
    p?: number | undefined;
    total?: number | undefined;
  }
  | { timeline: TimelineSpec };

/** One anomaly kind. */
export interface AnomalyKindSpec {
  weight: number;
  set?: Record<string, unknown> | undefined;
  duplicate?: boolean | { keep: string[] } | undefined;
}

/** An entity's anomalies. */
export interface AnomaliesSpec {
  rate?: number | undefined;
  label: "column" | "entity" | "none";
  kinds: Record<string, AnomalyKindSpec>;
}

/** One entity of a scenario. */
export interface EntitySpec {
  /** What the entity is. */
  description?: string | undefined;
  /** How many rows. */
  count: CountSpec;
  /** Locale of the entity's fields. */
  locale?: string | undefined;
  /** Field specs by name: `{ <generator>: <options>, <modifiers>… }` or a constant. */
  fields: Record<string, unknown>;
  /** Entity-level validator rules. */
  validate?: Record<string, unknown>[] | undefined;
  /** Deliberately broken rows. */
  anomalies?: AnomaliesSpec | undefined;
  /** The primary key: a field or fields together. */
  primary_key?: string | string[] | undefined;
  /** Fields unique together: one set, or several. */
  unique?: string[] | string[][] | undefined;
}

/** Where and how output is written; other keys hold per-format options. */
export interface OutputSpec {
  /** Format name(s). */
  format?: string | string[] | undefined;
  /** File layout. */
  layout?: "per-entity" | "single" | "split" | undefined;
  /** Rows per batch. */
  batch_size?: number | undefined;
  /** Per-format options, keyed by format name. */
  [format: string]: unknown;
}

/** A scenario as validated (`extends` merged, defaults applied). */
export interface Scenario {
  /** Editor schema hint. */
  $schema?: string | undefined;
  /** The scenario's name (used in output folder names). */
  name: string;
  /** What it generates. */
  description?: string | undefined;
  /** The scenario(s) it extends. */
  extends?: string | string[] | undefined;
  /** The seed: same seed, same data. */
  seed: number | string;
  /** Default locale. */
  locale: string;
  /** "Now" for relative dates, ages and faker (ISO date). */
  reference_date: string;
  /** Extra plugins. */
  plugins: PluginEntry[];
  /** The dates timelines spread rows over. */
  period?: { from: string; to: string } | undefined;
  /** Default anomaly share. */
  anomaly_rate?: number | undefined;
  /** Entities by name. */
  entities: Record<string, EntitySpec>;
  /** Output settings. */
  output: OutputSpec;
}

/** The zod schema of a whole scenario document (after `extends` are merged). */
export const scenarioSchema: z.ZodType<Scenario> = scenarioObject;
