/**
 * `yaml`: YAML 1.2, written by hand for speed. Per entity a sequence of
 * mappings; with `--layout single` one mapping `entity: [rows]`; with
 * `--layout split` one mapping per file.
 *
 * Strings are written plain only when no YAML 1.1 or 1.2 parser could read
 * them as anything but that string (they start with a letter, hold only
 * letters, digits, spaces and `_ . @ / + -`, and are not a word like `yes`,
 * `off` or `null`). Everything else (text that looks like a number, a date,
 * a boolean or null, multi-line text, leading or trailing spaces, control
 * characters) is double-quoted with escapes, so every value reads back
 * exactly, on one line. Floats in exponent form get a dot (`1.0e-7`) for
 * YAML 1.1 readers; non-finite numbers are YAML's `.nan`, `.inf` and
 * `-.inf`; objects and arrays (type `json`) are written in flow style
 * (`{a: 1, b: [x, y]}`).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { EntitySchema } from "../../core/types.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import { pairAt, putUtf8 } from "../_shared/utf8.ts";

/**
 * Options of the `yaml` formatter.
 *
 * @example
 * ```ts
 * import { yamlOptions } from "./yaml.ts";
 * yamlOptions.parse({ indent: 4 }); // { indent: 4, quote_all: false }
 * ```
 */
export const yamlOptions = z.object({
  /** Spaces per nesting level. */
  indent: z.number().int().min(2).max(8).default(2).describe("Spaces per nesting level (2–8)"),
  /** Double-quote every string, not only those that need it. */
  quote_all: z.boolean().default(false).describe(
    "Double-quote every string value, not only those that need it (keys stay plain when they can)",
  ),
}).strict().default({ indent: 2, quote_all: false });

/** Text a plain scalar may hold: a letter first, then letters, digits, space and `_ . @ / + -`. */
const PLAIN = /^\p{L}[\p{L}\p{N} _.@/+-]*$/u;
/** Words YAML 1.1 or 1.2 reads as booleans or null. */
const RESERVED = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
/** Characters that a double-quoted scalar must escape. */
// deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
const SHORT_ESCAPES: Record<number, string> = {
  0: "\\0",
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  27: "\\e",
  34: '\\"',
  92: "\\\\",
};

/**
 * A string as a YAML double-quoted scalar, with every character that is not
 * printable in YAML escaped (line breaks, tabs, control characters, lone
 * surrogates).
 *
 * @param s The string.
 * @returns The quoted scalar, on one line.
 * @example
 * ```ts
 * import { yamlQuoted } from "./yaml.ts";
 * yamlQuoted('say "hi"\nbye'); // '"say \\"hi\\"\\nbye"'
 * ```
 */
export function yamlQuoted(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair is printable
        continue;
      }
      esc = "\\u" + c.toString(16).padStart(4, "0");
    } else if (
      c < 0x20 || c === 34 || c === 92 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 ||
      c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff
    ) {
      esc = SHORT_ESCAPES[c] ?? "\\u" + c.toString(16).padStart(4, "0");
    }
    if (esc !== undefined) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

/**
 * A string as a YAML scalar: plain when it cannot be misread, else
 * double-quoted.
 *
 * @param s The string.
 * @param quoteAll Always double-quote.
 * @returns YAML text on one line.
 * @example
 * ```ts
 * import { yamlString } from "./yaml.ts";
 * yamlString("Alice Smith"); // "Alice Smith"
 * yamlString("2024-01-01"); // '"2024-01-01"'
 * yamlString("yes"); // '"yes"'
 * ```
 */
export function yamlString(s: string, quoteAll = false): string {
  if (!quoteAll && PLAIN.test(s) && s.charCodeAt(s.length - 1) !== 32 && !RESERVED.test(s)) {
    return s;
  }
  return yamlQuoted(s);
}

/**
 * A finite number as YAML: `1e-7` becomes `1.0e-7`, since YAML 1.1 readers
 * want a dot in a float.
 *
 * @param n A finite number.
 * @returns Its YAML text.
 * @example
 * ```ts
 * import { yamlNumber } from "./yaml.ts";
 * yamlNumber(1e21); // "1.0e+21"
 * yamlNumber(2.5); // "2.5"
 * ```
 */
export function yamlNumber(n: number): string {
  const s = String(n);
  return s.includes("e") && !s.includes(".") ? s.replace("e", ".0e") : s;
}

/**
 * Any value as a YAML scalar or flow collection, on one line.
 *
 * @param v The value: string, number, boolean, null, array or object.
 * @param quoteAll Always double-quote strings.
 * @returns YAML text.
 * @example
 * ```ts
 * import { yamlValue } from "./yaml.ts";
 * yamlValue({ tags: ["a", "b c"], price: 1.5 }); // "{tags: [a, b c], price: 1.5}"
 * yamlValue(Infinity); // ".inf"
 * ```
 */
