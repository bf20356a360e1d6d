/**
 * `choice`: one of a list of values, uniformly or by weight.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { inferScalarType, type Scalar, SCALAR_TYPES } from "../_shared/scalar_type.ts";
import { columnOf, type DataTable, loadDataFile } from "../_shared/data_file.ts";
import { PluginInputError } from "../../core/errors.ts";
import type { FieldGenerator, GeneratorSetup, RowContext } from "../../core/types.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The file form of `choice`: rows of a CSV/TSV/JSON/JSONL file. */
const fileOptions = z.object({
  /** The data file, relative to the scenario file's folder. */
  file: z.string().min(1).describe(
    "A .csv, .tsv, .json (array of objects) or .jsonl file in the scenario's folder (or below)",
  ),
  /** The column whose value is output; without it, the whole row (an object). */
  value: z.string().min(1).optional().describe(
    "The column to output (default: the whole row as an object, to take several columns from)",
  ),
  /** A numeric column of relative weights. */
  weight: z.string().min(1).optional().describe(
    "A column of relative weights, numbers >= 0, e.g. population (default: every row equally)",
  ),
  /** The column type, when the inferred one is not right. */
  type: z.enum(SCALAR_TYPES).optional().describe(
    "The column type (default: inferred from the column's values)",
  ),
}).strict();

/**
 * Options of the `choice` generator: a list, `{ values, weights }`, or
 * `{ file, value, weight }`.
 *
 * @example
 * ```ts
 * import { choiceOptions } from "./choice.ts";
 * choiceOptions.parse(["S", "M", "L"]); // { values: ["S", "M", "L"] }
 * ```
 */
export const choiceOptions = z.union([
  fileOptions,
  z.array(scalar).min(1).describe("The values to pick from, uniformly"),
  z.object({
    /** The values to pick from. */
    values: z.array(scalar).min(1).describe("The values to pick from"),
    /** Relative weights, one per value (default: all equal). */
    weights: z.array(z.number().min(0)).optional().describe(
      "Relative weights, one per value, e.g. [70, 25, 5] (default: all equal)",
    ),
    /** The column type, when the inferred one is not right. */
    type: z.enum(SCALAR_TYPES).optional().describe(
      "The column type (default: inferred from the values)",
    ),
  }).strict().superRefine((o, ctx) => {
    const w = o.weights;
    if (w === undefined) return;
    if (w.length !== o.values.length) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: `Expected one weight per value: ${o.values.length} value${
          o.values.length === 1 ? "" : "s"
        } but ${w.length} weight${w.length === 1 ? "" : "s"}`,
      });
    } else if (!(w.reduce((a, b) => a + b, 0) > 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: "Expected at least one weight above 0: with all weights 0 no value can be picked",
      });
    }
  }),
]).transform((o) => (Array.isArray(o) ? { values: o } : o));

/**
 * One of a list of values: statuses, categories, plans. With `weights`,
 * value *i* is picked with probability `weights[i] / sum(weights)`.
 *
 * The type is inferred from the values: all integers give an integer
 * column, all numbers a number column, all booleans a boolean column;
 * strings, or a mix of kinds, give a string column (a mixed list's values
 * are turned into text, so the column stays one type). `null` may be one of
 * the values. Set `type` to override, e.g. `date` for a list of ISO dates.
 *
 * With `file`, the rows of a data file are picked from (by the `weight`
 * column, or evenly) and the `value` column is output; without `value`, the
 * whole row, as an object, so other fields can take several columns of the
 * same row with `lookup: { field, key }`. The file is read once per run and
 * held in memory (at most 64 MiB); see docs/data-files.md.
 *
 * @example In a scenario
 * ```yaml
 * size:   { choice: [S, M, L, XL] }
 * status: { choice: { values: [active, paused, churned], weights: [80, 15, 5] } }
 * stars:  { choice: { values: [1, 2, 3, 4, 5], weights: [5, 5, 10, 30, 50] } }
 * city:   { choice: { file: cities.csv, value: name, weight: population } }
 * ```
 */
