/**
 * `jsonl`: JSON Lines, one object per row. Streams at any size.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import { jsonKeyBytes, writeJsonRow } from "../_shared/json_bytes.ts";

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
    let keys: Uint8Array[] = [];
    let bytesPerRow = 128;
    return {
      beginEntity(entity) {
        keys = jsonKeyBytes(entity.columns.map((c) => c.name));
      },
      write(batch) {
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * batch.length * 1.1) + 1024);
        for (let k = 0; k < batch.length; k++) {
          writeJsonRow(w, keys, batch, k);
          w.byte(10);
        }
        if (batch.length > 0) bytesPerRow = w.pos / batch.length;
        return w.take();
      },
      // A row's line depends on the row alone: any piece can be formatted apart.
      seek() {},
    };
  },
});
