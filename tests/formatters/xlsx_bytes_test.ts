/**
 * Differential test of the xlsx formatter: the shipped one (sheet XML written
 * as bytes) against the one it replaced (strings, regular-expression
 * escaping, TextEncoder), kept below as the reference. Both write the same
 * rows of hostile values (markup, control characters XML cannot hold,
 * `_xHHHH_` look-alikes, lone and paired surrogates, U+FFFE/U+FFFF, texts of
 * up to 32,767 characters, numbers as text, -0, NaN, ±Infinity, tiny and
 * huge floats, bigints, booleans, objects, dates before and after Excel's
 * first day, null and undefined) and random values, in many batch sizes,
 * sheet limits, levels and entities; the workbooks must be byte-identical,
 * and a text too long for a cell must fail the same way.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import zlib from "node:zlib";
import { type AsyncFlateStreamHandler, Zip, type ZipInputFile } from "fflate";
import type {
  Batch,
  ColumnInfo,
  EntitySchema,
  FieldType,
  FormatterStream,
  MaybeChunk,
} from "../../core/types.ts";
import { isoMillis } from "../../plugins/_shared/iso_millis.ts";
import xlsx, { xlsxOptions } from "../../plugins/formatters/xlsx.ts";
import { random } from "./_differential.ts";

const HOSTILE_TEXT = [
  "",
  " ",
  "plain",
  "a < b > c & d",
  "&amp; &lt; already escaped",
  `"quoted" 'single' \\back\\slash`,
  "line\nfeed\r\ncrlf\rcr\ttab",
  "\u0000nul\u0001\u0007bell\u0008\u000b\u000c\u000e\u001f\u007f",
  "_x0041_",
  "_x004g_ _x041_ _X0041_ _x0041 x0041_",
  "__x0041__x0042_",
  "_x005F_x0041_",
  "ends with _x00",
  "_",
  "\ud800",
  "\udc00",
  "lone \ud83d in the middle",
  "reversed \ude00\ud83d pair",
  "😀 emoji 👩‍👩‍👧 family",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 non-BMP",
  "grüße, 日本語, العربية, ẞ",
  "\ufffe\uffff\ufffd\ufeff",
  "123",
  "00123",
  "1e5",
  "-0",
  "NaN",
  "Infinity",
  "true",
  "2024-02-29",
  "=SUM(A1:A2)",
  '<c r="A1"><v>1</v></c>',
  "]]><![CDATA[",
];

const HOSTILE_DATES = [
  "2024-02-29",
  "1900-03-01",
  "1900-02-28",
  "1899-12-31",
  "0001-01-01",
  "9999-12-31",
  "2024-13-01",
  "2024-02-30",
  "not a date",
  "2024-05-06T07:08:09Z",
  "2024-05-06T07:08:09.123Z",
  "2024-05-06T07:08:09+05:30",
  "2024-05-06T00:00:00Z",
  "2024-05-06 07:08",
  "",
];

const HOSTILE_OTHER: unknown[] = [
  null,
  undefined,
  0,
  -0,
  1,
  -1,
  0.1,
  0.01,
  -0.05,
  549.21,
  -1234.5,
  1.005,
  0.1 + 0.2,
  999_999_999_999.99,
  -999_999_999_999.99,
  1e12 + 0.5,
  -1.5e-7,
  5e-324,
  1.7976931348623157e308,
  1e21,
  123456789012345680000,
  9007199254740993,
  2 ** 53,
  -(2 ** 53),
  NaN,
  Infinity,
  -Infinity,
  0n,
  -12345678901234567890123n,
  true,
  false,
  { a: 1, b: "<&>", c: [1, null, "\u0000"] },
  [],
  ["x", { y: "\ud800" }],
  {},
];

/** A random text: pieces of the hostile ones, random code units, sometimes long. */
function randomText(rand: () => number): string {
  const pick = rand();
  if (pick < 0.02) return "x".repeat(32_767 - Math.floor(rand() * 3)); // up to the cell limit
  if (pick < 0.05) {
    return Array.from(
      { length: 2_000 },
      () => HOSTILE_TEXT[Math.floor(rand() * HOSTILE_TEXT.length)],
    )
      .join("").slice(0, 32_767);
  }
  let s = "";
  const n = Math.floor(rand() * 24);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.6) s += String.fromCharCode(32 + Math.floor(rand() * 95));
    else if (r < 0.7) s += String.fromCharCode(Math.floor(rand() * 32));
    else if (r < 0.8) s += String.fromCharCode(Math.floor(rand() * 0x10000));
    else if (r < 0.9) s += HOSTILE_TEXT[Math.floor(rand() * HOSTILE_TEXT.length)];
    else s += "_x" + Math.floor(rand() * 0x10000).toString(16).padStart(4, "0") + "_";
  }
  return s;
}

