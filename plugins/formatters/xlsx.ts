/**
 * `xlsx`: Excel workbooks (Office Open XML), one sheet per entity. Streamed:
 * each sheet's XML is written row by row into a streaming ZIP (fflate), so
 * memory stays flat however many rows; strings are inline (no shared-string
 * table to hold). Numbers are numbers, booleans booleans, dates and datetimes
 * real Excel dates (UTC, formatted `yyyy-mm-dd` and
 * `yyyy-mm-dd hh:mm:ss.000`); JSON is written as its text; null leaves the
 * cell empty. The first row holds the column names and stays frozen.
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

/** Builds the writer of one cell from a value, for a column type. */
function cellWriter(type: FieldType): (ref: string, v: unknown) => string {
  const text = (ref: string, s: string) => {
    if (s.length > CELL_CHARS) {
      throw new Error(
        `Cannot write a text of ${s.length} characters to cell ${ref}: an Excel cell holds at most ${CELL_CHARS}`,
      );
    }
    return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xlsxText(s)}</t></is></c>`;
  };
  const any = (ref: string, v: unknown): string => {
    switch (typeof v) {
      case "string":
        return text(ref, v);
      case "number":
        return Number.isFinite(v) ? `<c r="${ref}"><v>${v}</v></c>` : "";
      case "bigint":
        return `<c r="${ref}"><v>${v}</v></c>`;
      case "boolean":
        return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
      default:
        return v === null || v === undefined ? "" : text(ref, JSON.stringify(v));
    }
  };
  const date = (style: number, shape: "date" | "any") => (ref: string, v: unknown) => {
    const ms = typeof v === "string" ? isoMillis(v, shape) : NaN;
    // Text that is no date (an anomaly), or a date Excel cannot hold, stays text.
    if (Number.isNaN(ms) || ms < FIRST_DAY) return any(ref, v);
    return `<c r="${ref}" s="${style}"><v>${(ms - EXCEL_EPOCH) / MS_PER_DAY}</v></c>`;
  };
  switch (type) {
    case "date":
      return date(1, "date");
    case "datetime":
      return date(2, "any");
    case "json":
      return (ref, v) => v === null || v === undefined ? "" : text(ref, JSON.stringify(v));
    default:
      return any;
  }
}

/** The size of the blocks entry text is deflated in. */
const BLOCK = 1 << 16;

/**
 * A ZIP entry deflated by node:zlib (native code, several times faster than
 * a JavaScript deflate) as it streams: fflate's Zip writes the headers, this
 * feeds it the compressed bytes, the CRC-32 and the size.
 */
class DeflateEntry implements ZipInputFile {
  readonly compression = 8;
  readonly flag = 0;
  readonly mtime = MTIME;
  size = 0;
  crc = 0;
  ondata?: AsyncFlateStreamHandler;
  readonly #z: zlib.DeflateRaw;
  #chunks: Uint8Array[] = [];
  readonly #ended: Promise<void>;
  readonly #block = new Uint8Array(BLOCK);
  #used = 0;

  constructor(readonly filename: string, level: number) {
    this.#z = zlib.createDeflateRaw({ level });
    this.#z.on("data", (d: Uint8Array) => this.#chunks.push(d));
    this.#ended = new Promise((resolve, reject) => {
      this.#z.on("end", () => resolve());
      this.#z.on("error", reject);
    });
    this.#ended.catch(() => {}); // reported by push() or end()
  }

  /**
   * Deflates text: gathered into fixed 64 KiB blocks, so zlib sees the same
   * writes (and makes the same bytes) whatever the batch size, and few calls.
   */
  async push(text: string): Promise<void> {
    let bytes = encoder.encode(text);
    this.size += bytes.length;
    this.crc = zlib.crc32(bytes, this.crc);
    while (bytes.length > 0) {
      const n = Math.min(bytes.length, BLOCK - this.#used);
      this.#block.set(bytes.subarray(0, n), this.#used);
      this.#used += n;
      bytes = bytes.subarray(n);
      if (this.#used === BLOCK) {
        await this.#deflate(this.#block.slice());
        this.#used = 0;
      }
    }
    this.#emit(false);
  }

  /** Ends the entry. */
  async end(): Promise<void> {
    if (this.#used > 0) await this.#deflate(this.#block.slice(0, this.#used));
    this.#used = 0;
    this.#z.end();
    await this.#ended;
    this.#emit(true);
  }

  #deflate(bytes: Uint8Array): Promise<void> {
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
    let writers: ((ref: string, v: unknown) => string)[] = [];
    let letters: string[] = [];

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
        writers = entity.columns.map((c) => cellWriter(c.type));
        letters = entity.columns.map((_, i) => columnName(i));
        header = entity.columns.map((c, i) =>
          `<c r="${letters[i]}1" s="3" t="inlineStr"><is><t>${xlsxText(c.name)}</t></is></c>`
        ).join("");
        part = 0;
        await openSheet(entity.name);
        return take();
      },
      async write(batch, entity) {
        let xml = "";
        for (let k = 0; k < batch.length; k++) {
          if (row === options.sheet_rows) {
            await sheet!.file.push(xml);
            xml = "";
            await closeSheet();
            await openSheet(entity.name);
          }
          row++;
          let line = `<row r="${row}">`;
          for (let c = 0; c < writers.length; c++) {
            line += writers[c]!(letters[c]! + row, batch.columns[c]![k]);
          }
          xml += line + "</row>";
        }
        if (xml) await sheet!.file.push(xml);
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
