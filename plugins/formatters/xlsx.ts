/**
 * `xlsx`: Excel workbooks (Office Open XML), one sheet per entity. Streamed:
 * each sheet's XML is written row by row, as UTF-8 bytes (no string per
 * cell), into a streaming ZIP (fflate), so memory stays flat however many
 * rows; strings are inline (no shared-string table to hold). Numbers are
 * numbers, booleans booleans, dates and datetimes real Excel dates (UTC,
 * formatted `yyyy-mm-dd` and `yyyy-mm-dd hh:mm:ss.000`); JSON is written as
 * its text; null leaves the cell empty. The first row holds the column names
 * and stays frozen.
 *
 * A sheet holds at most 1,048,576 rows: an entity with more continues in a
 * new sheet (`orders`, `orders (2)`, …), each with its header row.
 *
 * @module
 */
import { z } from "zod";
import zlib from "node:zlib";
import { type AsyncFlateStreamHandler, Zip, type ZipInputFile } from "fflate";
import { definePlugin } from "../../core/define_plugin.ts";
import type { EntitySchema, FieldType } from "../../core/types.ts";
import { isoMillis } from "../_shared/iso_millis.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import { pairAt, putUtf8 } from "../_shared/utf8.ts";

/** The most rows an Excel sheet holds, the header row included. */
export const SHEET_ROWS = 1_048_576;
/** The most columns an Excel sheet holds. */
const SHEET_COLUMNS = 16_384;
/** The longest text an Excel cell holds. */
const CELL_CHARS = 32_767;

/** Options of the `xlsx` formatter. */
export const xlsxOptions = z.object({
  /** Write a header row with the column names (frozen). */
  header: z.boolean().default(true).describe("Write a frozen header row with the column names"),
  /** Rows per sheet, the header included; more continue in a new sheet. */
  sheet_rows: z.number().int().min(2).max(SHEET_ROWS).default(SHEET_ROWS).describe(
    "Rows per sheet, header included (at most Excel's 1,048,576); more go to a new sheet",
  ),
  /** The DEFLATE level of the ZIP entries (1 fastest … 9 smallest). */
  level: z.number().int().min(0).max(9).default(6).describe("ZIP compression level, 0–9"),
}).strict().default({ header: true, sheet_rows: SHEET_ROWS, level: 6 });

const encoder = new TextEncoder();
const MS_PER_DAY = 86_400_000;
/** Excel's day 0 (1899-12-30) in epoch milliseconds: serial = days since then. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** Excel's serials are wrong before 1900-03-01 (its 1900 leap-year bug): earlier dates stay text. */
const FIRST_DAY = Date.UTC(1900, 2, 1);
/** A fixed ZIP entry time (local fields, so the bytes are the same in any time zone). */
const MTIME = new Date(1980, 0, 1);

// deno-lint-ignore no-control-regex
const SPECIAL = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_x[0-9a-fA-F]{4}_/;

/**
 * Text as the content of an OOXML `<t>` element: markup escaped, a carriage
 * return kept as `&#13;` (XML would turn it into a line feed), characters
 * XML cannot hold written as `_xHHHH_`, and text that looks like such an
 * escape protected (`_x005F_`).
 *
 * @param s The text.
 * @returns The escaped text.
 * @example
 * ```ts
 * import { xlsxText } from "./xlsx.ts";
 * xlsxText("a < b\r\n"); // "a &lt; b&#13;\n"
 * xlsxText("bell\u0007"); // "bell_x0007_"
 * ```
 */
export function xlsxText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(
    // deno-lint-ignore no-control-regex
    /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)/g,
    (c) => {
      switch (c) {
        case "&":
          return "&amp;";
        case "<":
          return "&lt;";
        case ">":
          return "&gt;";
        case "\r":
          return "&#13;";
        case "_":
          return "_x005F_";
        default:
          return "_x" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "_";
      }
    },
  );
}

/**
 * The column letters of a 0-based column index.
 *
 * @param index The column index.
 * @returns `A`, `B`, …, `Z`, `AA`, …
 * @example
 * ```ts
 * import { columnName } from "./xlsx.ts";
 * columnName(0); // "A"
 * columnName(27); // "AB"
 * ```
 */
export function columnName(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}

