/**
 * `jsonl`: JSON Lines, one object per row. Streams at any size.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { jsonKeys, jsonRow } from "../_shared/json_text.ts";

/**
 * One JSON object per line.
 *
 * @example
 * ```sh
 * fabricate gen quickstart --format jsonl
 * ```
 */
export default definePlugin({
  name: "jsonl",
  kind: "formatter",
  version: "1.0.0",
  description: "JSON Lines: one object per row",
  extension: "jsonl",
  multiEntity: false,
  options: z.object({}).strict(),
  create() {
    let keys: string[] = [];
    return {
      beginEntity(entity) {
        keys = jsonKeys(entity.columns.map((c) => c.name));
      },
      write(batch) {
        let s = "";
        for (let k = 0; k < batch.length; k++) s += jsonRow(keys, batch, k) + "\n";
        return s;
      },
      // A row's line depends on the row alone: any piece can be formatted apart.
      seek() {},
    };
  },
});
