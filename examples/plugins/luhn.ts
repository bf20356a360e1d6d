/**
 * An example validator plugin: checks that a field holds numbers that pass
 * the Luhn checksum (card numbers, IMEIs). It reports failures as issues; it
 * never throws on bad data.
 *
 * ```yaml
 * plugins: [./examples/plugins/luhn.ts]
 * entities:
 *   cards:
 *     count: 100
 *     fields:
 *       number: { pattern: "4###############", validate: luhn }
 * ```
 *
 * @module
 */
import { definePlugin, z } from "../../mod.ts";

/** True when the digits of `s` pass the Luhn checksum. */
function luhnValid(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = s.charCodeAt(s.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export default definePlugin({
  name: "luhn",
  kind: "validator",
  version: "1.0.0",
  description: "The value's digits pass the Luhn checksum (card numbers, IMEIs)",
  scope: "field",
  options: z.object({
    ignore: z.string().default(" -").describe("Characters skipped before checking, e.g. spaces"),
  }).strict().default({ ignore: " -" }),
  create: ({ ignore }, setup) => {
    const field = setup.field!;
    const skip = new Set(ignore);
    return {
      check: (batch) => {
        const column = batch.columns[batch.fields.indexOf(field)]!;
        const issues = [];
        for (let k = 0; k < batch.length; k++) {
          const value = column[k];
          if (value === null) continue;
          const digits = [...String(value)].filter((c) => !skip.has(c)).join("");
          if (!/^\d+$/.test(digits) || !luhnValid(digits)) {
            issues.push({ row: batch.start + k, field, message: "fails the Luhn checksum", value });
          }
        }
        return issues;
      },
    };
  },
});
