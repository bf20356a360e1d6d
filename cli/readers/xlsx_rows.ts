/**
 * xlsx rows as the `xlsx` formatter writes them (and as Excel and other
 * writers do): the workbook's sheets for the entity in order (`orders`,
 * `orders (2)`, … past 1,048,576 rows; `--layout single`: the sheets named
 * after the entity; otherwise every sheet), the first row of each sheet the
 * column names. Cells: inline and shared strings (`_xHHHH_` escapes
 * decoded), numbers, booleans, and numbers in a date style read back as ISO
 * dates or datetimes (UTC) where the field is a date or datetime.
 *
 * Memory: each sheet is inflated and parsed as it streams (one row at a
 * time, a row being at most {@linkcode XLSX_ROW_MAX_CHARS} characters of
 * XML, whatever size the ZIP declares); the shared-string table, when a
 * workbook has one, is held whole (at most {@linkcode XLSX_SHARED_MAX_CHARS}).
 *
 * @module
 */
import { SaxesParser } from "saxes";
import { UsageError } from "../../core/errors.ts";
import { entryBytes, zipEntries, type ZipEntry } from "./zip_entries.ts";
import { textConverter } from "./typed_text.ts";
import type { ReadContext } from "./read_context.ts";

/** The longest row of sheet XML read, in characters. */
export const XLSX_ROW_MAX_CHARS = 64 * 1024 * 1024;
/** The largest shared-string table read, in characters. */
export const XLSX_SHARED_MAX_CHARS = 256 * 1024 * 1024;
/** The largest workbook part (workbook, relationships, styles), in characters. */
const PART_MAX_CHARS = 16 * 1024 * 1024;

const MS_PER_DAY = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** Built-in number formats that are dates or times. */
const DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

interface Element {
  name: string;
  attributes: Record<string, string>;
}

/**
 * Streams the rows of an entity from an xlsx workbook.
 *
 * @param path The workbook.
 * @param context The entity, its field types and the layout.
 * @returns The rows.
 * @throws {UsageError} A damaged ZIP or sheet, a row too long, with the
 *   sheet and cell.
 * @example
 * ```ts ignore
 * for await (const row of xlsxRows("out/orders.xlsx", context)) console.log(row.id);
 * ```
 */
export async function* xlsxRows(
  path: string,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  const entries = await zipEntries(path);
  const part = (name: string) => {
    const e = entries.get(name);
    if (!e) throw new UsageError(`Cannot read ${path}: it has no ${name} (is it an xlsx file?)`);
    return e;
  };
  // workbook.xml: sheet names in order; its relationships: their files.
  const sheets: { name: string; id: string }[] = [];
  await parseXml(path, part("xl/workbook.xml"), PART_MAX_CHARS, {
    open(e) {
      if (e.name === "sheet") {
        sheets.push({ name: e.attributes.name ?? "", id: e.attributes["r:id"] ?? "" });
      }
    },
  });
  const targets = new Map<string, string>();
  await parseXml(path, part("xl/_rels/workbook.xml.rels"), PART_MAX_CHARS, {
    open(e) {
      if (e.name === "Relationship") targets.set(e.attributes.Id ?? "", e.attributes.Target ?? "");
    },
  });
  const dateStyles = await readDateStyles(path, entries.get("xl/styles.xml"));
  const shared = await readSharedStrings(path, entries.get("xl/sharedStrings.xml"));
  const base = context.entity.replace(/[[\]:*?/\\]/g, "_");
  const mine = (name: string) => {
    if (context.layout !== "single") return true;
    const m = /^(.*?)(?: \((\d+)\))?$/.exec(name)!;
    return m[2] === undefined
      ? name === base.slice(0, 31)
      : m[1] === base.slice(0, 31 - m[2].length - 3);
  };
  for (const sheet of sheets.filter((s) => mine(s.name))) {
    const target = targets.get(sheet.id);
    if (!target) throw new UsageError(`Cannot read ${path}: sheet "${sheet.name}" has no part`);
    const file = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
    yield* sheetRows(path, sheet.name, part(file), context, shared, dateStyles);
  }
}