/** Styles: 0 plain, 1 date, 2 datetime, 3 bold (the header). */
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>` +
  `<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss.000"/></numFmts>` +
  `<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>` +
  `<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
  `<fills count="2"><fill><patternFill patternType="none"/></fill>` +
  `<fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
  `</styleSheet>`;

const XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** Bytes of ASCII text (markup and numbers written as they are). */
function ascii(s: string): Uint8Array {
  return encoder.encode(s);
}

const ROW_OPEN = ascii(`<row r="`);
const ROW_END = ascii(`">`);
const ROW_CLOSE = ascii(`</row>`);
const TEXT_OPEN = ascii(`" t="inlineStr"><is><t xml:space="preserve">`);
const TEXT_CLOSE = ascii(`</t></is></c>`);
const NUMBER_OPEN = ascii(`"><v>`);
const VALUE_CLOSE = ascii(`</v></c>`);
const TRUE = ascii(`" t="b"><v>1</v></c>`);
const FALSE = ascii(`" t="b"><v>0</v></c>`);
const HEX = ascii("0123456789ABCDEF");
/** ASCII code units {@linkcode xlsxText} may change (`_` only before `x` and four hex digits and `_`). */
const ESCAPED = new Uint8Array(128);
for (let u = 0; u < 32; u++) if (u !== 9 && u !== 10) ESCAPED[u] = 1;
for (const c of "&<>_") ESCAPED[c.charCodeAt(0)] = 1;

/**
 * Appends the text of a number as `String(v)` writes it, or of a bigint.
 * Integers and numbers of at most two decimals below 10^12 (amounts) are
 * written digit by digit: such a number is the double nearest to `m / 100`,
 * and no other decimal of two places or fewer is that near, so the shortest
 * text `String` picks is `m / 100`'s.
 */
function putNumber(w: ByteWriter, v: number | bigint): void {
  if (typeof v !== "number") return void w.text(String(v));
  if (Number.isInteger(v)) return w.integer(v);
  if (v > -1e12 && v < 1e12) {
    const m = Math.round(v * 100);
    if (m / 100 === v) {
      const a = m < 0 ? -m : m;
      if (m < 0) w.byte(45);
      const whole = Math.floor(a / 100), cents = a - whole * 100;
      w.integer(whole);
      w.reserve(3);
      w.buf[w.pos++] = 46;
      w.buf[w.pos++] = 48 + Math.floor(cents / 10);
      if (cents % 10 !== 0) w.buf[w.pos++] = 48 + (cents % 10);
      return;
    }
  }
  w.text(String(v));
}

function isHex(u: number): boolean {
  return (u >= 48 && u <= 57) || (u >= 65 && u <= 70) || (u >= 97 && u <= 102);
}

/**
 * Appends what {@linkcode xlsxText} makes of `s`, as UTF-8 (lone surrogates
 * become U+FFFD, as `TextEncoder` writes them), without building the string.
 */
function putText(w: ByteWriter, s: string): void {
  const n = s.length;
  // The most a code unit becomes: seven bytes (`_x0007_`, `_xFFFE_`).
  if (w.pos + n * 7 > w.buf.length) w.reserve(n * 7);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u < 0x80) {
      if (ESCAPED[u] === 0) {
        buf[p++] = u;
        continue;
      }
      switch (u) {
        case 38: // &amp;
          buf[p++] = 38, buf[p++] = 97, buf[p++] = 109, buf[p++] = 112, buf[p++] = 59;
          break;
        case 60: // &lt;
          buf[p++] = 38, buf[p++] = 108, buf[p++] = 116, buf[p++] = 59;
          break;
        case 62: // &gt;
          buf[p++] = 38, buf[p++] = 103, buf[p++] = 116, buf[p++] = 59;
          break;
        case 13: // &#13;
          buf[p++] = 38, buf[p++] = 35, buf[p++] = 49, buf[p++] = 51, buf[p++] = 59;
          break;
        case 95: // _ before x, four hex digits and _: _x005F_
          if (
            i + 6 < n && s.charCodeAt(i + 1) === 120 && isHex(s.charCodeAt(i + 2)) &&
            isHex(s.charCodeAt(i + 3)) && isHex(s.charCodeAt(i + 4)) &&
            isHex(s.charCodeAt(i + 5)) && s.charCodeAt(i + 6) === 95
          ) {
            buf[p++] = 95, buf[p++] = 120, buf[p++] = 48, buf[p++] = 48;
            buf[p++] = 53, buf[p++] = 70, buf[p++] = 95;
          } else buf[p++] = 95;
          break;
        default: // another control character: _x00HH_
          buf[p++] = 95, buf[p++] = 120, buf[p++] = 48, buf[p++] = 48;
          buf[p++] = HEX[u >> 4]!, buf[p++] = HEX[u & 15]!, buf[p++] = 95;
      }
    } else if (u >= 0xfffe) { // _xFFFE_, _xFFFF_
      buf[p++] = 95, buf[p++] = 120, buf[p++] = 70, buf[p++] = 70, buf[p++] = 70;
      buf[p++] = u === 0xfffe ? 69 : 70, buf[p++] = 95;
    } else if (u >= 0xd800 && u <= 0xdfff) {
      // A pair is one character; a lone surrogate is U+FFFD, as TextEncoder writes it.
      const cp = pairAt(s, i);
      if (cp >= 0) i++;
      p = putUtf8(buf, p, cp >= 0 ? cp : 0xfffd);
    } else p = putUtf8(buf, p, u);
  }
  w.pos = p;
}