/** A random value of any kind, for a column typed `type`. */
function randomValue(rand: () => number, type: FieldType): unknown {
  const r = rand();
  if (r < 0.25) return HOSTILE_OTHER[Math.floor(rand() * HOSTILE_OTHER.length)];
  if (r < 0.4) return HOSTILE_TEXT[Math.floor(rand() * HOSTILE_TEXT.length)];
  if (r < 0.5) return HOSTILE_DATES[Math.floor(rand() * HOSTILE_DATES.length)];
  if (type === "date") return new Date(-2.3e12 + rand() * 6e12).toISOString().slice(0, 10);
  if (type === "datetime") return new Date(-2.3e12 + rand() * 6e12).toISOString();
  if (type === "integer") return Math.floor((rand() - 0.5) * 2 ** (rand() * 60));
  if (type === "number") {
    // Amounts (two decimals at most) half the time: they have a fast path.
    if (rand() < 0.5) return Math.round((rand() - 0.5) * 10 ** Math.floor(rand() * 16)) / 100;
    return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  }
  if (type === "boolean") return rand() < 0.5;
  if (type === "json") return { n: rand(), s: randomText(rand) };
  return randomText(rand);
}

const TYPES: FieldType[] = [
  "string",
  "integer",
  "number",
  "boolean",
  "date",
  "datetime",
  "uuid",
  "json",
];

/** A value a column can hold: JSON has no bigint, and a cell no text over 32,767 characters. */
function fit(v: unknown, type: FieldType): unknown {
  if (type !== "json") return v;
  try {
    const json = JSON.stringify(v);
    if (json === undefined || json.length <= 32_767) return v;
  } catch { /* a bigint */ }
  return typeof v === "bigint" ? Number(v) : { cut: true };
}

function column(name: string, type: FieldType): ColumnInfo {
  return { name, type, nullable: true, unique: false, key: false, referenced: false };
}

/** An entity of every column type (and a hostile column name), `count` random rows. */
function entity(name: string, count: number, seed: number, width = TYPES.length) {
  const rand = random(seed);
  const columns = Array.from(
    { length: width },
    (_, i) => column(i === 1 ? `name <&> "\u0001" ${i}` : `c${i}`, TYPES[i % TYPES.length]!),
  );
  const schema: EntitySchema = { name, count, columns };
  const rows = Array.from(
    { length: columns.length },
    (_, c) =>
      Array.from(
        { length: count },
        () => fit(randomValue(rand, columns[c]!.type), columns[c]!.type),
      ),
  );
  return { schema, rows };
}

type Entity = ReturnType<typeof entity>;