async function* sheetRows(
  path: string,
  sheetName: string,
  entry: ZipEntry,
  context: ReadContext,
  shared: string[],
  dateStyles: Set<number>,
): AsyncGenerator<Record<string, unknown>> {
  const { types } = context;
  const fields = [...types.keys()];
  const infer = textConverter(undefined, types.size > 0);
  let header: string[] | undefined;
  let convert: ((cell: string | null) => unknown)[] = [];
  let cells: unknown[] = [];
  let cell: { ref: string; col: number; t: string; s: number } | undefined;
  let text = "";
  let inText = false;
  let nextCol = 0;
  let total = 0; // characters written to the parser
  let rowFrom = -1; // `total` when the open row began, -1 outside a row
  let ready: Record<string, unknown>[] = [];
  let error: UsageError | undefined;
  const parser = new SaxesParser({ position: true });
  const where = (ref?: string) =>
    `${path} (sheet "${sheetName}"${ref ? `, cell ${ref}` : ""}, line ${parser.line})`;
  parser.on("error", (e) => {
    throw new UsageError(`Cannot read ${where(cell?.ref)}: ${e.message}`);
  });
  parser.on("opentag", (tag) => {
    if (error) return;
    const a = tag.attributes as Record<string, string>;
    if (tag.name === "row") {
      rowFrom = total;
      cells = [];
      cellDate = [];
      nextCol = 0;
    } else if (tag.name === "c") {
      const ref = a.r ?? "";
      const col = ref ? columnIndex(ref) : nextCol;
      if (col < 0) {
        error = new UsageError(`Cannot read ${where(ref)}: "${ref}" is no cell reference`);
      }
      cell = { ref, col, t: a.t ?? "n", s: Number(a.s ?? 0) };
      nextCol = col + 1;
      text = "";
    } else if (tag.name === "v" || tag.name === "t") inText = cell !== undefined;
  });
  parser.on("text", (t) => {
    if (inText) text += t;
  });
  parser.on("closetag", (tag) => {
    if (error) return;
    if (tag.name === "v" || tag.name === "t") inText = false;
    else if (tag.name === "c" && cell) {
      cells[cell.col] = cellValue(cell, text);
      cell = undefined;
    } else if (tag.name === "row") {
      rowFrom = -1;
      if (!header) {
        header = cells.map((c) => (c === null || c === undefined ? "" : String(c)));
        // Without a header row (xlsx: { header: false }), columns are the scenario's in order.
        if (fields.length && !header.some((h) => types.has(h))) {
          header = fields.slice();
          convert = header.map((h) => textConverter(types.get(h), true));
        } else {
          convert = header.map((h) => types.has(h) ? textConverter(types.get(h), true) : infer);
          return;
        }
      }
      const row: Record<string, unknown> = {};
      for (let c = 0; c < header.length; c++) {
        const v = cells[c];
        const name = header[c]!;
        row[name] = v === undefined || v === null
          ? null
          : typeof v === "number"
          ? fromNumber(v, types.get(name), cellDate[c] ?? false)
          : typeof v === "string"
          ? convert[c]!(v)
          : v;
      }
      ready.push(row);
    }
  });
  let cellDate: boolean[] = [];
  const cellValue = (c: { ref: string; col: number; t: string; s: number }, v: string): unknown => {
    switch (c.t) {
      case "s": {
        const s = shared[Number(v)];
        if (s === undefined) {
          error = new UsageError(`Cannot read ${where(c.ref)}: shared string ${v} does not exist`);
        }
        return s ?? null;
      }
      case "inlineStr":
      case "str":
        return unescapeText(v);
      case "b":
        return v === "1" || v === "true";
      case "e":
        return v;
      default: {
        if (v === "") return null;
        const n = Number(v);
        if (Number.isNaN(n)) {
          error = new UsageError(
            `Cannot read ${where(c.ref)}: "${v.slice(0, 40)}" is not a number`,
          );
        }
        cellDate[c.col] = dateStyles.has(c.s);
        return n;
      }
    }
  };
  const stream = (await entryBytes(path, entry)).pipeThrough(new TextDecoderStream());
  try {
    for await (const piece of stream) {
      // saxes holds a text until its tag ends: a row is refused once it is too long.
      if (rowFrom >= 0 && total - rowFrom > XLSX_ROW_MAX_CHARS) {
        throw new UsageError(
          `Cannot read ${
            where(cell?.ref)
          }: a row of more than ${XLSX_ROW_MAX_CHARS} characters of XML`,
        );
      }
      total += piece.length;
      parser.write(piece);
      if (error) throw error;
      const out = ready;
      ready = [];
      yield* out;
    }
    parser.close();
  } catch (e) {
    await stream.cancel().catch(() => {});
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot read ${where(cell?.ref)}: ${(e as Error).message}`);
  }
  if (error) throw error;
  yield* ready;
}

/** A number cell as the field's type has it: dates and datetimes from Excel serials. */
function fromNumber(v: number, type: string | undefined, dateStyle: boolean): unknown {
  const asDate = type === "date" || type === "datetime" || (type === undefined && dateStyle);
  if (!asDate || !dateStyle) return v;
  const ms = Math.round(v * MS_PER_DAY) + EXCEL_EPOCH;
  const iso = new Date(ms).toISOString();
  return type === "date" ? iso.slice(0, 10) : iso.replace(/\.000Z$/, "Z");
}

/** `_xHHHH_` escapes (OOXML's for characters XML cannot hold) back to characters. */
function unescapeText(s: string): string {
  if (!s.includes("_x")) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

/** The 0-based column of a cell reference (`B7` → 1), or -1. */
function columnIndex(ref: string): number {
  const m = /^([A-Z]{1,3})\d*$/.exec(ref);
  if (!m) return -1;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

/** The cell styles (indexes into cellXfs) whose number format is a date or time. */
async function readDateStyles(path: string, entry: ZipEntry | undefined): Promise<Set<number>> {
  const styles = new Set<number>();
  if (!entry) return styles;
  const custom = new Set<number>();
  let inXfs = false;
  let index = 0;
  await parseXml(path, entry, PART_MAX_CHARS, {
    open(e) {
      if (e.name === "numFmt") {
        const code = (e.attributes.formatCode ?? "").replace(/"[^"]*"|\[[^\]]*\]/g, "");
        if (/[ymdhs]/i.test(code)) custom.add(Number(e.attributes.numFmtId));
      } else if (e.name === "cellXfs") inXfs = true;
      else if (e.name === "xf" && inXfs) {
        const id = Number(e.attributes.numFmtId ?? 0);
        if (DATE_FORMATS.has(id) || custom.has(id)) styles.add(index);
        index++;
      }
    },
    close(name) {
      if (name === "cellXfs") inXfs = false;
    },
  });
  return styles;
}

/** The shared-string table: each `<si>`'s text (rich text runs joined). */
async function readSharedStrings(path: string, entry: ZipEntry | undefined): Promise<string[]> {
  const strings: string[] = [];
  if (!entry) return strings;
  let current = "";
  let inT = false;
  let inPhonetic = false;
  await parseXml(path, entry, XLSX_SHARED_MAX_CHARS, {
    open(e) {
      if (e.name === "si") current = "";
      else if (e.name === "rPh") inPhonetic = true;
      else if (e.name === "t" && !inPhonetic) inT = true;
    },
    text(t) {
      if (inT) current += t;
    },
    close(name) {
      if (name === "t") inT = false;
      else if (name === "rPh") inPhonetic = false;
      else if (name === "si") strings.push(unescapeText(current));
    },
  });
  return strings;
}

/** Parses a whole ZIP entry as XML, as it streams, refusing more than `max` characters. */
async function parseXml(
  path: string,
  entry: ZipEntry,
  max: number,
  on: { open?(e: Element): void; text?(t: string): void; close?(name: string): void },
): Promise<void> {
  const parser = new SaxesParser({ position: true });
  const fail = (what: string) =>
    new UsageError(`Cannot read ${path} (${entry.name}, line ${parser.line}): ${what}`);
  parser.on("error", (e) => {
    throw fail(e.message);
  });
  if (on.open) {
    const open = on.open;
    parser.on(
      "opentag",
      (t) => open({ name: t.name, attributes: t.attributes as Record<string, string> }),
    );
  }
  if (on.text) parser.on("text", on.text);
  if (on.close) {
    const close = on.close;
    parser.on("closetag", (t) => close(t.name));
  }
  let chars = 0;
  const stream = (await entryBytes(path, entry)).pipeThrough(new TextDecoderStream());
  try {
    for await (const piece of stream) {
      chars += piece.length;
      if (chars > max) throw fail(`larger than ${max} characters`);
      parser.write(piece);
    }
    parser.close();
  } catch (e) {
    await stream.cancel().catch(() => {});
    if (e instanceof UsageError) throw e;
    throw fail((e as Error).message);
  }
}
