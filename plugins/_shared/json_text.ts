/**
 * JSON text of rows from columnar batches. The JSON and JSONL formatters
 * write the same as bytes (`json_bytes.ts`); this text form is what the JSON
 * formatter pretty-prints (through `JSON.parse`) when a row holds an object,
 * array or bigint.
 *
 * @module
 */
import type { Batch } from "../../core/types.ts";

/** Strings made only of characters JSON writes as they are. */
// deno-lint-ignore no-control-regex
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * One value as JSON text. Non-finite numbers become `null`, as in
 * `JSON.stringify`.
 *
 * @param v A value.
 * @returns JSON text.
 * @example
 * ```ts
 * import { jsonValue } from "./json_text.ts";
 * jsonValue('say "hi"'); // '"say \\"hi\\""'
 * ```
 */
export function jsonValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      // Most strings need no escaping; JSON.stringify is the slow path.
      return PLAIN.test(v) ? '"' + v + '"' : JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return String(v);
    default:
      return v === null || v === undefined ? "null" : JSON.stringify(v);
  }
}

/**
 * Encodes row `k` of a batch as a JSON object on one line.
 *
 * @param keys The `"name":` prefixes, one per column (see {@linkcode jsonKeys}).
 * @param batch The batch.
 * @param k The row within the batch.
 * @returns `{"a":1,"b":"x"}`.
 * @example
 * ```ts
 * import { jsonKeys, jsonRow } from "./json_text.ts";
 * const batch = { entity: "e", start: 0, length: 1, fields: ["a"], columns: [[1]] };
 * jsonRow(jsonKeys(batch.fields), batch, 0); // '{"a":1}'
 * ```
 */
export function jsonRow(keys: readonly string[], batch: Batch, k: number): string {
  const cols = batch.columns;
  let s = "{";
  for (let c = 0; c < cols.length; c++) {
    s += (c === 0 ? "" : ",") + keys[c] + jsonValue(cols[c]![k]);
  }
  return s + "}";
}

/**
 * The `"name":` prefixes for a list of field names. Dotted names stay flat.
 *
 * @param fields Field names.
 * @returns One prefix per field.
 * @example
 * ```ts
 * import { jsonKeys } from "./json_text.ts";
 * jsonKeys(["id"]); // ['"id":']
 * ```
 */
export function jsonKeys(fields: readonly string[]): string[] {
  return fields.map((f) => JSON.stringify(f) + ":");
}
