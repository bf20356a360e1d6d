/**
 * Data files a scenario names (`choice: { file: cities.csv, … }`): CSV, TSV,
 * JSON (an array of objects) or JSONL, read once per run and held in memory,
 * so row *i* stays a pure function of (seed, entity, i).
 *
 * A scenario may be written by a stranger, and built-in plugins run with
 * fabricate's own permissions, so a data file must lie inside the scenario
 * file's folder (or below it), links resolved: `/etc/passwd` and
 * `../../secret.csv` are refused.
 *
 * @module
 */
import { type DocPath, PluginInputError } from "../../core/errors.ts";
import { needsRead } from "../../core/input_limits.ts";
import type { GeneratorSetup } from "../../core/types.ts";
import { didYouMean } from "../../core/did_you_mean.ts";
import { CsvSyntaxError, parseCsvText } from "./csv_records.ts";

/** Largest data file read, in bytes (64 MiB): the file is held in memory. */
export const DATA_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** The formats a data file may have, by extension. */
export const DATA_FILE_FORMATS = ["csv", "tsv", "json", "jsonl", "ndjson"] as const;

/** A data file, parsed: its rows as objects, and where each came from. */
export interface DataTable {
  /** The path as the scenario wrote it (for messages). */
  readonly file: string;
  /** The column names: a CSV's header, or every key of a JSON file's objects. */
  readonly columns: readonly string[];
  /** The rows; CSV cells typed (integers, numbers, booleans; empty → null, `""` → ""). */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** The line in the file each row starts on (1-based), for messages. */
  readonly lines: readonly number[];
}

// One cache per compile (the entities map is the same object for every
// field of a run), so fields naming the same file share one copy.
const cache = new WeakMap<object, Map<string, Promise<DataTable>>>();

/**
 * Reads a data file named in a field's options, relative to the scenario's
 * folder; fields of one run naming the same file share one copy.
 *
 * @param file The path as written in the scenario.
 * @param setup The generator's setup (gives the scenario's URL).
 * @param path Where `file` is in the plugin's options, for messages.
 * @returns The parsed table.
 * @throws {PluginInputError} For a path outside the scenario's folder, a
 *   missing, empty, too large or malformed file, or a missing permission.
 * @example In a generator's create()
 * ```ts ignore
 * const table = await loadDataFile("cities.csv", setup, ["file"]);
 * table.rows[0]; // { name: "New York", population: 8336817 }
 * ```
 */
export function loadDataFile(
  file: string,
  setup: GeneratorSetup,
  path: DocPath,
): Promise<DataTable> {
  let files = cache.get(setup.entities);
  if (!files) cache.set(setup.entities, files = new Map());
  const key = `${setup.scenarioUrl?.href ?? ""}\0${file}`;
  let table = files.get(key);
  if (!table) {
    table = readDataFile(file, setup.scenarioUrl, path);
    files.set(key, table);
  }
  return table;
}

async function readDataFile(
  file: string,
  base: URL | undefined,
  path: DocPath,
): Promise<DataTable> {
  const fail = (message: string, hint?: string) =>
    new PluginInputError(message, { path, ...(hint ? { hint } : {}) });
  if (!base || base.protocol !== "file:") {
    throw fail(
      `Cannot read data file "${file}": only a scenario read from a local file may name data files`,
      "save the scenario as a file next to the data and run that file",
    );
  }
  const outside = () =>
    fail(
      `Cannot read data file "${file}": it is outside the scenario's folder`,
      "data files must be in the scenario file's folder or below it (a scenario may come from " +
        "anyone; it must not read your other files): copy the file there",
    );
  if (file.startsWith("/") || /^[a-z]:[\\/]/i.test(file) || file.includes("\\")) throw outside();
  const folderUrl = new URL(".", base);
  const url = new URL(file.split("/").map(encodeURIComponent).join("/"), folderUrl);
  if (!url.pathname.startsWith(folderUrl.pathname)) throw outside();
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase() ?? "";
  if (!(DATA_FILE_FORMATS as readonly string[]).includes(ext)) {
    throw fail(
      `Cannot read data file "${file}": unknown format "${ext ? `.${ext}` : "(no extension)"}"`,
      `name a file ending in ${DATA_FILE_FORMATS.map((f) => `.${f}`).join(", ")}`,
    );
  }
  let folder: string, real: string;
  try {
    folder = await Deno.realPath(folderUrl);
  } catch (e) {
    throw permissionOr(e, folderUrl, path, () => fail(`Cannot read the scenario's folder: ${e}`));
  }
  try {
    real = await Deno.realPath(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw fail(
        `Cannot read data file "${file}": no such file in ${folder}`,
        "data file paths are relative to the scenario file's folder",
      );
    }
    throw permissionOr(e, url, path, () => fail(`Cannot read data file "${file}": ${e}`));
  }
  if (!isInside(real, folder)) throw outside();
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(real);
    if (!info.isFile) {
      throw fail(`Cannot read data file "${file}": it is not a regular file`);
    }
    if (info.size > DATA_FILE_MAX_BYTES) {
      throw fail(
        `Cannot read data file "${file}": it is ${mib(info.size)}, more than the ${
          mib(DATA_FILE_MAX_BYTES)
        } a data file may be (it is held in memory)`,
        "keep only the columns and rows you pick from (a sample of a large table picks the same way)",
      );
    }
    bytes = await Deno.readFile(real);
  } catch (e) {
    if (e instanceof PluginInputError) throw e;
    throw permissionOr(e, url, path, () => fail(`Cannot read data file "${file}": ${e}`));
  }
  if (bytes.length > DATA_FILE_MAX_BYTES) throw fail(`Cannot read data file "${file}": too large`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw fail(`Cannot read data file "${file}": it is not UTF-8 text`, "save it as UTF-8");
  }
  const table = ext === "json"
    ? parseJson(text, file, fail)
    : ext === "jsonl" || ext === "ndjson"
    ? parseJsonLines(text, file, fail)
    : parseDelimited(text, file, ext === "tsv" ? "\t" : ",", fail);
  if (table.rows.length === 0) {
    throw fail(
      `Cannot read data file "${file}": it has no rows`,
      ext === "csv" || ext === "tsv"
        ? "the first line is the header; add rows below it"
        : undefined,
    );
  }
  return table;
}

