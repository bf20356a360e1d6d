/**
 * Streams a CSV or JSONL file through the column maskers into a new file:
 * one row in memory at a time, written to a temporary name in the output
 * folder and renamed by the caller once every file is done.
 *
 * @module
 */
import { FabricateError } from "../../core/errors.ts";
import type { Cell, Masker, MaskRow } from "./maskers.ts";
import { csvRecords as records, CsvSyntaxError } from "../../plugins/_shared/csv_records.ts";

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

/**
 * Writes text to a file in large chunks (64 KiB).
 *
 * @example
 * ```ts ignore
 * const out = new Out(await Deno.open("x.csv", { write: true, create: true }));
 * await out.write("a,b\n");
 * await out.flush();
 * ```
 */
export class Out {
  #parts: string[] = [];
  #size = 0;
  #enc = new TextEncoder();
  /** @param file The open file. */
  constructor(private readonly file: Deno.FsFile) {}
  /** Adds text, writing when 64 KiB are gathered. */
  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= 1 << 16) await this.flush();
  }
  /** Writes what is gathered. */
  async flush(): Promise<void> {
    const bytes = this.#enc.encode(this.#parts.join(""));
    this.#parts = [];
    this.#size = 0;
    let off = 0;
    while (off < bytes.length) off += await this.file.write(bytes.subarray(off));
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

function apply(plan: FilePlan, column: string, value: Cell, row: MaskRow, line: number): Cell {
  const m = plan.maskers.get(column);
  try {
    if (m) return m(value, row);
  } catch (e) {
    throw new FabricateError(
      `Cannot mask ${plan.shown} line ${line}, column "${column}": ${(e as Error).message}`,
      2,
    );
  }
  if (plan.unlisted === "keep" || value === null || value === "") return value;
  if (plan.unlisted === "redact") return "REDACTED";
  throw new FabricateError(
    `Cannot mask ${plan.shown} line ${line}: column "${column}" has no rule\n` +
      `  hint: give it one in the rules file (keep, redact, hash, …) or set default: keep`,
    2,
  );
}

async function maskCsv(plan: FilePlan, out: Out): Promise<number> {
  let header: string[] | undefined;
  let index = new Map<string, number>();
  let rows = 0;
  try {
    for await (const { record, line } of csvRecords(plan.input)) {
      if (!header) {
        header = record;
        index = new Map(header.map((h, i) => [h, i]));
        await out.write(record.map(csvCell).join(",") + "\n");
        continue;
      }
      if (record.length !== header.length) {
        throw new FabricateError(
          `Cannot read ${plan.shown} at line ${line}: ${record.length} cells, the header has ${header.length}`,
          2,
        );
      }
      const row: MaskRow = { get: (c) => record[index.get(c) ?? -1] ?? null };
      const masked = header.map((h, i) => String(apply(plan, h, record[i] ?? "", row, line) ?? ""));
      await out.write(masked.map(csvCell).join(",") + "\n");
      rows++;
    }
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
      await out.write(text + "\n");
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
    await out.write(JSON.stringify(masked) + "\n");
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
