/**
 * `json`: an array of objects per entity; with `--layout single`, one object
 * whose keys are the entities; with `--layout split`, one object per file.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { jsonKeys, jsonRow } from "../_shared/json_text.ts";

/** Options of the `json` formatter. */
export const jsonOptions = z.object({
  /** Pretty-print with this many spaces (0: one row per line). */
  indent: z.number().int().min(0).max(8).default(0).describe(
    "Pretty-print rows with this many spaces; 0 writes one row per line",
  ),
}).strict().default({ indent: 0 });

/**
 * JSON documents.
 *
 * @example
 * ```sh
 * fabricate gen quickstart --format json --layout single
 * ```
 */
export default definePlugin({
  name: "json",
  kind: "formatter",
  version: "1.0.0",
  description: "JSON: an array per entity, one document for all (single) or per record (split)",
  extension: "json",
  multiEntity: true,
  options: jsonOptions,
  create({ indent }, setup) {
    const single = setup.layout === "single";
    const split = setup.layout === "split";
    let keys: string[] = [];
    let first = true;
    let firstEntity = true;
    const pad = " ".repeat(indent);
    const rowText = indent === 0
      ? (batch: Parameters<typeof jsonRow>[1], k: number) => jsonRow(keys, batch, k)
      : (batch: Parameters<typeof jsonRow>[1], k: number) =>
        JSON.stringify(JSON.parse(jsonRow(keys, batch, k)), null, indent)
          .replaceAll("\n", "\n" + (single ? pad + pad : split ? "" : pad));
    const rowPad = single ? (indent ? pad + pad : "  ") : (indent ? pad : "");
    return {
      start: () => (single ? "{" : undefined),
      beginEntity(entity) {
        keys = jsonKeys(entity.columns.map((c) => c.name));
        first = true;
        if (split) return;
        const open = single
          ? `${firstEntity ? "" : ","}\n${indent ? pad : " "}${JSON.stringify(entity.name)}: [`
          : "[";
        firstEntity = false;
        return open;
      },
      write(batch) {
        if (split) return batch.length ? rowText(batch, 0) + "\n" : "";
        let s = "";
        for (let k = 0; k < batch.length; k++) {
          s += (first ? "\n" : ",\n") + rowPad + rowText(batch, k);
          first = false;
        }
        return s;
      },
      // Only the separator before a row depends on whether rows came before it.
      seek(_entity, row) {
        first = row === 0;
      },
      endEntity() {
        if (split) return;
        const close = first ? "]" : `\n${single ? (indent ? pad : " ") : ""}]`;
        return single ? close : close + "\n";
      },
      finish: () => (single ? "\n}\n" : undefined),
    };
  },
});