/** The row being written: its number, and its digits as bytes. */
interface Row {
  n: number;
  digits: Uint8Array;
  length: number;
}

/** Sets the row's number and digits. */
function setRow(row: Row, n: number): void {
  row.n = n;
  let length = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) length++;
  row.length = length;
  for (let p = length; p > 0; n = Math.floor(n / 10)) row.digits[--p] = 48 + (n % 10);
}

/** Appends the start of a cell: `<c r="`, the column letters (`start`) and the row's digits. */
function putRef(w: ByteWriter, start: Uint8Array, row: Row, after: Uint8Array): void {
  const a = start.length, b = row.length, c = after.length;
  if (w.pos + a + b + c > w.buf.length) w.reserve(a + b + c);
  const buf = w.buf, digits = row.digits;
  let p = w.pos;
  for (let i = 0; i < a; i++) buf[p++] = start[i]!;
  for (let i = 0; i < b; i++) buf[p++] = digits[i]!;
  for (let i = 0; i < c; i++) buf[p++] = after[i]!;
  w.pos = p;
}

/**
 * Writes one cell, or nothing for an empty one; `start` is `<c r="` and the
 * column letters as bytes.
 */
type CellWriter = (w: ByteWriter, start: Uint8Array, row: Row, v: unknown) => void;

/** Builds the writer of one cell from a value, for a column type and its letters. */
function cellWriter(type: FieldType, letters: string): CellWriter {
  const text = (w: ByteWriter, start: Uint8Array, row: Row, s: string) => {
    if (s.length > CELL_CHARS) {
      throw new Error(
        `Cannot write a text of ${s.length} characters to cell ${letters}${row.n}: an Excel cell holds at most ${CELL_CHARS}`,
      );
    }
    putRef(w, start, row, TEXT_OPEN);
    putText(w, s);
    w.smallBytes(TEXT_CLOSE);
  };
  const any: CellWriter = (w, start, row, v) => {
    switch (typeof v) {
      case "string":
        return text(w, start, row, v);
      case "number":
        if (!Number.isFinite(v)) return;
      // falls through
      case "bigint":
        putRef(w, start, row, NUMBER_OPEN);
        putNumber(w, v as number | bigint);
        w.smallBytes(VALUE_CLOSE);
        return;
      case "boolean":
        putRef(w, start, row, v ? TRUE : FALSE);
        return;
      default:
        if (v !== null && v !== undefined) text(w, start, row, JSON.stringify(v));
    }
  };
  const date = (style: 1 | 2, shape: "date" | "any"): CellWriter => {
    const open = ascii(`" s="${style}"><v>`);
    return (w, start, row, v) => {
      const ms = typeof v === "string" ? isoMillis(v, shape) : NaN;
      // Text that is no date (an anomaly), or a date Excel cannot hold, stays text.
      if (Number.isNaN(ms) || ms < FIRST_DAY) return any(w, start, row, v);
      putRef(w, start, row, open);
      putNumber(w, (ms - EXCEL_EPOCH) / MS_PER_DAY);
      w.smallBytes(VALUE_CLOSE);
    };
  };
  switch (type) {
    case "date":
      return date(1, "date");
    case "datetime":
      return date(2, "any");
    case "json":
      return (w, start, row, v) => {
        if (v !== null && v !== undefined) text(w, start, row, JSON.stringify(v));
      };
    default:
      return any;
  }
}