/** Writes entities through a stream in batches of random sizes; the file's bytes. */
async function write(
  stream: FormatterStream,
  entities: Entity[],
  batchSize: (rand: () => number) => number,
  seed: number,
): Promise<Uint8Array> {
  const rand = random(seed);
  const parts: Uint8Array[] = [];
  const add = async (chunk: MaybeChunk | undefined) => {
    const c = await chunk;
    if (c !== undefined) parts.push(typeof c === "string" ? new TextEncoder().encode(c) : c);
  };
  await add(stream.start?.());
  for (const { schema, rows } of entities) {
    await add(stream.beginEntity?.(schema));
    for (let start = 0; start < schema.count;) {
      const length = Math.min(schema.count - start, Math.max(1, batchSize(rand)));
      const batch: Batch = {
        entity: schema.name,
        start,
        length,
        fields: schema.columns.map((c) => c.name),
        columns: rows.map((r) => r.slice(start, start + length)),
      };
      await add(stream.write(batch, schema));
      start += length;
    }
    await add(stream.endEntity?.(schema));
  }
  await add(stream.finish?.());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function shipped(options: unknown): Promise<FormatterStream> {
  return await xlsx.create(xlsxOptions.parse(options), {
    scenario: "diff",
    layout: "single",
    entities: [],
  });
}

/** Both formatters' bytes for the same input; asserts they are equal. */
async function same(
  options: Record<string, unknown>,
  entities: Entity[],
  batchSize: (rand: () => number) => number,
  seed: number,
): Promise<number> {
  const want = await write(referenceXlsx(xlsxOptions.parse(options)), entities, batchSize, seed);
  const got = await write(await shipped(options), entities, batchSize, seed);
  assert.equal(got.length, want.length, "the same length");
  assert.ok(got.every((b, i) => b === want[i]), "the same bytes");
  return got.length;
}

Deno.test("xlsx: the same bytes as the string-built reference on hostile values", async () => {
  // Every hostile value in every column type, in one batch and row by row.
  const columns = TYPES.map((t, i) => column(`c${i}`, t));
  const values = [...HOSTILE_TEXT, ...HOSTILE_DATES, ...HOSTILE_OTHER];
  const schema: EntitySchema = { name: "hostile", count: values.length, columns };
  const hostile = { schema, rows: columns.map((c) => values.map((v) => fit(v, c.type))) };
  for (const size of [1, 7, values.length]) {
    await same({}, [hostile], () => size, 1);
    await same({ header: false, sheet_rows: 5 }, [hostile], () => size, 2);
  }
});

Deno.test("xlsx: the same bytes as the reference on random values, batches, sheet limits and levels", async () => {
  const cases: [Record<string, unknown>, Entity[], (rand: () => number) => number][] = [
    [{}, [entity("people", 3_000, 11)], (r) => Math.floor(r() * 500)],
    [
      { sheet_rows: 1_000 },
      [entity("a", 2_500, 12), entity("a", 10, 13)],
      (r) => r() < 0.5 ? 1 : 777,
    ],
    [{ header: false, sheet_rows: 2 }, [entity("tiny", 9, 14, 3)], () => 4],
    [{ level: 0 }, [entity("stored", 800, 15)], () => 1_000],
    [{ level: 1 }, [entity("fast", 800, 16)], (r) => 1 + Math.floor(r() * 64)],
    [{ level: 9 }, [entity("small", 800, 17)], () => 3],
    [{}, [entity("wide", 200, 18, 60)], (r) => Math.floor(r() * 50)],
    [{}, [
      entity("x[y]:z*?/\\ a very long sheet name over 31", 5, 19),
      entity("X[Y]:Z*?/\\ A VERY LONG SHEET NAME OVER 31", 5, 20),
    ], () => 2],
  ];
  let seed = 100;
  for (const [options, entities, size] of cases) await same(options, entities, size, seed++);
});

Deno.test("xlsx: the same bytes as the reference at 100,000 rows (many 64 KiB blocks)", async () => {
  const width = 10;
  const rand = random(7);
  const columns = Array.from({ length: width }, (_, i) => column(`c${i}`, TYPES[i % 6]!));
  const count = 100_000;
  const rows = columns.map((c) =>
    Array.from({ length: 1_000 }, () => {
      if (c.type === "string") return randomText(rand).slice(0, 40);
      return randomValue(rand, c.type);
    })
  );
  const schema: EntitySchema = { name: "big", count, columns };
  const big = {
    schema,
    rows: rows.map((r) => Array.from({ length: count }, (_, i) => r[i % 1_000])),
  };
  await same({}, [big], () => 10_000, 3);
  await same({}, [big], (r) => 1 + Math.floor(r() * 20_000), 4);
});

Deno.test("xlsx: a text too long for a cell fails as it did", async () => {
  for (const type of ["string", "json"] as const) {
    const columns = [column("a", "integer"), column("b", type)];
    const schema: EntitySchema = { name: "long", count: 3, columns };
    const long = type === "json" ? { s: "y".repeat(32_760) } : "y".repeat(32_768);
    const rows = [[1, 2, 3], ["ok", "ok", long]];
    const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e.message);
    const want = await errorOf(
      write(referenceXlsx(xlsxOptions.parse({})), [{ schema, rows }], () => 2, 1),
    );
    const got = await errorOf(write(await shipped({}), [{ schema, rows }], () => 2, 1));
    assert.ok(want?.includes("an Excel cell holds at most 32767"), want);
    assert.equal(got, want);
  }
});

// ---------------------------------------------------------------------------
// The reference: plugins/formatters/xlsx.ts as it was (8b21eea), its writing
// code unchanged, as a function instead of a plugin.
// ---------------------------------------------------------------------------

const SHEET_COLUMNS = 16_384;
const CELL_CHARS = 32_767;

function columnName(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  }
  return s;
}

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
function xlsxText(s: string): string {
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

function referenceXlsx(options: z.infer<typeof xlsxOptions>): FormatterStream {
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
        `<sheet name="${xlsxText(s.name).replaceAll('"', "&quot;")}" sheetId="${i + 1}" r:id="rId${
          i + 1
        }"/>`
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
}
