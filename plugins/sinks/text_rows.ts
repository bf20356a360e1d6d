/**
 * Rows as tab-separated text lines, the format both PostgreSQL's
 * `COPY … FROM STDIN` and MySQL's `LOAD DATA` read by default, written as
 * UTF-8 chunks: one `TextEncoder` pass per chunk, so the client library
 * receives bytes and never measures or converts strings itself.
 *
 * @module
 */
import type { Batch } from "../../core/types.ts";

const utf8 = new TextEncoder();

/**
 * Encodes a batch as text lines (fields joined by tab, each line ending in a
 * newline) and hands them on in chunks of about `chunkChars` characters.
 *
 * @param batch The rows (columns in the encoders' order).
 * @param encoders One field encoder per column; each must escape tab,
 *   newline and its format's escape character.
 * @param chunkChars Characters gathered before a chunk is handed on.
 * @param push Receives each chunk as UTF-8 bytes; awaited (backpressure).
 * @returns When every chunk was pushed.
 * @example
 * ```ts
 * import { writeTextRows } from "./text_rows.ts";
 * const chunks: Uint8Array[] = [];
 * const batch = { entity: "t", start: 0, length: 2, fields: ["a", "b"], columns: [[1, 2], ["x", "y"]] };
 * await writeTextRows(batch, [String, String], 1024, (c) => { chunks.push(c); });
 * new TextDecoder().decode(chunks[0]); // "1\tx\n2\ty\n"
 * ```
 */
export async function writeTextRows(
  batch: Batch,
  encoders: readonly ((v: unknown) => string)[],
  chunkChars: number,
  push: (chunk: Uint8Array) => unknown,
): Promise<void> {
  const columns = batch.columns;
  const width = encoders.length;
  let text = "";
  for (let r = 0; r < batch.length; r++) {
    let line = encoders[0]!(columns[0]![r]);
    for (let c = 1; c < width; c++) line += "\t" + encoders[c]!(columns[c]![r]);
    text += line + "\n";
    if (text.length >= chunkChars) {
      await push(utf8.encode(text));
      text = "";
    }
  }
  if (text) await push(utf8.encode(text));
}
