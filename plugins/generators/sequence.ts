/**
 * `sequence`: 1, 2, 3… (or any start and step), optionally as text with a
 * prefix and zero padding (`ORD-000042`). Row *i* gets `start + i × step`.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";

/** Options of the `sequence` generator. */
export const sequenceOptions = z.object({
  /** The first value. */
  start: z.number().int().default(1).describe("The first value"),
  /** The difference between consecutive values. */
  step: z.number().int().refine((n) => n !== 0, "step cannot be 0").default(1)
    .describe("The difference between consecutive values"),
  /** Text put before the number (makes the value a string). */
  prefix: z.string().optional().describe("Text before the number, e.g. ORD-"),
  /** Zero-pad the number to this many digits (makes the value a string). */
  pad: z.number().int().min(1).max(30).optional().describe("Zero-pad to this many digits"),
}).strict().default({ start: 1, step: 1 });

/**
 * Row numbers as integers or formatted ids.
 *
 * @example In a scenario
 * ```yaml
 * id:       { sequence: {} }                         # 1, 2, 3…
 * order_no: { sequence: { start: 1000, prefix: "ORD-", pad: 6 } }   # ORD-001000…
 * ```
 */
export default definePlugin({
  name: "sequence",
  kind: "generator",
  version: "1.0.0",
  description: "Consecutive numbers (start, step), optionally prefixed and zero-padded",
  options: sequenceOptions,
  create({ start, step, prefix, pad }) {
    const text = prefix !== undefined || pad !== undefined;
    const p = prefix ?? "";
    return {
      type: text ? "string" : "integer",
      distinct: true,
      value: text
        ? (row) => {
          const n = start + row.index * step;
          const digits = String(Math.abs(n));
          return p + (n < 0 ? "-" : "") + (pad ? digits.padStart(pad, "0") : digits);
        }
        : (row) => start + row.index * step,
    };
  },
});