export default definePlugin({
  name: "choice",
  kind: "generator",
  version: "1.0.0",
  description: "One of a list of values, uniformly or by weights",
  options: choiceOptions,
  create(options, setup) {
    if ("file" in options) return fromFile(options, setup);
    const inferred = inferScalarType(options.values);
    const values = inferred.values;
    const weights = "weights" in options ? options.weights : undefined;
    const pickable = weights ? values.filter((_, i) => weights[i]! > 0) : values;
    // The kernel's unique check skips nulls, so a list that can yield null
    // has no useful bound.
    const cardinality = pickable.includes(null) ? undefined : new Set(pickable).size;
    const type = ("type" in options ? options.type : undefined) ?? inferred.type;
    const base = {
      type,
      ...(cardinality === undefined ? {} : { cardinality }),
      ...(pickable.includes(null) ? { nullable: true } : {}),
      values: pickable,
    };
    const n = values.length;
    if (!weights || weights.every((w) => w === weights[0])) {
      return { ...base, value: (row) => values[Math.floor(row.random.next() * n)] };
    }
    // cumulative[i] is the sum of weights[0..i]; a draw u in [0, total)
    // picks the first i whose cumulative weight exceeds u.
    const cumulative = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) cumulative[i] = total += weights[i]!;
    return {
      ...base,
      value: (row) => {
        const u = row.random.next() * total;
        let lo = 0, hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        return values[lo];
      },
    };
  },
});

/**
 * A picker over `n` items: uniform without weights, else item *i* with
 * probability `weights[i] / sum(weights)`; one draw from the row's stream.
 */
function picker(n: number, weights: readonly number[] | undefined): (row: RowContext) => number {
  if (!weights || weights.every((w) => w === weights[0])) {
    return (row) => Math.floor(row.random.next() * n);
  }
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += weights[i]!;
  return (row) => {
    const u = row.random.next() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

async function fromFile(
  options: z.infer<typeof fileOptions>,
  setup: GeneratorSetup,
): Promise<FieldGenerator> {
  const table = await loadDataFile(options.file, setup, ["file"]);
  const weights = options.weight === undefined ? undefined : weightsOf(table, options.weight);
  const pick = picker(table.rows.length, weights);
  const picked = (i: number) => weights === undefined || weights[i]! > 0;
  if (options.value === undefined) {
    const rows = table.rows.map((r) => Object.freeze({ ...r }));
    return { type: "json", value: (row) => rows[pick(row)] };
  }
  const column = columnOf(table, options.value, ["value"]);
  const scalars = column.every((v) => v === null || typeof v !== "object");
  if (!scalars) {
    return { type: "json", nullable: true, value: (row) => column[pick(row)] };
  }
  const inferred = inferScalarType(column as Scalar[]);
  const values = inferred.values;
  const pickable = [...new Set(values.filter((_, i) => picked(i)))];
  const nullable = pickable.includes(null);
  return {
    type: options.type ?? inferred.type,
    ...(nullable ? { nullable: true } : { cardinality: pickable.length }),
    // A short list of values lets SQL write a CHECK; a long one is left out.
    ...(pickable.length <= 16 ? { values: pickable } : {}),
    value: (row) => values[pick(row)],
  };
}

/** The weight column, checked: every value a finite number >= 0, some above 0. */
function weightsOf(table: DataTable, column: string): number[] {
  const raw = columnOf(table, column, ["weight"]);
  const weights = raw.map((v, i) => {
    const w = typeof v === "number"
      ? v
      : typeof v === "string" && v.trim() !== ""
      ? Number(v)
      : NaN;
    if (!Number.isFinite(w) || w < 0) {
      throw new PluginInputError(
        `Data file "${table.file}" line ${table.lines[i]}: weight column "${column}" holds ${
          JSON.stringify(v)
        }, not a number >= 0`,
        { path: ["weight"], hint: "fix that row, or drop it from the file" },
      );
    }
    return w;
  });
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) {
    throw new PluginInputError(
      `Data file "${table.file}": every weight in column "${column}" is 0, so no row can be picked`,
      { path: ["weight"] },
    );
  }
  return weights;
}