/** The size of the blocks entry text is deflated in. */
const BLOCK = 1 << 16;

/**
 * A ZIP entry deflated by node:zlib (native code, several times faster than
 * a JavaScript deflate) as it streams: fflate's Zip writes the headers, this
 * feeds it the compressed bytes, the CRC-32 and the size. The entry's bytes
 * are written into {@linkcode DeflateEntry.w} and deflated by
 * {@linkcode DeflateEntry.flush} in fixed 64 KiB blocks, so zlib sees the
 * same writes (and makes the same bytes) whatever the batch size, and few
 * calls.
 */
class DeflateEntry implements ZipInputFile {
  readonly compression = 8;
  readonly flag = 0;
  readonly mtime = MTIME;
  size = 0;
  crc = 0;
  ondata?: AsyncFlateStreamHandler;
  /** The entry's bytes not deflated yet (less than a block after a flush). */
  readonly w = new ByteWriter(BLOCK * 2);
  readonly #z: zlib.DeflateRaw;
  #chunks: Uint8Array[] = [];
  readonly #ended: Promise<void>;

  constructor(readonly filename: string, level: number) {
    this.#z = zlib.createDeflateRaw({ level });
    this.#z.on("data", (d: Uint8Array) => this.#chunks.push(d));
    this.#ended = new Promise((resolve, reject) => {
      this.#z.on("end", () => resolve());
      this.#z.on("error", reject);
    });
    this.#ended.catch(() => {}); // reported by flush() or end()
  }

  /** Appends text and deflates the full blocks. */
  push(text: string): Promise<void> {
    this.w.text(text);
    return this.flush();
  }

  /** Deflates the full blocks written so far; the rest waits for more. */
  async flush(): Promise<void> {
    const w = this.w;
    let at = 0;
    for (; w.pos - at >= BLOCK; at += BLOCK) await this.#deflate(w.buf.subarray(at, at + BLOCK));
    if (at > 0) {
      w.buf.copyWithin(0, at, w.pos);
      w.pos -= at;
    }
    this.#emit(false);
  }

  /** Ends the entry. */
  async end(): Promise<void> {
    await this.flush();
    if (this.w.pos > 0) await this.#deflate(this.w.buf.subarray(0, this.w.pos));
    this.w.pos = 0;
    this.#z.end();
    await this.#ended;
    this.#emit(true);
  }

  /** Deflates a block (zlib is done with it when this resolves). */
  #deflate(bytes: Uint8Array): Promise<void> {
    this.size += bytes.length;
    this.crc = zlib.crc32(bytes, this.crc);
    return new Promise<void>((resolve, reject) =>
      this.#z.write(bytes, (e) => (e ? reject(e) : resolve()))
    );
  }

  #emit(final: boolean): void {
    if (!final && this.#chunks.length === 0) return;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.ondata!(null, concat(chunks), final);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1 && chunks[0]!.buffer instanceof ArrayBuffer) {
    return chunks[0] as Uint8Array<ArrayBuffer>;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** One sheet of the workbook. */
interface Sheet {
  name: string;
  file: DeflateEntry;
}

/**
 * Excel workbooks.
 *
 * @example
 * ```sh
 * fabricate gen quickstart --format xlsx --layout single   # quickstart.xlsx, a sheet per entity
 * ```
 * @see docs/formats.md
 */
export default definePlugin({
  name: "xlsx",
  kind: "formatter",
  version: "1.0.0",
  description: "Excel workbook (.xlsx): a sheet per entity, streamed, typed cells",
  extension: "xlsx",
  multiEntity: true,
  binary: true,
  options: xlsxOptions,
  create(options) {
    let out: Uint8Array[] = [];
    let failure: Error | undefined;
    const zip = new Zip((err, data) => {
      if (err) failure ??= err;
      else out.push(data);
    });
    const take = (): Uint8Array | undefined => {
      if (failure) throw failure;
      if (out.length === 0) return undefined;
      const chunks = out;
      out = [];
      return concat(chunks);
    };
    const add = async (name: string, text: string, level = options.level) => {
      const file = new DeflateEntry(name, level);
      zip.add(file);
      if (text) {
        await file.push(text);
        await file.end();
      }
      return file;
    };
    const sheets: Sheet[] = [];
    const used = new Set<string>();
    let sheet: Sheet | undefined;
    let row = 0; // rows written to the current sheet
    let part = 0; // sheets of the current entity
    let header = "";
    let writers: CellWriter[] = [];
    let starts: Uint8Array[] = [];
    const current: Row = { n: 0, digits: new Uint8Array(16), length: 0 };

    const sheetName = (entity: string, n: number) => {
      const suffix = n === 1 ? "" : ` (${n})`;
      // Excel: at most 31 characters, none of []:*?/\, unique ignoring case.
      let name = entity.replace(/[[\]:*?/\\]/g, "_").slice(0, 31 - suffix.length) + suffix;
      for (let k = 2; used.has(name.toLowerCase()); k++) {
        name = `${name.slice(0, 27)}~${k}`;
      }
      used.add(name.toLowerCase());
      return name;
    };
    const openSheet = async (entity: string) => {
      part++;
      const name = sheetName(entity, part);
      const file = await add(`xl/worksheets/sheet${sheets.length + 1}.xml`, "");
      sheet = { name, file };
      sheets.push(sheet);
      row = 0;
      const frozen = options.header
        ? `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" ` +
          `activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`
        : "";
      let head = `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}">${frozen}<sheetData>`;
      if (options.header) {
        row = 1;
        head += `<row r="1">${header}</row>`;
      }
      await file.push(head);
    };
    const closeSheet = async () => {
      await sheet!.file.push(`</sheetData></worksheet>`);
      await sheet!.file.end();
      sheet = undefined;
    };

    return {
      async beginEntity(entity: EntitySchema) {
        if (entity.columns.length > SHEET_COLUMNS) {
          throw new Error(
            `Cannot write ${entity.columns.length} columns to an Excel sheet: it holds at most ${SHEET_COLUMNS}`,
          );
        }
        const letters = entity.columns.map((_, i) => columnName(i));
        writers = entity.columns.map((c, i) => cellWriter(c.type, letters[i]!));
        starts = letters.map((l) => ascii(`<c r="${l}`));
        header = entity.columns.map((c, i) =>
          `<c r="${letters[i]}1" s="3" t="inlineStr"><is><t>${xlsxText(c.name)}</t></is></c>`
        ).join("");
        part = 0;
        await openSheet(entity.name);
        return take();
      },
      async write(batch, entity) {
        let w = sheet!.file.w;
        for (let k = 0; k < batch.length; k++) {
          if (row === options.sheet_rows) {
            await closeSheet();
            await openSheet(entity.name);
            w = sheet!.file.w;
          }
          row++;
          setRow(current, row);
          putRef(w, ROW_OPEN, current, ROW_END);
          for (let c = 0; c < writers.length; c++) {
            writers[c]!(w, starts[c]!, current, batch.columns[c]![k]);
          }
          w.smallBytes(ROW_CLOSE);
          // Keep the buffer about a block: deflate as it fills.
          if (w.pos >= BLOCK * 16) await sheet!.file.flush();
        }
        await sheet!.file.flush();
        return take();
      },
      async endEntity() {
        await closeSheet();
        return take();
      },
      async finish() {
        const list = sheets.map((s, i) =>
          `<sheet name="${xlsxText(s.name).replaceAll('"', "&quot;")}" sheetId="${
            i + 1
          }" r:id="rId${i + 1}"/>`
        ).join("");
        await add(
          "[Content_Types].xml",
          `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
            `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
            `<Default Extension="xml" ContentType="application/xml"/>` +
            `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
            `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
            sheets.map((_, i) =>
              `<Override PartName="/xl/worksheets/sheet${
                i + 1
              }.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
            ).join("") + `</Types>`,
        );
        await add(
          "_rels/.rels",
          `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
            `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
            `</Relationships>`,
        );
        await add(
          "xl/workbook.xml",
          `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${list}</sheets></workbook>`,
        );
        await add(
          "xl/_rels/workbook.xml.rels",
          `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
            sheets.map((_, i) =>
              `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${
                i + 1
              }.xml"/>`
            ).join("") +
            `<Relationship Id="rId${
              sheets.length + 1
            }" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
        );
        await add("xl/styles.xml", STYLES);
        zip.end();
        return take();
      },
    };
  },
});
