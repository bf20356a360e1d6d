/**
 * `json`: an array of objects per entity; with `--layout single`, one object
 * whose keys are the entities; with `--layout split`, one object per file.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { Batch } from "../../core/types.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import {
  jsonKeepsOrder,
  jsonKeyBytes,
  jsonPrettyKeyBytes,
  writeJsonRow,
  writeJsonRowPretty,
} from "../_shared/json_bytes.ts";
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
    let keyBytes: Uint8Array[] = [];
    let first = true;
    let firstEntity = true;
    const pad = " ".repeat(indent);
    const deeper = "\n" + (single ? pad + pad : split ? "" : pad);
    // Pretty-printed rows are what JSON.parse and JSON.stringify make of the one-line text:
    // written directly when every value is a scalar and the names come back in order.
    let pretty = false;
    /** One row, on one line or pretty-printed. */
    const writeRow = indent === 0
      ? (w: ByteWriter, batch: Batch, k: number) => writeJsonRow(w, keyBytes, batch, k)
      : (w: ByteWriter, batch: Batch, k: number) => {
        if (pretty && writeJsonRowPretty(w, keyBytes, batch, k)) return;
        w.text(
          JSON.stringify(JSON.parse(jsonRow(keys, batch, k)), null, indent)
            .replaceAll("\n", deeper),
        );
      };
    const rowPad = single ? (indent ? pad + pad : "  ") : (indent ? pad : "");
    let bytesPerRow = 128;
    return {
      start: () => (single ? "{" : undefined),
      beginEntity(entity) {
        const names = entity.columns.map((c) => c.name);
        if (indent === 0) keyBytes = jsonKeyBytes(names);
        else {
          keys = jsonKeys(names);
          pretty = jsonKeepsOrder(names);
          keyBytes = jsonPrettyKeyBytes(names, pad, deeper);
        }
        first = true;
        if (split) return;
        const open = single
          ? `${firstEntity ? "" : ","}\n${indent ? pad : " "}${JSON.stringify(entity.name)}: [`
          : "[";
        firstEntity = false;
        return open;
      },
      write(batch) {
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * batch.length * 1.1) + 1024);
        if (split) {
          if (batch.length) {
            writeRow(w, batch, 0);
            w.byte(10);
          }
          return w.take();
        }
        for (let k = 0; k < batch.length; k++) {
          if (!first) w.byte(44);
          w.byte(10);
          for (let i = 0; i < rowPad.length; i++) w.byte(32);
          writeRow(w, batch, k);
          first = false;
        }
        if (batch.length > 0) bytesPerRow = w.pos / batch.length;
        return w.take();
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
