/**
 * Reads existing data files back as batches for `report` and `check`:
 * CSV (RFC 4180, header row; an unquoted empty cell is null, a quoted one
 * an empty string) and JSON Lines stream with flat memory; Parquet is read
 * one row group at a time (hyparquet); a JSON array (or `--layout single`'s
 * object of arrays) is parsed whole. Values are typed by the scenario's
 * field types when known, else inferred (numbers, booleans) for CSV.
 *
 * @module
 */
import {
  brotliDecompressSync,
  createZstdDecompress,
  gunzipSync,
  zstdDecompressSync,
} from "node:zlib";
import { Duplex } from "node:stream";
import { UsageError } from "../core/errors.ts";
import type { Batch, FieldType } from "../core/types.ts";

/** Formats read back. */
export const READABLE = ["jsonl", "parquet", "json", "csv"] as const;

/** A file holding an entity's rows. */
export interface DataFile {
  /** The entity. */
  entity: string;
  /** Absolute or relative path. */
  path: string;
  /** csv, jsonl, json or parquet. */
  format: (typeof READABLE)[number];
}

const BATCH = 10_000;

/**
 * Streams an entity's rows from a file as batches.
 *
 * @param file The file.
 * @param types Field types by name (from the scenario), for CSV cells.
 * @returns Batches of output columns, rows numbered from 0.
 * @throws {UsageError} A file that cannot be parsed (exit code 2), with its line.
 * @example
 * ```ts ignore
 * for await (const batch of readBatches({ entity: "orders", path: "out/orders.csv", format: "csv" })) {
 *   console.log(batch.length);
 * }
 * ```
 */
export async function* readBatches(
  file: DataFile,
  types: ReadonlyMap<string, FieldType> = new Map(),
): AsyncGenerator<Batch> {
  const rows = file.format === "csv"
    ? csvRows(file, types)
    : file.format === "jsonl"
    ? jsonlRows(file)
    : file.format === "parquet"
    ? parquetRows(file, types)
    : jsonRows(file);
  let start = 0;
  let pending: Record<string, unknown>[] = [];
  const flush = (): Batch => {
    const fields: string[] = [];
    const seen = new Set<string>();
    for (const r of pending) {
      for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), fields.push(k));
    }
    const batch: Batch = {
      entity: file.entity,
      start,
      length: pending.length,
      fields,
      columns: fields.map((f) => pending.map((r) => r[f] ?? null)),
    };
    start += pending.length;
    pending = [];
    return batch;
  };
  for await (const row of rows) {
    pending.push(row);
    if (pending.length >= BATCH) yield flush();
  }
  if (pending.length) yield flush();
}

/**
 * A file's bytes, decompressed as they stream when its name ends in `.gz`
 * or `.zst` (what `gen --compress` writes).
 */
async function bytesOf(path: string): Promise<ReadableStream<Uint8Array>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    throw new UsageError(`Cannot read "${path}": ${(e as Error).message}`);
  }
  if (path.endsWith(".gz")) {
    return file.readable.pipeThrough(new DecompressionStream("gzip"));
  }
  if (path.endsWith(".zst")) {
    const unzstd = Duplex.toWeb(createZstdDecompress()) as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    return file.readable.pipeThrough(unzstd);
  }
  return file.readable;
}

async function* lines(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoderStream();
  let rest = "";
  for await (const chunk of (await bytesOf(path)).pipeThrough(decoder)) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl + 1);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) yield rest;
}

async function* jsonlRows(file: DataFile): AsyncGenerator<Record<string, unknown>> {
  let n = 0;
  for await (const line of lines(file.path)) {
    n++;
    const text = line.trim();
    if (!text) continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `Cannot read ${file.path}:${n}:1: ${(e as Error).message}`,
        "each line must be one JSON object",
      );
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new UsageError(`Cannot read ${file.path}:${n}:1: expected a JSON object per line`);
    }
    yield row as Record<string, unknown>;
  }
}

async function* jsonRows(file: DataFile): AsyncGenerator<Record<string, unknown>> {
  let doc: unknown;
  try {
    doc = JSON.parse(await new Response(await bytesOf(file.path)).text());
  } catch (e) {
    throw new UsageError(`Cannot read ${file.path}: ${(e as Error).message}`);
  }
  // --layout single: { "<entity>": [ … ], … }
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    doc = (doc as Record<string, unknown>)[file.entity];
  }
  if (!Array.isArray(doc)) {
    throw new UsageError(
      `Cannot read ${file.path}: expected an array of objects (or an object of arrays by entity)`,
    );
  }
  for (const row of doc) {
    if (row && typeof row === "object" && !Array.isArray(row)) yield row as Record<string, unknown>;
  }
}

/**
 * The codecs hyparquet does not decode itself (it has snappy), from
 * node:zlib: fabricate's parquet formatter writes zstd by default.
 */
const PARQUET_CODECS = {
  ZSTD: (input: Uint8Array) => new Uint8Array(zstdDecompressSync(input)),
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliDecompressSync(input)),
};

async function* parquetRows(
  file: DataFile,
  types: ReadonlyMap<string, FieldType>,
): AsyncGenerator<Record<string, unknown>> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import(
    "hyparquet"
  );
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let groups: number[];
  try {
    buffer = await asyncBufferFromFile(file.path);
    const metadata = await parquetMetadataAsync(buffer);
    groups = metadata.row_groups.map((g) => Number(g.num_rows));
  } catch (e) {
    throw new UsageError(`Cannot read ${file.path}: ${(e as Error).message}`);
  }
  // One row group at a time: memory follows the largest group, not the file.
  let start = 0;
  for (const n of groups) {
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({
        file: buffer,
        rowStart: start,
        rowEnd: start + n,
        compressors: PARQUET_CODECS,
      });
    } catch (e) {
      throw new UsageError(
        `Cannot read ${file.path} (rows ${start}–${start + n - 1}): ${(e as Error).message}`,
      );
    }
    start += n;
    for (const row of rows) {
      for (const k of Object.keys(row)) row[k] = fromParquet(row[k], types.get(k));
    }
    yield* rows;
  }
}

