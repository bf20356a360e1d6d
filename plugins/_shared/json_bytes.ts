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
  // `typeof v === "…"` compiles to a type check; `switch (typeof v)` builds the string first.
  if (typeof v === "string") writeJsonString(w, v);
  else if (typeof v === "number") {
    if (Number.isInteger(v)) w.integer(v);
    else if (Number.isFinite(v)) w.text(String(v));
    else w.smallBytes(NULL);
  } else if (v === null || v === undefined) w.smallBytes(NULL);
  else if (typeof v === "boolean") w.smallBytes(v ? TRUE : FALSE);
  else if (typeof v === "bigint") w.text(String(v));
  // JSON.stringify gives undefined for a function or symbol; the text form wrote "undefined".
  else w.text(String(JSON.stringify(v)));
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
    w.smallBytes(keys[c]!);
    writeJsonValue(w, cols[c]![k]);
  }
  w.byte(125);
}

/**
 * Whether an object read back with `JSON.parse` keeps these field names in
 * their order: none repeats and none is an array index (those come first,
 * in numeric order).
 *
 * @param fields Field names.
 * @returns True when a row's keys come back as written.
 * @example
 * ```ts
 * import { jsonKeepsOrder } from "./json_bytes.ts";
 * jsonKeepsOrder(["id", "name"]); // true
 * jsonKeepsOrder(["b", "2"]); // false
 * ```
 */
export function jsonKeepsOrder(fields: readonly string[]): boolean {
  return new Set(fields).size === fields.length && !fields.some((f) => /^(0|[1-9]\d*)$/.test(f));
}

/**
 * The bytes around each field of a pretty-printed row, as
 * `JSON.stringify(row, null, indent)` writes it with every line break
 * replaced by `newline`: `{` + newline + gap + `"a": ` for the first field,
 * `,` + newline + gap + `"b": ` for the others, then newline + `}` (one more
 * entry than fields; `{}` alone for no fields).
 *
 * @param fields Field names.
 * @param gap The indentation of a field (`indent` spaces).
 * @param newline What a line break is (a line feed and the row's own indentation).
 * @returns One prefix per field, then the closing bytes.
 * @example
 * ```ts
 * import { jsonPrettyKeyBytes } from "./json_bytes.ts";
 * new TextDecoder().decode(jsonPrettyKeyBytes(["id"], "  ", "\n")[0]); // '{\n  "id": '
 * ```
 */
export function jsonPrettyKeyBytes(
  fields: readonly string[],
  gap: string,
  newline: string,
): Uint8Array[] {
  if (fields.length === 0) return [utf8.encode("{}")];
  return [
    ...fields.map((f, c) =>
      utf8.encode((c === 0 ? "{" : ",") + newline + gap + JSON.stringify(f) + ": ")
    ),
    utf8.encode(newline + "}"),
  ];
}

/**
 * Appends row `k` of a batch pretty-printed: the bytes of
 * `JSON.stringify(JSON.parse(oneLine), null, indent)` with its line breaks
 * replaced, when every value is a string, number, boolean, null or
 * undefined. A row with any other value (a bigint, an object, a date) is not
 * written and the result is `false`: its text must go through `JSON.parse`.
 *
 * @param w The writer.
 * @param keys The prefixes and closing bytes (see {@linkcode jsonPrettyKeyBytes}).
 * @param batch The batch.
 * @param k The row within the batch.
 * @returns Whether the row was written.
 * @example
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * import { jsonPrettyKeyBytes, writeJsonRowPretty } from "./json_bytes.ts";
 * const batch = { entity: "e", start: 0, length: 1, fields: ["a"], columns: [[1]] };
 * const w = new ByteWriter();
 * writeJsonRowPretty(w, jsonPrettyKeyBytes(batch.fields, "  ", "\n"), batch, 0); // true
 * new TextDecoder().decode(w.take()); // '{\n  "a": 1\n}'
 * ```
 */
export function writeJsonRowPretty(
  w: ByteWriter,
  keys: readonly Uint8Array[],
  batch: Batch,
  k: number,
): boolean {
  const cols = batch.columns;
  const n = cols.length;
  const start = w.pos;
  for (let c = 0; c < n; c++) {
    const v = cols[c]![k];
    if (
      typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean" &&
      v !== null && v !== undefined
    ) {
      // Bytes written are only appended: dropping them undoes the row.
      w.pos = start;
      return false;
    }
    w.smallBytes(keys[c]!);
    writeJsonValue(w, v);
  }
  w.smallBytes(keys[n]!);
  return true;
}
