/**
 * Reads existing data files back as batches for `report` and `check`, in
 * every format fabricate writes: JSON Lines, CSV, XML, YAML and SQL stream
 * with flat memory (compressed `.gz`/`.zst` too); Parquet is read one row
 * group at a time (hyparquet); xlsx one sheet row at a time (its
 * shared-string table, when it has one, whole); a JSON array (or
 * `--layout single`'s object of arrays) is parsed whole. `--layout split`
 * folders (one file per record) are read file by file, and `--layout
 * single` files (one document holding every entity) entity by entity.
 * Values are typed by the scenario's field types when known, else inferred
 * (numbers, booleans) for the text formats.
 *
 * @module
 */
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from "node:zlib";
import { UsageError } from "../core/errors.ts";
import type { Batch, FieldType } from "../core/types.ts";
import type { Manifest } from "../core/gen.ts";
import { lines, textPieces } from "./readers/file_text.ts";
import { csvRows } from "./readers/csv_rows.ts";
import type { Layout, ReadContext } from "./readers/read_context.ts";

/** Formats read back, in order of preference when an entity has several (typed first). */
export const READABLE = ["jsonl", "parquet", "json", "csv", "yaml", "xml", "sql", "xlsx"] as const;

/** A readable format. */
export type ReadableFormat = (typeof READABLE)[number];

/** A file (or split folder) holding an entity's rows. */
export interface DataFile {
  /** The entity. */
  entity: string;
  /** Absolute or relative path (of the folder, for `--layout split`). */
  path: string;
  /** The format. */
  format: ReadableFormat;
  /** How it was laid out (default per-entity: one file per entity). */
  layout?: Layout;
  /** `--layout split`: the files, one per record, in order. */
  parts?: string[];
}

/** Options of {@linkcode readBatches} beyond the field types. */
export interface ReadOptions {
  /** The SQL formatter's `table_prefix`, to find the entity's table in a single-layout script. */
  tablePrefix?: string;
}

const BATCH = 10_000;

/**
 * Streams an entity's rows from a file as batches.
 *
 * @param file The file.
 * @param types Field types by name (from the scenario), in output order.
 * @param options Where the entity's rows are in multi-entity files.
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
  options: ReadOptions = {},
): AsyncGenerator<Batch> {
  const context: ReadContext = {
    entity: file.entity,
    types,
    layout: file.layout ?? "per-entity",
    ...(options.tablePrefix !== undefined ? { tablePrefix: options.tablePrefix } : {}),
  };
  const rows = file.parts ? partRows(file, context) : await rowsOf(file.format, file.path, context);
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

async function* partRows(
  file: DataFile,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  for (const part of file.parts!) yield* await rowsOf(file.format, part, context);
}

async function rowsOf(
  format: ReadableFormat,
  path: string,
  context: ReadContext,
): Promise<AsyncGenerator<Record<string, unknown>>> {
  switch (format) {
    case "csv":
      return csvRows(path, context);
    case "jsonl":
      return jsonlRows(path);
    case "parquet":
      return parquetRows(path, context.types);
    case "json":
      return jsonRows(path, context);
    case "xml":
      return (await import("./readers/xml_rows.ts")).xmlRows(path, context);
    case "yaml":
      return (await import("./readers/yaml_rows.ts")).yamlRows(path, context);
    case "sql":
      return (await import("./readers/sql_rows.ts")).sqlRows(path, context);
    case "xlsx":
      return (await import("./readers/xlsx_rows.ts")).xlsxRows(path, context);
  }
}

async function* jsonlRows(path: string): AsyncGenerator<Record<string, unknown>> {
  let n = 0;
  for await (const line of lines(path)) {
    n++;
    const text = line.trim();
    if (!text) continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `Cannot read ${path}:${n}:1: ${(e as Error).message}`,
        "each line must be one JSON object",
      );
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new UsageError(`Cannot read ${path}:${n}:1: expected a JSON object per line`);
    }
    yield row as Record<string, unknown>;
  }
}

async function* jsonRows(
  path: string,
  context: ReadContext,
): AsyncGenerator<Record<string, unknown>> {
  let doc: unknown;
  try {
    let text = "";
    for await (const piece of textPieces(path)) text += piece;
    doc = JSON.parse(text);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  // --layout split: one object; --layout single: { "<entity>": [ … ], … }
  if (context.layout === "split" && doc && typeof doc === "object" && !Array.isArray(doc)) {
    yield doc as Record<string, unknown>;
    return;
  }
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    doc = (doc as Record<string, unknown>)[context.entity];
  }
  if (!Array.isArray(doc)) {
    throw new UsageError(
      `Cannot read ${path}: expected an array of objects (or an object of arrays by entity)`,
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
  path: string,
  types: ReadonlyMap<string, FieldType>,
): AsyncGenerator<Record<string, unknown>> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import(
    "hyparquet"
  );
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let groups: number[];
  try {
    buffer = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(buffer);
    groups = metadata.row_groups.map((g) => Number(g.num_rows));
  } catch (e) {
    throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
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
        `Cannot read ${path} (rows ${start}–${start + n - 1}): ${(e as Error).message}`,
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

/** A data file's name: `<stem>.<format>`, text formats optionally `.gz`/`.zst`. */
const FILE_NAME = /^(.+)\.(?:(csv|jsonl|json|yaml|yml|xml|sql)(?:\.gz|\.zst)?|(parquet|xlsx))$/;

