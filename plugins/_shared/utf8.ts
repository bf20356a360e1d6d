/**
 * UTF-8 pieces shared by the writers that encode text straight into bytes
 * (ByteWriter, the xml, yaml and xlsx formatters, mask's HMAC). Each writer
 * keeps its own loop, since what it does with ASCII, controls and lone
 * surrogates differs; these are the parts that do not.
 *
 * @module
 */

/**
 * The code point of the surrogate pair that starts at `s[i]`, or -1 when
 * `s[i]` is not a high surrogate followed by a low one (a lone surrogate).
 *
 * @param s The text.
 * @param i Where a high surrogate may start a pair.
 * @returns The code point (≥ 0x10000), or -1.
 * @example
 * ```ts
 * import { pairAt } from "./utf8.ts";
 * pairAt("😀", 0); // 0x1f600
 * pairAt("\ud83d!", 0); // -1: a lone surrogate
 * ```
 */
export function pairAt(s: string, i: number): number {
  const high = s.charCodeAt(i);
  if (high < 0xd800 || high > 0xdbff) return -1;
  const low = s.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff ? 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00) : -1;
}

/**
 * Writes a code point of 0x80 or more as UTF-8 (2 to 4 bytes) at `p`.
 * The caller has made room (4 bytes) and turned lone surrogates into what
 * it writes for them.
 *
 * @param buf The buffer.
 * @param p Where to write.
 * @param cp The code point (0x80 to 0x10ffff).
 * @returns The position after the bytes.
 * @example
 * ```ts
 * import { putUtf8 } from "./utf8.ts";
 * const buf = new Uint8Array(4);
 * putUtf8(buf, 0, 0xe9); // 2: [0xc3, 0xa9] is "é"
 * ```
 */
export function putUtf8(buf: Uint8Array, p: number, cp: number): number {
  if (cp < 0x800) {
    buf[p++] = 0xc0 | (cp >> 6);
    buf[p++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    buf[p++] = 0xe0 | (cp >> 12);
    buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
    buf[p++] = 0x80 | (cp & 0x3f);
  } else {
    buf[p++] = 0xf0 | (cp >> 18);
    buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
    buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
    buf[p++] = 0x80 | (cp & 0x3f);
  }
  return p;
}
