/**
 * Rows as tab-separated text lines, the format both PostgreSQL's
 * `COPY … FROM STDIN` and MySQL's `LOAD DATA` read by default, written as
 * UTF-8 chunks: one `TextEncoder` pass per chunk, so the client library
 * receives bytes and never measures or converts strings itself.
 *
 * @module
 */
import type { Batch } from "../../core/types.ts";

/** How one column's values become field text. */
export interface TextColumn {
  /** From a value to its field text (escaped). */
  readonly encode: (v: unknown) => string;
  /**
   * When set, a batch whose values in this column are all strings, none
   * holding a character this pattern matches, or all finite numbers, is
   * written as it is, without calling `encode` per value.
   */
  readonly passThrough?: RegExp;
}

const utf8 = new TextEncoder();

/** A column's field texts for a batch: the values themselves when they need nothing. */
function fieldTexts(
  values: readonly unknown[],
  length: number,
  column: TextColumn,
): readonly unknown[] {
  const pattern = column.passThrough;
  if (pattern && length > 0) {
    const kind = typeof values[0];
    if (kind === "string" || kind === "number") {
      let same = true;
      for (let r = 0; r < length && same; r++) {
        const v = values[r];
        same = typeof v === kind && (kind === "string" || Number.isFinite(v));
      }
      if (same && (kind === "number" || !pattern.test(values.join("")))) return values;
    }
  }
  const out = new Array<string>(length);
  for (let r = 0; r < length; r++) out[r] = column.encode(values[r]);
  return out;
}

/**
 * Encodes a batch as text lines (fields joined by tab, each line ending in a
 * newline) and hands them on in chunks of about `chunkChars` characters.
 *
 * @param batch The rows (columns in the `columns` order).
 * @param columns How each column is encoded; `encode` must escape tab,
 *   newline and its format's escape character.
 * @param chunkChars Characters gathered before a chunk is handed on.
 * @param push Receives each chunk as UTF-8 bytes; awaited (backpressure).
 * @returns When every chunk was pushed.
 * @example
 * ```ts
 * import { writeTextRows } from "./text_rows.ts";
 * const chunks: Uint8Array[] = [];
 * const batch = { entity: "t", start: 0, length: 2, fields: ["a", "b"], columns: [[1, 2], ["x", "y"]] };
 * await writeTextRows(batch, [{ encode: String }, { encode: String }], 1024, (c) => {
 *   chunks.push(c);
 * });
 * new TextDecoder().decode(chunks[0]); // "1\tx\n2\ty\n"
 * ```
 */
export async function writeTextRows(
  batch: Batch,
  columns: readonly TextColumn[],
  chunkChars: number,
  push: (chunk: Uint8Array) => unknown,
): Promise<void> {
  const length = batch.length;
  const width = columns.length;
  const texts = columns.map((c, i) => fieldTexts(batch.columns[i]!, length, c));
  const first = texts[0]!;
  let text = "";
  for (let r = 0; r < length; r++) {
    let line = "" + first[r];
    for (let c = 1; c < width; c++) line += "\t" + texts[c]![r];
    text += line + "\n";
    if (text.length >= chunkChars) {
      await push(utf8.encode(text));
      text = "";
    }
  }
  if (text) await push(utf8.encode(text));
}