export function yamlValue(v: unknown, quoteAll = false): string {
  switch (typeof v) {
    case "string":
      return yamlString(v, quoteAll);
    case "number":
      return Number.isFinite(v)
        ? yamlNumber(v)
        : Number.isNaN(v)
        ? ".nan"
        : v > 0
        ? ".inf"
        : "-.inf";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return String(v);
    case "object": {
      if (v === null) return "null";
      if (v instanceof Date) return yamlString(v.toISOString(), quoteAll);
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) s += (i ? ", " : "") + yamlValue(v[i], quoteAll);
        return s + "]";
      }
      let s = "{";
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        s += (first ? "" : ", ") + yamlString(k) + ": " + yamlValue(x, quoteAll);
        first = false;
      }
      return s + "}";
    }
    default:
      return "null";
  }
}

/** ASCII code units a plain scalar may hold after its first letter: `A-Z a-z 0-9`, space, `_ . @ / + -`. */
const PLAIN_ASCII = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 _.@/+-") {
  PLAIN_ASCII[c.charCodeAt(0)] = 1;
}
/** ASCII code units a double-quoted scalar holds as they are (1) or escapes (0). */
const QUOTED_ASCII = new Uint8Array(128);
/** The escape of each code unit below 0x80 that a double-quoted scalar escapes, as bytes. */
const ASCII_ESCAPES: (Uint8Array | undefined)[] = [];
for (let c = 0; c < 0x80; c++) {
  if (c < 0x20 || c === 34 || c === 92 || c === 0x7f) {
    const esc = SHORT_ESCAPES[c] ?? "\\u" + c.toString(16).padStart(4, "0");
    ASCII_ESCAPES[c] = new TextEncoder().encode(esc);
  } else QUOTED_ASCII[c] = 1;
}
const HEX = new TextEncoder().encode("0123456789abcdef");

/**
 * Writes what {@linkcode yamlQuoted} returns, as UTF-8, straight into `w`.
 *
 * @param w The writer.
 * @param s The string.
 */
function writeQuoted(w: ByteWriter, s: string): void {
  const n = s.length;
  // At most 6 bytes per code unit (`\uXXXX`), and the two quotes.
  w.reserve(n * 6 + 2);
  const buf = w.buf;
  let p = w.pos;
  buf[p++] = 34;
  for (let i = 0; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) {
      if (QUOTED_ASCII[u] === 1) buf[p++] = u;
      else {
        const esc = ASCII_ESCAPES[u]!;
        for (let j = 0; j < esc.length; j++) buf[p++] = esc[j]!;
      }
      continue;
    }
    if (u < 0x800) {
      if (u <= 0x9f) {
        // C1 controls: \u0080–\u009f.
        buf[p++] = 92, buf[p++] = 117, buf[p++] = 48, buf[p++] = 48;
        buf[p++] = HEX[u >> 4]!, buf[p++] = HEX[u & 15]!;
      } else p = putUtf8(buf, p, u);
      continue;
    }
    if (u >= 0xd800 && u <= 0xdfff) {
      const cp = pairAt(s, i);
      if (cp >= 0) {
        p = putUtf8(buf, p, cp);
        i++;
        continue;
      }
    }
    if (
      (u >= 0xd800 && u <= 0xdfff) || u === 0x2028 || u === 0x2029 || u === 0xfeff ||
      u === 0xfffe || u === 0xffff
    ) {
      buf[p++] = 92, buf[p++] = 117;
      buf[p++] = HEX[u >> 12]!, buf[p++] = HEX[(u >> 8) & 15]!;
      buf[p++] = HEX[(u >> 4) & 15]!, buf[p++] = HEX[u & 15]!;
      continue;
    }
    p = putUtf8(buf, p, u);
  }
  buf[p++] = 34;
  w.pos = p;
}

/**
 * Writes what {@linkcode yamlString} returns, as UTF-8, straight into `w`:
 * ASCII text is checked for plainness while it is copied.
 *
 * @param w The writer.
 * @param s The string.
 * @param quoteAll Always double-quote.
 */