type Fail = (message: string, hint?: string) => PluginInputError;

function parseDelimited(text: string, file: string, delimiter: string, fail: Fail): DataTable {
  let records: ReturnType<typeof parseCsvText>;
  try {
    records = parseCsvText(text, { delimiter });
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    throw fail(`Cannot read data file "${file}" at line ${e.line}: ${e.message}`);
  }
  const [head, ...body] = records;
  const columns = (head?.cells ?? []).map((c) => (c ?? "").trim());
  for (const r of body) {
    if (r.cells.length !== columns.length) {
      throw fail(
        `Cannot read data file "${file}" at line ${r.line}: ${r.cells.length} cells, the header has ${columns.length}`,
      );
    }
  }
  const typed: Record<string, unknown>[] = body.map(() => ({}));
  columns.forEach((c, k) => {
    const cells = body.map((r) => r.cells[k] ?? null);
    const convert = cellConverter(cells);
    cells.forEach((cell, i) => (typed[i]![c] = convert(cell)));
  });
  return { file, columns, rows: typed, lines: body.map((r) => r.line) };
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/**
 * How a CSV column's cells become values: integers or numbers when every
 * non-empty cell is one (written without leading zeros, so postal codes
 * like `02134` stay text), booleans when every cell is true/false, text
 * otherwise. An empty cell is null; a quoted empty cell (`""`) is an empty
 * string in a text column (null in a number or boolean column).
 */
function cellConverter(cells: readonly (string | null)[]): (cell: string | null) => unknown {
  const present = cells.filter((c): c is string => c !== null && c !== "");
  const every = (re: RegExp) => present.length > 0 && present.every((c) => re.test(c));
  if (every(INTEGER) && present.every((c) => Number.isSafeInteger(Number(c)))) {
    return (c) => (c === null || c === "" ? null : Number(c));
  }
  if (every(NUMBER)) return (c) => (c === null || c === "" ? null : Number(c));
  if (every(/^(true|false)$/i)) {
    return (c) => (c === null || c === "" ? null : c.toLowerCase() === "true");
  }
  return (c) => c;
}

function parseJson(text: string, file: string, fail: Fail): DataTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(`Cannot read data file "${file}": it is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(value)) {
    throw fail(
      `Cannot read data file "${file}": expected a JSON array of objects, got ${kind(value)}`,
      'write [{ "name": "Paris", "weight": 2 }, …]',
    );
  }
  value.forEach((v, i) => {
    if (!isRecord(v)) {
      throw fail(
        `Cannot read data file "${file}": item ${i + 1} of the array is ${kind(v)}, not an object`,
      );
    }
  });
  return objectTable(file, value as Record<string, unknown>[], value.map((_, i) => i + 1));
}

function parseJsonLines(text: string, file: string, fail: Fail): DataTable {
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.replace(/^\uFEFF/, "").split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw fail(
        `Cannot read data file "${file}" at line ${i + 1}: not valid JSON (${
          (e as Error).message
        })`,
      );
    }
    if (!isRecord(v)) {
      throw fail(`Cannot read data file "${file}" at line ${i + 1}: ${kind(v)}, not an object`);
    }
    rows.push(v);
    lines.push(i + 1);
  });
  return objectTable(file, rows, lines);
}

function objectTable(file: string, rows: Record<string, unknown>[], lines: number[]): DataTable {
  const columns = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) columns.add(k);
  return { file, columns: [...columns], rows, lines };
}

/**
 * One column of a table, checked to exist.
 *
 * @param table The table.
 * @param column The column name.
 * @param path Where the column is named in the options, for messages.
 * @returns The column's values, one per row (null where a row lacks it).
 * @throws {PluginInputError} When the table has no such column.
 * @example
 * ```ts ignore
 * const names = columnOf(table, "name", ["value"]);
 * ```
 */
export function columnOf(table: DataTable, column: string, path: DocPath): unknown[] {
  if (!table.columns.includes(column)) {
    throw new PluginInputError(
      `Data file "${table.file}" has no column "${column}"`,
      {
        path,
        hint: didYouMean(column, table.columns, "columns"),
      },
    );
  }
  return table.rows.map((r) => r[column] ?? null);
}

function permissionOr(
  e: unknown,
  url: URL,
  path: DocPath,
  otherwise: () => PluginInputError,
): PluginInputError {
  if (e instanceof Deno.errors.NotCapable) {
    const [message = "", hint] = needsRead(url, e).message.split("\n  hint: ");
    return new PluginInputError(message, { path, ...(hint ? { hint } : {}) });
  }
  return otherwise();
}

function isInside(path: string, folder: string): boolean {
  const dir = folder.endsWith("/") ? folder : `${folder}/`;
  return path.startsWith(dir);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}
