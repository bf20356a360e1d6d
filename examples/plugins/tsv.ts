/**
 * An example formatter plugin: tab-separated values, one file per entity,
 * with a header line. Each hook returns the text to append; the kernel
 * writes it (here, from a sandbox, it streams back as bytes).
 *
 * ```yaml
 * plugins: [./examples/plugins/tsv.ts]
 * output: { format: tsv, tsv: { null: "\\N" } }
 * ```
 *
 * @module
 */
import { definePlugin, z } from "../../mod.ts";

/** Tabs and line breaks would split a cell: write them as escapes. */
function cell(value: unknown, empty: string): string {
  if (value === null || value === undefined) return empty;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(
    /\r/g,
    "\\r",
  );
}

export default definePlugin({
  name: "tsv",
  kind: "formatter",
  version: "1.0.0",
  description: "Tab-separated values with a header line",
  extension: "tsv",
  options: z.object({
    header: z.boolean().default(true).describe("Write the column names first"),
    null: z.string().default("").describe("How a null value is written"),
  }).strict().default({ header: true, null: "" }),
  create: (options) => ({
    beginEntity: (entity) =>
      options.header ? entity.columns.map((c) => c.name).join("\t") + "\n" : undefined,
    write: (batch) => {
      let out = "";
      for (let k = 0; k < batch.length; k++) {
        for (let c = 0; c < batch.columns.length; c++) {
          if (c) out += "\t";
          out += cell(batch.columns[c]![k], options.null);
        }
        out += "\n";
      }
      return out;
    },
  }),
});
