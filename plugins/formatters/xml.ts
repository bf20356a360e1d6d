/**
 * `xml`: XML 1.0 documents. Per entity a root element (the entity's name)
 * holding one `<row>` per row and one child element per column; with
 * `--layout single` a root named after the scenario wraps one element per
 * entity; with `--layout split` each file's root is the row element.
 *
 * Encoding rules, so that any XML parser reads back what was generated:
 * - A null value leaves its element out (option `nulls: nil` writes
 *   `<x xsi:nil="true"/>` instead); an empty string is an empty element, so
 *   the two stay distinct.
 * - `& < > " '` are escaped, carriage returns are written `&#13;` (parsers
 *   turn a raw CR into LF), and characters XML 1.0 cannot hold (control
 *   characters other than tab and line breaks, U+FFFE, U+FFFF, lone
 *   surrogates) are dropped.
 * - Column names that are not XML names are made into one: each character a
 *   name cannot hold becomes `_`, a name that cannot start as it does gets a
 *   `_` in front, and a name that then repeats an earlier one gets `_2`,
 *   `_3`… Colons are replaced too, so no namespace prefix appears by accident.
 * - Numbers and booleans are written as JSON writes them (non-finite numbers
 *   as `NaN`, `INF`, `-INF`, the xsd:double spellings); objects and arrays
 *   (type `json`) as JSON text.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import { pairAt, putUtf8 } from "../_shared/utf8.ts";

const NAME_START =
  "A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D" +
  "\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
const NAME_CHAR = NAME_START + "\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040";
/** An XML 1.0 (fifth edition) name without colons. */
const XML_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, "u");
const NOT_NAME_CHAR = new RegExp(`[^${NAME_CHAR}]`, "gu");
const NAME_START_CHAR = new RegExp(`^[${NAME_START}]`, "u");

/**
 * Whether a string is an XML name (without colons), usable as an element
 * name.
 *
 * @param s The string.
 * @returns True when it is.
 * @example
 * ```ts
 * import { isXmlName } from "./xml.ts";
 * isXmlName("first_name"); // true
 * isXmlName("2fa"); // false
 * ```
 */
export function isXmlName(s: string): boolean {
  return XML_NAME.test(s);
}

/**
 * Makes a string into an XML element name: characters a name cannot hold
 * become `_`, and a `_` is put in front when the first character cannot
 * start a name.
 *
 * @param s The string (a column, entity or scenario name).
 * @returns A valid XML name without colons.
 * @example
 * ```ts
 * import { xmlName } from "./xml.ts";
 * xmlName("unit price"); // "unit_price"
 * xmlName("2fa"); // "_2fa"
 * ```
 */
export function xmlName(s: string): string {
  if (XML_NAME.test(s)) return s;
  const out = s.replace(NOT_NAME_CHAR, "_");
  return NAME_START_CHAR.test(out) ? out : "_" + out;
}

/** A name option: any XML name without colons. */
const nameOption = z.string().refine(isXmlName, {
  message: "Expected an XML element name: a letter or _ first, then letters, digits, _ . or -",
});

/**
 * Options of the `xml` formatter.
 *
 * @example
 * ```ts
 * import { xmlOptions } from "./xml.ts";
 * xmlOptions.parse({ row: "customer" }); // { row: "customer", indent: 2, nulls: "omit" }
 * ```
 */
export const xmlOptions = z.object({
  /** The root element's name. */
  root: nameOption.optional().describe(
    "Root element name (default: the entity's name; with layout single, the scenario's)",
  ),
  /** The element name of one row. */
  row: nameOption.default("row").describe("Element name of one row"),
  /** Spaces per nesting level; 0 writes each row on one line. */
  indent: z.number().int().min(0).max(8).default(2).describe(
    "Spaces per nesting level; 0 writes each row on one line",
  ),
  /** How null values are written. */
  nulls: z.enum(["omit", "nil"]).default("omit").describe(
    'How nulls are written: "omit" leaves the element out, "nil" writes xsi:nil="true"',
  ),
}).strict().default({ row: "row", indent: 2, nulls: "omit" });

const SPECIAL = /[&<>"'\r]|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const SPECIAL_ALL = /[&<>"'\r]|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#13;",
};

/**
 * Escapes text for XML element content: `& < > " '` as entities, CR as
 * `&#13;`, and characters XML 1.0 cannot hold removed.
 *
 * @param s The text.
 * @returns The escaped text.
 * @example
 * ```ts
 * import { xmlText } from "./xml.ts";
 * xmlText('a < b & "c"'); // "a &lt; b &amp; &quot;c&quot;"
 * xmlText("bell\u0007"); // "bell"
 * ```
 */
export function xmlText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? "");
}

/**
 * A value as XML text: strings escaped, numbers and booleans as in JSON
 * (non-finite numbers as `NaN`, `INF`, `-INF`), nested values as JSON text.
 *
 * @param v A non-null value.
 * @returns Escaped text.
 * @example
 * ```ts
 * import { xmlValue } from "./xml.ts";
 * xmlValue(1.5); // "1.5"
 * xmlValue({ a: "<b>" }); // "{&quot;a&quot;:&quot;&lt;b&gt;&quot;}"
 * ```
 */
export function xmlValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return xmlText(v);
    case "number":
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "INF" : "-INF";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return String(v);
    default:
      if (v instanceof Date) return v.toISOString();
      return xmlText(JSON.stringify(v) ?? "");
  }
}

/**
 * Element names for a list of column names: each made an XML name, and
 * repeats numbered `_2`, `_3`…
 *
 * @param names Column names.
 * @returns One distinct element name per column.
 * @example
 * ```ts
 * import { xmlNames } from "./xml.ts";
 * xmlNames(["a b", "a_b", "id"]); // ["a_b", "a_b_2", "id"]
 * ```
 */
