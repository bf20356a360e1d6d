/**
 * Folds of numbers shared by `agg` (a parent's children) and `running` (a
 * child's earlier siblings): sum, count, min, max and avg, with nulls
 * skipped as SQL does, and the decimals of the inputs remembered so a sum of
 * prices is written to the cent (0.1 + 0.2 is 0.3, not 0.30000000000000004).
 *
 * @module
 */
import { preview } from "./field_rule.ts";
import { roundTo } from "../generators/expr.ts";

/** The folds a scenario may name. */
export const FOLDS = ["sum", "count", "min", "max", "avg"] as const;

/** One of {@linkcode FOLDS}. */
export type FoldName = (typeof FOLDS)[number];

/**
 * Which fold an options object names, exactly one of {@linkcode FOLDS}; for
 * a zod `transform`, where the problem is reported on `ctx`.
 *
 * @param options The parsed options (`{ sum: "amount" }`).
 * @param ctx The zod refinement context.
 * @returns The fold, or undefined after reporting that none or several were named.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { pickFold } from "./folds.ts";
 * const schema = z.object({ sum: z.string().optional(), max: z.string().optional() })
 *   .transform((o, ctx) => pickFold(o, ctx) ?? z.NEVER);
 * schema.parse({ sum: "amount" }); // "sum"
 * ```
 */
export function pickFold(
  options: Partial<Record<FoldName, unknown>>,
  ctx: { addIssue(issue: { code: "custom"; input: unknown; message: string }): void },
): FoldName | undefined {
  const given = FOLDS.filter((f) => options[f] !== undefined);
  if (given.length === 1) return given[0]!;
  ctx.addIssue({
    code: "custom",
    input: options,
    message: given.length === 0
      ? "Name one fold: sum, count, min, max or avg"
      : `Name one fold, not ${given.join(" and ")}`,
  });
  return undefined;
}

/**
 * A running fold: feed values left to right, read the result at any point.
 * The same inputs in the same order always give the same bits, which is what
 * lets a row computed alone equal the row computed in sequence.
 *
 * @example
 * ```ts
 * import { Fold } from "./folds.ts";
 * const f = new Fold("sum");
 * f.add(0.1, "amount");
 * f.add(0.2, "amount");
 * f.result(undefined); // 0.3
 * ```
 */
export class Fold {
  /** Sum of the numbers (or the extreme for min/max). */
  #acc = 0;
  /** How many non-null values were added. */
  #n = 0;
  /** Most decimals seen among the inputs. */
  #decimals = 0;

  /**
   * @param name The fold.
   * @param start The value before any input (an opening balance, for sums).
   */
  constructor(readonly name: FoldName, readonly start = 0) {
    this.#acc = name === "sum" ? start : 0;
  }

  /**
   * Adds one value: a number or numeric text; null is skipped.
   *
   * @param value The value.
   * @param what Names the input in an error.
   */
  add(value: unknown, what: string): void {
    if (this.name === "count") {
      // Any value counts, numbers or not; null does not.
      if (value !== null && value !== undefined) this.#n++;
      return;
    }
    const x = numberOf(value, what);
    if (x === undefined) return;
    this.#n++;
    if (this.#decimals < 15 && x !== Math.round(x)) {
      this.#decimals = Math.max(this.#decimals, decimalsOf(x));
    }
    if (this.name === "min") this.#acc = this.#n === 1 ? x : Math.min(this.#acc, x);
    else if (this.name === "max") this.#acc = this.#n === 1 ? x : Math.max(this.#acc, x);
    else this.#acc += x;
  }

  /**
   * The result so far.
   *
   * @param decimals Round to this many places; undefined: sums are rounded
   *   to the most decimals of their inputs, averages are not rounded.
   * @returns The number, or null for min/max/avg of no values.
   */
  result(decimals: number | undefined): number | null {
    if (this.name === "count") return this.#n;
    if (this.name === "sum") {
      const places = decimals ?? Math.max(this.#decimals, decimalsOf(this.start));
      return roundTo(this.#acc, places);
    }
    if (this.#n === 0) return null;
    if (this.name === "avg") {
      const avg = this.#acc / this.#n;
      return decimals === undefined ? avg + 0 : roundTo(avg, decimals);
    }
    return decimals === undefined ? this.#acc : roundTo(this.#acc, decimals);
  }

  /**
   * A copy, to carry a running fold from one row to the next.
   *
   * @returns The copy.
   */
  clone(): Fold {
    const f = new Fold(this.name, this.start);
    f.#acc = this.#acc;
    f.#n = this.#n;
    f.#decimals = this.#decimals;
    return f;
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function numberOf(v: unknown, what: string): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" && NUMERIC.test(v.trim())) return Number(v);
  throw new Error(`${what} is ${preview(v)}, not a number`);
}

/** The decimals a number is written with (0.25: 2), at most 15. */
function decimalsOf(x: number): number {
  let d = 0;
  let f = 1;
  while (d < 15 && Math.round(x * f) / f !== x) {
    d++;
    f *= 10;
  }
  return d;
}