/** Parquet values as fabricate writes them: numbers, ISO dates and instants. */
function fromParquet(v: unknown, type: FieldType | undefined): unknown {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    const iso = v.toISOString();
    return type === "date" ? iso.slice(0, 10) : iso.replace(/\.000Z$/, "Z");
  }
  return v;
}

/** Sniffs the delimiter from the header line: the most frequent of , ; tab and |. */
function sniff(header: string): string {
  let best = ",";
  let most = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = header.split(d).length - 1;
    if (n > most) (most = n, best = d);
  }
  return best;
}

async function* csvRows(
  file: DataFile,
  types: ReadonlyMap<string, FieldType>,
): AsyncGenerator<Record<string, unknown>> {
  let header: string[] | undefined;
  let convert: ((cell: string | null) => unknown)[] = [];
  let delimiter: string | undefined;
  let record: (string | null)[] = [];
  let cell = "";
  let quoted = false;
  let inQuotes = false;
  let line = 0;
  let recordLine = 1;
  const endCell = () => {
    record.push(!quoted && cell === "" ? null : cell);
    cell = "";
    quoted = false;
  };
  for await (const text of lines(file.path)) {
    line++;
    if (!inQuotes) recordLine = line;
    delimiter ??= sniff(text);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') (cell += '"', i++);
          else inQuotes = false;
        } else cell += ch;
        continue;
      }
      if (ch === '"' && cell === "") (inQuotes = true, quoted = true);
      else if (ch === delimiter) endCell();
      else if (ch === "\r" && text[i + 1] === "\n") continue;
      else if (ch === "\n") {
        endCell();
        const done = record;
        record = [];
        if (!header) {
          header = done.map((c) => c ?? "");
          convert = header.map((name) => converter(types.get(name), types.size > 0));
          continue;
        }
        if (done.length === 1 && done[0] === null) continue; // blank line
        if (done.length !== header.length) {
          throw new UsageError(
            `Cannot read ${file.path}:${recordLine}:1: ${done.length} cells, the header has ${header.length}`,
          );
        }
        const row: Record<string, unknown> = {};
        for (let c = 0; c < header.length; c++) row[header[c]!] = convert[c]!(done[c]!);
        yield row;
      } else cell += ch;
    }
  }
  if (inQuotes) {
    throw new UsageError(`Cannot read ${file.path}:${recordLine}:1: a quoted cell is never closed`);
  }
  if (cell !== "" || quoted || record.length) {
    endCell();
    if (header && record.length === header.length) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < header.length; c++) row[header[c]!] = convert[c]!(record[c]!);
      yield row;
    }
  }
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** How a CSV cell becomes a value: by the field's type, else inferred. */
function converter(type: FieldType | undefined, known: boolean): (cell: string | null) => unknown {
  return (cell) => {
    if (cell === null) return null;
    switch (type) {
      case "integer":
      case "number":
        // A cell that is not a number stays text, so validators report it.
        return NUMBER.test(cell) ? Number(cell) : cell;
      case "boolean":
        return cell === "true" ? true : cell === "false" ? false : cell;
      case "json":
        try {
          return JSON.parse(cell);
        } catch {
          return cell;
        }
      case undefined:
        if (known) return cell;
        if (NUMBER.test(cell) && !/^-?0\d/.test(cell)) return Number(cell);
        return cell === "true" ? true : cell === "false" ? false : cell;
      default:
        return cell;
    }
  };
}

/**
 * Lists the data files of a folder by entity: `<entity>.<jsonl|parquet|json|csv>`
 * (one per entity, preferred in that order: typed formats first).
 *
 * @param dir The folder.
 * @param entities Entity names to look for (all stems when absent).
 * @returns The files, and the names of files that match no entity.
 * @example
 * ```ts ignore
 * const { files } = await dataFilesIn("out/shop", ["customers", "orders"]);
 * ```
 */
export async function dataFilesIn(
  dir: string,
  entities?: readonly string[],
): Promise<{ files: DataFile[]; unmatched: string[] }> {
  const found = new Map<string, DataFile>();
  const unmatched: string[] = [];
  let listing: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) listing.push(e);
  } catch (e) {
    throw new UsageError(`Cannot read the folder "${dir}": ${(e as Error).message}`);
  }
  listing = listing.filter((e) => e.isFile).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of listing) {
    // gen --compress: customers.csv.gz, orders.jsonl.zst (parquet compresses itself).
    const m = e.name.match(/^(.+)\.(?:(csv|jsonl|json)(?:\.gz|\.zst)?|(parquet))$/);
    if (!m || ["manifest.json", "report.json"].includes(e.name)) continue;
    const stem = m[1]!;
    const ext = (m[2] ?? m[3]) as DataFile["format"];
    if (entities && !entities.includes(stem)) {
      unmatched.push(e.name);
      continue;
    }
    const prev = found.get(stem);
    if (!prev || READABLE.indexOf(ext) < READABLE.indexOf(prev.format)) {
      found.set(stem, { entity: stem, path: `${dir}/${e.name}`, format: ext });
    }
  }
  const order = entities ?? [...found.keys()];
  return { files: order.flatMap((n) => (found.has(n) ? [found.get(n)!] : [])), unmatched };
}
