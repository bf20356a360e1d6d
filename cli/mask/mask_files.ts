/**
 * Streams a CSV or JSONL file through the column maskers into a new file:
 * one row in memory at a time, written to a temporary name in the output
 * folder and renamed by the caller once every file is done.
 *
 * @module
 */
import { FabricateError } from "../../core/errors.ts";
import type { Cell, Masker, MaskRow } from "./maskers.ts";
import {
  CsvParser,
  csvRecords as records,
  CsvSyntaxError,
} from "../../plugins/_shared/csv_records.ts";
import { ByteWriter } from "../../plugins/_shared/byte_writer.ts";

/** The formats `fabricate mask` reads and writes, by extension. */
export const MASK_FORMATS = ["csv", "jsonl", "ndjson"] as const;

/** How one file is masked: a masker per column, and what to do with others. */
export interface FilePlan {
  /** The input's path. */
  readonly input: string;
  /** Its name in messages (as the rules file wrote it). */
  readonly shown: string;
  /** `csv` or `jsonl`. */
  readonly format: "csv" | "jsonl";
  /** The masker of each column that has a rule. */
  readonly maskers: ReadonlyMap<string, Masker>;
  /** For a column without a rule: keep, redact, or refuse (error). */
  readonly unlisted: "error" | "keep" | "redact";
}

/**
 * The header of a CSV file (its first record), without reading further.
 *
 * @param path The file.
 * @returns The column names.
 * @example
 * ```ts ignore
 * await csvHeader("customers.csv"); // ["id", "email", …]
 * ```
 */
export async function csvHeader(path: string): Promise<string[]> {
  for await (const { record } of csvRecords(path)) return record;
  return [];
}

async function* csvRecords(path: string): AsyncGenerator<{ record: string[]; line: number }> {
  const file = await Deno.open(path);
  // fabricate's one CSV reader; an empty cell (null) is masked as "" as before.
  for await (
    const { cells, line } of records(file.readable.pipeThrough(new TextDecoderStream()), {
      delimiter: ",",
    })
  ) {
    yield { record: cells.map((c) => c ?? ""), line };
  }
}

async function* jsonLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const file = await Deno.open(path);
  let rest = "", line = 0;
  for await (const chunk of file.readable.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield { text: rest.slice(0, nl), line: ++line };
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== "") yield { text: rest, line: ++line };
}

/** Bytes gathered before they are written. */
const CHUNK = 1 << 16;

/**
 * Writes to a file in large chunks (64 KiB): text and CSV cells go as
 * UTF-8 straight into {@linkcode Out.bytes}; a caller writing many small
 * pieces checks {@linkcode Out.full} and awaits {@linkcode Out.flush} then.
 *
 * @example
 * ```ts ignore
 * const out = new Out(await Deno.open("x.csv", { write: true, create: true }));
 * out.cell("a,b");
 * out.bytes.byte(10);
 * if (out.full) await out.flush();
 * await out.write("c\n");
 * await out.flush();
 * ```
 */
export class Out {
  /** The bytes gathered, not yet written. */
  readonly bytes: ByteWriter = new ByteWriter(CHUNK * 2);
  /** @param file The open file. */
  constructor(private readonly file: Deno.FsFile) {}
  /** True when a chunk is gathered: time to {@linkcode Out.flush}. */
  get full(): boolean {
    return this.bytes.pos >= CHUNK;
  }
  /**
   * Adds one CSV field (see {@linkcode writeCsvCell}).
   *
   * @param text The value.
   */
  cell(text: string): void {
    writeCsvCell(this.bytes, text);
  }
  /**
   * Adds text, writing when 64 KiB are gathered.
   *
   * @param text The text.
   */
  async write(text: string): Promise<void> {
    this.bytes.text(text);
    if (this.full) await this.flush();
  }
  /** Writes what is gathered. */
  async flush(): Promise<void> {
    const { buf, pos } = this.bytes;
    let off = 0;
    while (off < pos) off += await this.file.write(buf.subarray(off, pos));
    // Written: the buffer is reused.
    this.bytes.pos = 0;
  }
}

/**
 * Masks one file into `temp`.
 *
 * @param plan What to do.
 * @param temp The path to write (created; the caller renames it).
 * @returns How many rows were masked.
 * @throws {FabricateError} Exit code 2 for a value a rule cannot read or
 *   (JSONL) a column without a rule, naming the file, line and column.
 * @example
 * ```ts ignore
 * await maskFile(plan, "out/.customers.csv.tmp");
 * ```
 */
export async function maskFile(plan: FilePlan, temp: string): Promise<number> {
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
  const out = new Out(file);
  let rows = 0;
  try {
    if (plan.format === "csv") rows = await maskCsv(plan, out);
    else rows = await maskJsonl(plan, out);
    await out.flush();
  } finally {
    file.close();
  }
  return rows;
}

function maskError(plan: FilePlan, column: string, line: number, e: unknown): FabricateError {
  return new FabricateError(
    `Cannot mask ${plan.shown} line ${line}, column "${column}": ${(e as Error).message}`,
    2,
  );
}

/** A column without a rule: kept, redacted or refused, as the plan says. */
function unlisted(plan: FilePlan, column: string, value: Cell, line: number): Cell {
  if (plan.unlisted === "keep" || value === null || value === "") return value;
  if (plan.unlisted === "redact") return "REDACTED";
  throw new FabricateError(
    `Cannot mask ${plan.shown} line ${line}: column "${column}" has no rule\n` +
      `  hint: give it one in the rules file (keep, redact, hash, …) or set default: keep`,
    2,
  );
}