function writeString(w: ByteWriter, s: string, quoteAll: boolean): void {
  const n = s.length;
  if (!quoteAll && n > 0) {
    let u = s.charCodeAt(0);
    const lower = u | 0x20;
    if (lower >= 97 && lower <= 122) {
      // An ASCII letter first: copy while the units are plain ASCII, commit if all were.
      if (w.pos + n > w.buf.length) w.reserve(n);
      const buf = w.buf;
      let p = w.pos;
      buf[p++] = u;
      let i = 1;
      for (; i < n; i++) {
        u = s.charCodeAt(i);
        if (u >= 0x80 || PLAIN_ASCII[u] === 0) break;
        buf[p++] = u;
      }
      if (i === n) {
        // Reserved words have at most 5 letters and start with y, n, t, f or o.
        const maybeReserved = n <= 5 &&
          (lower === 121 || lower === 110 || lower === 116 || lower === 102 || lower === 111);
        if (u !== 32 && !(maybeReserved && RESERVED.test(s))) {
          w.pos = p;
          return;
        }
      } else if (u >= 0x80 && isPlain(s)) {
        w.text(s);
        return;
      }
    } else if (u >= 0x80 && isPlain(s)) {
      w.text(s);
      return;
    }
  }
  writeQuoted(w, s);
}

/** {@linkcode yamlString}'s test for a plain scalar. */
function isPlain(s: string): boolean {
  return PLAIN.test(s) && s.charCodeAt(s.length - 1) !== 32 && !RESERVED.test(s);
}

/**
 * Writes what {@linkcode yamlValue} returns, as UTF-8, straight into `w`.
 *
 * @param w The writer.
 * @param v The value.
 * @param quoteAll Always double-quote strings.
 */
function writeValue(w: ByteWriter, v: unknown, quoteAll: boolean): void {
  if (typeof v === "string") writeString(w, v, quoteAll);
  else if (typeof v === "number") {
    // Integers below 2^53 print without an exponent; others keep yamlNumber's dot rule.
    if (Number.isInteger(v) && v > -9007199254740992 && v < 9007199254740992) w.integer(v);
    else if (!Number.isFinite(v) || !w.textUntil(String(v), 101, -1, -1, -1)) {
      // Non-finite, or an exponent ("e") that wants yamlNumber's dot.
      w.text(yamlValue(v));
    }
  } else if (v === null || v === undefined) w.text("null");
  else w.text(yamlValue(v, quoteAll));
}

/**
 * YAML documents, streamed batch by batch.
 *
 * @example In a scenario
 * ```yaml
 * output:
 *   format: yaml
 *   yaml: { indent: 2 }
 * ```
 */
export default definePlugin({
  name: "yaml",
  kind: "formatter",
  version: "1.0.0",
  description:
    "YAML: a sequence of mappings per entity, one mapping of entities (single) or of fields (split)",
  extension: "yaml",
  multiEntity: true,
  options: yamlOptions,
  create({ indent, quote_all }, setup) {
    const single = setup.layout === "single";
    const split = setup.layout === "split";
    const pad = " ".repeat(indent);
    // Sequences are indented under their entity key in single layout.
    const dash = (single ? pad : "") + "-" + " ".repeat(indent - 1);
    const fieldPad = split ? "" : (single ? pad : "") + pad;
    const utf8 = new TextEncoder();
    const emptyRow = utf8.encode(dash + "{}\n");
    /** Per column, what comes before its value: the first after the dash, the others indented. */
    let firstKey = new Uint8Array(0);
    let keys: Uint8Array[] = [];
    let rows = 0;
    let bytesPerRow = 64;
    return {
      beginEntity(entity: EntitySchema) {
        const names = entity.columns.map((c) => yamlString(c.name) + ": ");
        firstKey = utf8.encode((split ? "" : dash) + (names[0] ?? ""));
        keys = names.map((k) => utf8.encode(fieldPad + k));
        rows = 0;
        if (single) return yamlString(entity.name) + ":";
      },
      write(batch) {
        const cols = batch.columns;
        const n = cols.length;
        const len = batch.length;
        if (len === 0) return "";
        if (split && n === 0) return "{}\n";
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * len * 1.1) + 1024);
        for (let k = 0; k < len; k++) {
          if (!split) {
            if (single && rows === 0) w.byte(10);
            rows++;
            if (n === 0) {
              w.smallBytes(emptyRow);
              continue;
            }
          }
          w.smallBytes(firstKey);
          writeValue(w, cols[0]![k], quote_all);
          w.byte(10);
          for (let c = 1; c < n; c++) {
            w.smallBytes(keys[c]!);
            writeValue(w, cols[c]![k], quote_all);
            w.byte(10);
          }
        }
        bytesPerRow = w.pos / len;
        return w.take();
      },
      // Only whether rows came before matters (single layout's line break, "[]").
      seek(_entity, row) {
        rows = row;
      },
      endEntity() {
        if (split || rows > 0) return;
        return single ? " []\n" : "[]\n";
      },
      finish() {
        if (single && setup.entities.length === 0) return "{}\n";
      },
    };
  },
});
