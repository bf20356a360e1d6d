/**
 * `csv`: RFC 4180 CSV, one file per entity. Hand-written for speed: fields
 * are quoted only when they hold the delimiter, a quote or a line break (or
 * are empty, to tell them from null), and quotes are doubled.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";

/** Options of the `csv` formatter. */
export const csvOptions = z.object({
  /** The field separator, one character. */
  delimiter: z.string().length(1).refine((d) => d !== '"' && d !== "\n" && d !== "\r", {
    message: "The delimiter cannot be a quote or a line break",
  }).default(",").describe("Field separator (one character)"),
  /** Write a header row with the column names. */
  header: z.boolean().default(true).describe("Write a header row"),
  /** Line ending: RFC 4180 says CRLF. */
  newline: z.enum(["crlf", "lf"]).default("crlf").describe("Line ending (RFC 4180: crlf)"),
  /** How null is written. */
  null: z.string().default("").describe("Text written for null values"),
  /** Quote every field, not only those that need it. */
  quote_all: z.boolean().default(false).describe("Quote every field"),
  /**
   * Neutralise spreadsheet formulas (OWASP CSV injection): a text cell that
   * starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
   * `'`. Only string columns; numbers stay numbers.
   */
  formula_guard: z.boolean().default(false).describe(
    "Prefix text cells starting with = + - @ tab or CR with ' (spreadsheet formula injection)",
  ),
}).strict().default({
  delimiter: ",",
  header: true,
  newline: "crlf",
  null: "",
  quote_all: false,
  formula_guard: false,
});

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a cell a spreadsheet would run as a formula (OWASP CSV
 * injection): a leading `=`, `+`, `-`, `@`, tab or carriage return gets a
 * `'` in front. Other values are returned as they are.
 *
 * @param v A cell value.
 * @returns The value, guarded when it is a string that starts a formula.
 * @example
 * ```ts
 * import { guardFormula } from "./csv.ts";
 * guardFormula("=HYPERLINK(\"http://x\")"); // "'=HYPERLINK(\"http://x\")"
 * guardFormula(-5); // -5
 * ```
 */
export function guardFormula(v: unknown): unknown {
  return typeof v === "string" && FORMULA_START.test(v) ? "'" + v : v;
}

/**
 * Builds the cell encoder for a delimiter.
 *
 * @param delimiter The delimiter.
 * @param nullText What null becomes.
 * @param quoteAll Quote every string.
 * @returns A function from value to cell text.
 * @example
 * ```ts
 * import { cellEncoder } from "./csv.ts";
 * cellEncoder(",", "", false)('a "b", c'); // '"a ""b"", c"'
 * ```
 */
export function cellEncoder(
  delimiter: string,
  nullText: string,
  quoteAll: boolean,
): (v: unknown) => string {
  const special = new RegExp(
    `[${
      delimiter === "]" || delimiter === "\\" || delimiter === "^" || delimiter === "-"
        ? "\\" + delimiter
        : delimiter
    }"\\r\\n]`,
  );
  const quote = (s: string) => '"' + s.replaceAll('"', '""') + '"';
  return (v) => {
    // An empty string is quoted when null is written as nothing, so readers
    // (DuckDB, PostgreSQL COPY) tell "" from null.
    if (typeof v === "string") {
      return quoteAll || special.test(v) || (v === "" && nullText === "") ? quote(v) : v;
    }
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : nullText;
    if (v === null || v === undefined) return nullText;
    if (typeof v === "boolean") return v ? "true" : "false";
    const s = JSON.stringify(v);
    return quoteAll || special.test(s) ? quote(s) : s;
  };
}

/**
 * Comma-separated values with a header row.
 *
 * @example In a scenario
 * ```yaml
 * output:
 *   format: csv
 *   csv: { delimiter: ";", newline: lf, formula_guard: true }
 * ```
 */
export default definePlugin({
  name: "csv",
  kind: "formatter",
  version: "1.0.0",
  description: "CSV (RFC 4180): header row, any delimiter, quotes doubled",
  extension: "csv",
  options: csvOptions,
  create(options) {
    const eol = options.newline === "crlf" ? "\r\n" : "\n";
    const d = options.delimiter;
    const cell = cellEncoder(d, options.null, options.quote_all);
    const utf8 = new TextEncoder();
    const delimiterBytes = utf8.encode(d);
    const crlf = options.newline === "crlf";
    const nullBytes = utf8.encode(options.null);
    const D = d.charCodeAt(0);
    const quoteAll = options.quote_all, emptyQuoted = options.null === "";
    let bytesPerRow = 64;
    /** A string as a cell: as it is, or quoted with quotes doubled. */
    const writeText = (w: ByteWriter, s: string) => {
      if (!quoteAll && !(s === "" && emptyQuoted) && w.textUntil(s, D, 34, 13, 10)) return;
      w.byte(34);
      w.text(s.includes('"') ? s.replaceAll('"', '""') : s);
      w.byte(34);
    };
    /** The same rules as {@linkcode cellEncoder}, written as bytes. */
    const writeCell = (w: ByteWriter, v: unknown) => {
      if (typeof v === "string") writeText(w, v);
      else if (typeof v === "number") {
        if (Number.isInteger(v)) w.integer(v);
        else if (Number.isFinite(v)) w.text(String(v));
        else w.bytes(nullBytes);
      } else if (v === null || v === undefined) w.bytes(nullBytes);
      else if (typeof v === "boolean") w.text(v ? "true" : "false");
      else writeText(w, JSON.stringify(v));
    };
    return {
      beginEntity(entity) {
        if (!options.header) return;
        return entity.columns.map((c) => cell(c.name)).join(d) + eol;
      },
      write(batch, entity) {
        const cols = batch.columns;
        const n = cols.length;
        // With formula_guard, text columns only: -5 in a numeric column stays a number.
        const guarded = batch.fields.map((f, c) => {
          const type = entity.columns.find((col) => col.name === f)?.type ??
            entity.columns[c]?.type;
          return options.formula_guard && type === "string";
        });
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * batch.length * 1.1) + 1024);
        for (let k = 0; k < batch.length; k++) {
          for (let c = 0; c < n; c++) {
            if (c > 0) {
              if (D < 0x80) w.byte(D);
              else w.bytes(delimiterBytes);
            }
            const v = cols[c]![k];
            writeCell(w, guarded[c] ? guardFormula(v) : v);
          }
          if (crlf) w.byte(13);
          w.byte(10);
        }
        if (batch.length > 0) bytesPerRow = w.pos / batch.length;
        return w.take();
      },
      // A row's line depends on the row alone: any piece can be formatted apart.
      seek() {},
    };
  },
});