function apply(plan: FilePlan, column: string, value: Cell, row: MaskRow, line: number): Cell {
  const m = plan.maskers.get(column);
  if (!m) return unlisted(plan, column, value, line);
  try {
    return m(value, row);
  } catch (e) {
    throw maskError(plan, column, line, e);
  }
}

/** A CSV row as a masker's `by` sees it: an empty cell is "", an unknown column null. */
class CsvRow implements MaskRow {
  cells: readonly (string | null)[] = [];
  constructor(private readonly index: ReadonlyMap<string, number>) {}
  get(column: string): Cell {
    const i = this.index.get(column);
    return i === undefined ? null : this.cells[i] ?? "";
  }
}

async function maskCsv(plan: FilePlan, out: Out): Promise<number> {
  let header: string[] | undefined;
  let maskers: (Masker | undefined)[] = [];
  let row = new CsvRow(new Map());
  const w = out.bytes;
  let rows = 0;
  const one = (cells: (string | null)[], line: number): void => {
    if (!header) {
      header = cells.map((c) => c ?? "");
      row = new CsvRow(new Map(header.map((h, i) => [h, i])));
      maskers = header.map((h) => plan.maskers.get(h));
      for (let i = 0; i < header.length; i++) {
        if (i) w.byte(44);
        writeCsvCell(w, header[i]!);
      }
      w.byte(10);
      return;
    }
    if (cells.length !== header.length) {
      throw new FabricateError(
        `Cannot read ${plan.shown} at line ${line}: ${cells.length} cells, the header has ${header.length}`,
        2,
      );
    }
    row.cells = cells;
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i] ?? "";
      const m = maskers[i];
      let masked: Cell;
      if (m) {
        try {
          masked = m(value, row);
        } catch (e) {
          throw maskError(plan, header[i]!, line, e);
        }
      } else masked = unlisted(plan, header[i]!, value, line);
      if (i) w.byte(44);
      writeCsvCell(w, String(masked ?? ""));
    }
    w.byte(10);
    rows++;
  };
  try {
    const file = await Deno.open(plan.input);
    // fabricate's one CSV reader, fed the decoded file piece by piece; an
    // empty cell (null) is masked as "".
    const parser = new CsvParser({ delimiter: "," });
    for await (const piece of file.readable.pipeThrough(new TextDecoderStream())) {
      for (const { cells, line } of parser.push(piece)) {
        one(cells, line);
        if (out.full) await out.flush();
      }
    }
    for (const { cells, line } of parser.end()) one(cells, line);
  } catch (e) {
    if (e instanceof FabricateError) throw e;
    if (e instanceof CsvSyntaxError) {
      throw new FabricateError(`Cannot read ${plan.shown} at line ${e.line}: ${e.message}`, 2);
    }
    throw new FabricateError(`Cannot read ${plan.shown}: ${(e as Error).message ?? e}`, 2);
  }
  return rows;
}

async function maskJsonl(plan: FilePlan, out: Out): Promise<number> {
  let rows = 0;
  for await (const { text, line } of jsonLines(plan.input)) {
    if (text.trim() === "") {
      out.bytes.text(text);
      out.bytes.byte(10);
      if (out.full) await out.flush();
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new FabricateError(
        `Cannot read ${plan.shown} line ${line}: not valid JSON (${(e as Error).message})`,
        2,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new FabricateError(`Cannot read ${plan.shown} line ${line}: not a JSON object`, 2);
    }
    const record = value as Record<string, unknown>;
    const row: MaskRow = { get: (c) => record[c] ?? null };
    const masked: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) masked[k] = apply(plan, k, v, row, line);
    out.bytes.text(JSON.stringify(masked));
    out.bytes.byte(10);
    if (out.full) await out.flush();
    rows++;
  }
  return rows;
}

/**
 * One CSV field, quoted when it holds a quote, comma, line break or edge space.
 *
 * @param text The value.
 * @returns The field.
 * @example
 * ```ts
 * import { csvCell } from "./mask_files.ts";
 * csvCell("a,b"); // '"a,b"'
 * ```
 */
export function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const SPACE = /\s/;

/** Whether a code unit is what `\s` matches. */
function isSpace(u: number): boolean {
  return u === 32 || (u >= 9 && u <= 13) || (u >= 0x80 && SPACE.test(String.fromCharCode(u)));
}

/**
 * Writes one CSV field as {@linkcode csvCell} gives it, as UTF-8.
 *
 * @param w Where to.
 * @param text The value.
 * @example
 * ```ts
 * import { writeCsvCell } from "./mask_files.ts";
 * import { ByteWriter } from "../../plugins/_shared/byte_writer.ts";
 * const w = new ByteWriter();
 * writeCsvCell(w, 'say "hi"');
 * new TextDecoder().decode(w.take()); // '"say ""hi"""'
 * ```
 */
export function writeCsvCell(w: ByteWriter, text: string): void {
  const n = text.length;
  if (n === 0) return;
  if (!isSpace(text.charCodeAt(0)) && !isSpace(text.charCodeAt(n - 1))) {
    // Unquoted unless it holds a comma, quote, CR or LF (then nothing was written).
    if (w.textUntil(text, 44, 34, 13, 10)) return;
  }
  w.byte(34);
  w.text(text.includes('"') ? text.replaceAll('"', '""') : text);
  w.byte(34);
}