export function xmlNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    const base = xmlName(n);
    let name = base;
    for (let i = 2; seen.has(name); i++) name = `${base}_${i}`;
    seen.add(name);
    return name;
  });
}

/** Per ASCII code unit: 0 copied, 1 escaped (`& < > " '`, CR), 2 dropped (other controls). */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ASCII_CLASS[c] = c === 9 || c === 10 ? 0 : 2;
for (const c of "&<>\"'\r") ASCII_CLASS[c.charCodeAt(0)] = 1;
/** The entity of each escaped ASCII code unit, as bytes. */
const ASCII_ENTITIES: Uint8Array[] = [];
for (const [c, e] of Object.entries(ENTITIES)) {
  ASCII_ENTITIES[c.charCodeAt(0)] = new TextEncoder().encode(e);
}

/**
 * Writes what {@linkcode xmlText} returns, as UTF-8, straight into `w`.
 *
 * @param w The writer.
 * @param s The text.
 */
function writeText(w: ByteWriter, s: string): void {
  const n = s.length;
  // At most 6 bytes per code unit (`&quot;`).
  if (w.pos + n * 6 > w.buf.length) w.reserve(n * 6);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) {
      const kind = ASCII_CLASS[u];
      if (kind === 0) buf[p++] = u;
      else if (kind === 1) {
        const e = ASCII_ENTITIES[u]!;
        for (let j = 0; j < e.length; j++) buf[p++] = e[j]!;
      }
    } else if (u >= 0xd800 && u <= 0xdfff) {
      // A pair is one character XML holds; a lone surrogate is dropped.
      const cp = pairAt(s, i);
      if (cp >= 0) {
        p = putUtf8(buf, p, cp);
        i++;
      }
    } else if (u < 0xfffe) p = putUtf8(buf, p, u);
  }
  w.pos = p;
}

/**
 * Writes what {@linkcode xmlValue} returns, as UTF-8, straight into `w`.
 *
 * @param w The writer.
 * @param v A non-null value.
 */
function writeValue(w: ByteWriter, v: unknown): void {
  if (typeof v === "string") writeText(w, v);
  else if (typeof v === "number") {
    if (Number.isInteger(v)) w.integer(v);
    else w.text(Number.isFinite(v) ? String(v) : xmlValue(v));
  } else if (typeof v === "object" && v !== null && !(v instanceof Date)) {
    writeText(w, JSON.stringify(v) ?? "");
  } else w.text(xmlValue(v));
}

const XSI = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/**
 * XML documents, streamed batch by batch.
 *
 * @example In a scenario
 * ```yaml
 * output:
 *   format: xml
 *   xml: { row: customer, indent: 0 }
 * ```
 */
export default definePlugin({
  name: "xml",
  kind: "formatter",
  version: "1.0.0",
  description: "XML: a root element per entity with one element per row and per column",
  extension: "xml",
  multiEntity: true,
  options: xmlOptions,
  create({ root, row, indent, nulls }, setup) {
    const single = setup.layout === "single";
    const split = setup.layout === "split";
    const nil = nulls === "nil";
    const pad = " ".repeat(indent);
    const nl = indent ? "\n" : "";
    // Depth of a row element: 0 in split (it is the root), 1 per entity, 2 in single.
    const rowPad = split ? "" : single ? pad + pad : pad;
    const colPad = indent ? rowPad + pad : "";
    const rowOpen = (split && nil ? `<${row}${XSI}>` : `<${row}>`) + nl;
    const rowClose = (indent ? rowPad : "") + `</${row}>\n`;
    const utf8 = new TextEncoder();
    const rowStart = utf8.encode(rowPad + rowOpen);
    const rowEnd = utf8.encode(rowClose);
    let open: Uint8Array[] = [];
    let close: Uint8Array[] = [];
    let empty: Uint8Array[] = [];
    let entityTag = "";
    let bytesPerRow = 64;
    return {
      start() {
        let s = '<?xml version="1.0" encoding="UTF-8"?>\n';
        if (single) s += `<${root ?? xmlName(setup.scenario)}${nil ? XSI : ""}>\n`;
        return s;
      },
      beginEntity(entity) {
        const names = xmlNames(entity.columns.map((c) => c.name));
        open = names.map((n) => utf8.encode(`${colPad}<${n}>`));
        close = names.map((n) => utf8.encode(`</${n}>${nl}`));
        empty = names.map((n) =>
          utf8.encode(`${colPad}<${n}${nil ? ' xsi:nil="true"' : ""}/>${nl}`)
        );
        if (split) return;
        entityTag = single ? xmlName(entity.name) : root ?? xmlName(entity.name);
        return `${single ? pad : ""}<${entityTag}${nil && !single ? XSI : ""}>\n`;
      },
      write(batch) {
        const cols = batch.columns;
        const n = cols.length;
        const len = batch.length;
        if (len === 0) return "";
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * len * 1.1) + 1024);
        for (let k = 0; k < len; k++) {
          w.smallBytes(rowStart);
          for (let c = 0; c < n; c++) {
            const v = cols[c]![k];
            if (v === null || v === undefined) {
              if (nil) w.smallBytes(empty[c]!);
            } else {
              w.smallBytes(open[c]!);
              writeValue(w, v);
              w.smallBytes(close[c]!);
            }
          }
          w.smallBytes(rowEnd);
        }
        bytesPerRow = w.pos / len;
        return w.take();
      },
      // A row's element depends on the row alone: any piece can be formatted apart.
      seek() {},
      endEntity() {
        if (split) return;
        return `${single ? pad : ""}</${entityTag}>\n`;
      },
      finish() {
        if (single) return `</${root ?? xmlName(setup.scenario)}>\n`;
      },
    };
  },
});
