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

/** An entity: how many rows and how each field is made. */
const entitySchema = z.object({
  description: z.string().optional(),
  count: z.number().int().min(0),
  locale: z.string().min(1).optional(),
  fields: z.record(z.string().regex(IDENT), fieldSpecSchema).refine(
    (f) => Object.keys(f).length > 0,
    "An entity needs at least one field",
  ),
  validate: z.array(ruleSchema).optional(),
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

/** One entity of a scenario. */
export interface EntitySpec {
  /** What the entity is. */
  description?: string | undefined;
  /** How many rows. */
  count: number;
  /** Locale of the entity's fields. */
  locale?: string | undefined;
  /** Field specs by name: `{ <generator>: <options>, <modifiers>… }` or a constant. */
  fields: Record<string, unknown>;
  /** Entity-level validator rules. */
  validate?: Record<string, unknown>[] | undefined;
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
  /** Entities by name. */
  entities: Record<string, EntitySpec>;
  /** Output settings. */
  output: OutputSpec;
}

/** The zod schema of a whole scenario document (after `extends` are merged). */
export const scenarioSchema: z.ZodType<Scenario> = scenarioObject;
