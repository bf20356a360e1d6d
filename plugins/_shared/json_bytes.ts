/**
 * JSON rows written straight into UTF-8 bytes, shared by the JSON and JSONL
 * formatters: the bytes are those `TextEncoder` writes for the text of
 * `json_text.ts`, without building that text first.
 *
 * @module
 */
import type { Batch } from "../../core/types.ts";
import type { ByteWriter } from "./byte_writer.ts";

const utf8 = new TextEncoder();
const NULL = utf8.encode("null");
const TRUE = utf8.encode("true");
const FALSE = utf8.encode("false");

/**
 * Appends short bytes (a key, a keyword): a plain loop beats
 * `Uint8Array.set` at these sizes.
 */
function put(w: ByteWriter, bytes: Uint8Array): void {
  const n = bytes.length;
  if (w.pos + n > w.buf.length) w.reserve(n);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
  w.pos = p;
}

/**
 * Appends a string as a JSON string, quotes included. A string with a
 * quote, a backslash, a control character or a surrogate goes through
 * `JSON.stringify` (which escapes lone surrogates as `\udxxx`); any other is
 * encoded as it is, in one pass.
 *
 * @param w The writer.
 * @param s The string.
 * @example
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * import { writeJsonString } from "./json_bytes.ts";
 * const w = new ByteWriter();
 * writeJsonString(w, 'say "hi"');
 * new TextDecoder().decode(w.take()); // '"say \\"hi\\""'
 * ```
 */
export function writeJsonString(w: ByteWriter, s: string): void {
  const n = s.length;
  if (w.pos + n * 3 + 2 > w.buf.length) w.reserve(n * 3 + 2);
  const buf = w.buf;
  let p = w.pos;
  buf[p++] = 34;
  let i = 0;
  // ASCII first (most text): a quote, a backslash or a control character stops it.
  for (; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0x80 || u < 0x20 || u === 34 || u === 92) break;
    buf[p++] = u;
  }
  for (; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) {
      if (u < 0x20 || u === 34 || u === 92) return w.text(JSON.stringify(s));
      buf[p++] = u;
    } else if (u < 0x800) {
      buf[p++] = 0xc0 | (u >> 6);
      buf[p++] = 0x80 | (u & 0x3f);
    } else {
      if (u >= 0xd800 && u <= 0xdfff) return w.text(JSON.stringify(s));
      buf[p++] = 0xe0 | (u >> 12);
      buf[p++] = 0x80 | ((u >> 6) & 0x3f);
      buf[p++] = 0x80 | (u & 0x3f);
    }
  }
  buf[p++] = 34;
  w.pos = p;
}

/**
 * Appends one value as JSON: numbers as `String` writes them, non-finite
 * ones as `null` (as in `JSON.stringify`), bigints as their digits, null and
 * undefined as `null`, anything else through `JSON.stringify`.
 *
 * @param w The writer.
 * @param v A value.
 * @example
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * import { writeJsonValue } from "./json_bytes.ts";
 * const w = new ByteWriter();
 * writeJsonValue(w, [1, NaN]);
 * new TextDecoder().decode(w.take()); // "[1,null]"
 * ```
 */
export function writeJsonValue(w: ByteWriter, v: unknown): void {
  switch (typeof v) {
    case "string":
      return writeJsonString(w, v);
    case "number":
      if (Number.isInteger(v)) return w.integer(v);
      return Number.isFinite(v) ? w.text(String(v)) : put(w, NULL);
    case "boolean":
      return put(w, v ? TRUE : FALSE);
    case "bigint":
      return w.text(String(v));
    default:
      if (v === null || v === undefined) return put(w, NULL);
      // JSON.stringify gives undefined for a function or symbol; the text form wrote "undefined".
      return w.text(String(JSON.stringify(v)));
  }
}

/**
 * The bytes written before each field of a row: `{"a":` for the first,
 * `,"b":` for the others. Dotted names stay flat.
 *
 * @param fields Field names.
 * @returns One prefix per field.
 * @example
 * ```ts
 * import { jsonKeyBytes } from "./json_bytes.ts";
 * new TextDecoder().decode(jsonKeyBytes(["id", "name"])[1]); // ',"name":'
 * ```
 */
export function jsonKeyBytes(fields: readonly string[]): Uint8Array[] {
  return fields.map((f, c) => utf8.encode((c === 0 ? "{" : ",") + JSON.stringify(f) + ":"));
}

/**
 * Appends row `k` of a batch as a JSON object on one line.
 *
 * @param w The writer.
 * @param keys The field prefixes (see {@linkcode jsonKeyBytes}).
 * @param batch The batch.
 * @param k The row within the batch.
 * @example
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * import { jsonKeyBytes, writeJsonRow } from "./json_bytes.ts";
 * const batch = { entity: "e", start: 0, length: 1, fields: ["a", "b"], columns: [[1], ["x"]] };
 * const w = new ByteWriter();
 * writeJsonRow(w, jsonKeyBytes(batch.fields), batch, 0);
 * new TextDecoder().decode(w.take()); // '{"a":1,"b":"x"}'
 * ```
 */
export function writeJsonRow(
  w: ByteWriter,
  keys: readonly Uint8Array[],
  batch: Batch,
  k: number,
): void {
  const cols = batch.columns;
  const n = cols.length;
  if (n === 0) w.byte(123);
  for (let c = 0; c < n; c++) {
    put(w, keys[c]!);
    writeJsonValue(w, cols[c]![k]);
  }
  w.byte(125);
}