function formatOf(name: string): { stem: string; format: ReadableFormat } | undefined {
  const m = name.match(FILE_NAME);
  if (!m) return undefined;
  const ext = m[2] ?? m[3]!;
  return { stem: m[1]!, format: (ext === "yml" ? "yaml" : ext) as ReadableFormat };
}

const better = (a: ReadableFormat, b: ReadableFormat) => READABLE.indexOf(a) < READABLE.indexOf(b);

/**
 * Lists the data files of a folder by entity: `<entity>.<format>` (one per
 * entity, preferred in the order of {@linkcode READABLE}), or a folder
 * `<entity>/` of `--layout split` files `<entity>-0001.<format>`.
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
  const listing = await list(dir);
  for (const e of listing.filter((e) => e.isFile)) {
    const f = formatOf(e.name);
    if (!f || ["manifest.json", "report.json"].includes(e.name)) continue;
    if (entities && !entities.includes(f.stem)) {
      unmatched.push(e.name);
      continue;
    }
    const prev = found.get(f.stem);
    if (!prev || better(f.format, prev.format)) {
      found.set(f.stem, { entity: f.stem, path: `${dir}/${e.name}`, format: f.format });
    }
  }
  // --layout split: <entity>/<entity>-0001.<format>, for entities without a file of their own.
  for (const e of listing.filter((e) => e.isDirectory)) {
    if (found.has(e.name) || (entities && !entities.includes(e.name))) continue;
    const parts = new Map<ReadableFormat, string[]>();
    const pattern = new RegExp(`^${e.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+\\.`);
    for (const p of await list(`${dir}/${e.name}`)) {
      const f = p.isFile && pattern.test(p.name) ? formatOf(p.name) : undefined;
      if (!f) continue;
      parts.set(f.format, [...(parts.get(f.format) ?? []), `${dir}/${e.name}/${p.name}`]);
    }
    const format = [...parts.keys()].sort((a, b) => (better(a, b) ? -1 : 1))[0];
    if (!format) continue;
    // Numbers are zero-padded to one width: name order is row order.
    found.set(e.name, {
      entity: e.name,
      path: `${dir}/${e.name}`,
      format,
      layout: "split",
      parts: parts.get(format)!.sort(),
    });
  }
  const order = entities ?? [...found.keys()];
  return { files: order.flatMap((n) => (found.has(n) ? [found.get(n)!] : [])), unmatched };
}

/**
 * The `--layout single` files of a run (one document holding every
 * entity), from its manifest, for the entities that have no file of their
 * own: the most typed readable format first.
 *
 * @param dir The output folder.
 * @param manifest Its manifest.
 * @param entities The entities still without a file.
 * @returns One file per entity found in a shared document.
 * @example
 * ```ts ignore
 * files.push(...singleFiles("out/shop", manifest, ["orders"]));
 * ```
 */
export function singleFiles(
  dir: string,
  manifest: Manifest,
  entities: readonly string[],
): DataFile[] {
  const shared = (manifest.files ?? []).flatMap((f) => {
    const known = formatOf(f.path.split("/").pop()!);
    return known ? [{ path: `${dir}/${f.path}`, format: known.format }] : [];
  }).sort((a, b) => (better(a.format, b.format) ? -1 : 1))[0];
  if (!shared) return [];
  return entities.map((entity) => ({ entity, ...shared, layout: "single" as const }));
}

async function list(dir: string): Promise<Deno.DirEntry[]> {
  const listing: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) listing.push(e);
  } catch (e) {
    throw new UsageError(`Cannot read the folder "${dir}": ${(e as Error).message}`);
  }
  return listing.sort((a, b) => (a.name < b.name ? -1 : 1));
}
