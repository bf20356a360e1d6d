/**
 * `parquet`: Apache Parquet, one file per entity, written with
 * hyparquet-writer (pure JavaScript, no WebAssembly). Columns are typed from
 * the entity's schema: integers as INT64, decimal numbers as exact
 * DECIMAL(p,s), other numbers as DOUBLE, booleans, dates as DATE, datetimes
 * as TIMESTAMP (UTC, milliseconds), UUIDs as UUID, JSON as JSON, text as
 * STRING; a column the schema says may be null is OPTIONAL, others REQUIRED.
 *
 * Rows are buffered one row group at a time (`row_group_size` rows, 100,000
 * by default): that is the memory this formatter needs; each finished row
 * group is written out before the next is taken. Row groups are cut at fixed
 * row counts, so the file is the same whatever the batch size.
 *
 * @module
 */
import zlib from "node:zlib";
import { z } from "zod";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { definePlugin } from "../../core/define_plugin.ts";
import { PluginError } from "../../core/errors.ts";
import type { ColumnInfo, EntitySchema } from "../../core/types.ts";
import { isoMillis } from "../_shared/iso_millis.ts";

/** Options of the `parquet` formatter. */
export const parquetOptions = z.object({
  /** The codec every column chunk is compressed with. */
  compression: z.enum(["zstd", "snappy", "gzip", "none"]).default("zstd").describe(
    "Column compression: zstd (default), snappy, gzip or none",
  ),
  /** Rows per row group: the rows held in memory at once. */
  row_group_size: z.number().int().min(1).max(10_000_000).default(100_000).describe(
    "Rows per row group (the rows held in memory at once)",
  ),
  /** Write decimal numbers as exact DECIMAL(p,s), or as DOUBLE. */
  decimal: z.enum(["decimal", "double"]).default("decimal").describe(
    "Numbers with a known count of decimals: exact DECIMAL(p,s) (default) or DOUBLE",
  ),
}).strict().default({ compression: "zstd", row_group_size: 100_000, decimal: "decimal" });

/** The options, as parsed. */
export type ParquetOptions = z.infer<typeof parquetOptions>;

type Writer = ConstructorParameters<typeof ParquetWriter>[0];
type SchemaElement = Writer["schema"][number];
type Codec = NonNullable<Writer["codec"]>;

const CODECS: Record<ParquetOptions["compression"], Codec> = {
  zstd: "ZSTD",
  snappy: "SNAPPY",
  gzip: "GZIP",
  none: "UNCOMPRESSED",
};

// Snappy is built into hyparquet-writer; gzip and zstd come from node:zlib (native code).
const COMPRESSORS: Writer["compressors"] = {
  GZIP: (input) => new Uint8Array(zlib.gzipSync(input)),
  ZSTD: (input) => new Uint8Array(zlib.zstdCompressSync(input)),
};

/** The largest DECIMAL precision an INT64 holds. */
const INT64_DIGITS = 18;

/** One column's Parquet type and how a value becomes what hyparquet-writer takes. */
interface ColumnPlan {
  element: SchemaElement;
  convert(v: unknown): unknown;
  /** True when `convert` gives text, encoded to UTF-8 a batch at a time. */
  text?: boolean;
}

/**
 * The Parquet schema element of a column and its value converter.
 *
 * @param column The column.
 * @param decimal How decimal numbers are written.
 * @returns The element and the converter (null stays null).
 * @example
 * ```ts
 * import { parquetColumn } from "./parquet.ts";
 * const plan = parquetColumn({
 *   name: "price", type: "number", nullable: false, unique: false, key: false,
 *   referenced: false, decimals: 2, maxAbs: 999.99,
 * }, "decimal");
 * plan.element.logical_type; // { type: "DECIMAL", precision: 5, scale: 2 }
 * plan.convert(12.5); // 1250n
 * ```
 */
export function parquetColumn(column: ColumnInfo, decimal: ParquetOptions["decimal"]): ColumnPlan {
  const base = {
    name: column.name,
    repetition_type: column.nullable ? "OPTIONAL" : "REQUIRED",
  } as const;
  const fail = (v: unknown, what: string): never => {
    throw new Error(
      `Cannot write ${JSON.stringify(v) ?? String(v)} as ${what}: the column is ${column.type}`,
    );
  };
  const nullable = <T>(f: (v: unknown) => T) => (v: unknown): T | null => {
    if (v === null || v === undefined) {
      if (!column.nullable) fail(v, "a REQUIRED value");
      return null;
    }
    return f(v);
  };
  switch (column.type) {
    case "integer":
      return {
        element: { ...base, type: "INT64" },
        convert: nullable((v) => {
          const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
          if (typeof n === "bigint") return n;
          if (typeof n !== "number" || !Number.isInteger(n)) return fail(v, "INT64");
          return BigInt(n);
        }),
      };
    case "number": {
      const number = (v: unknown) => {
        const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
        return typeof n === "number" && Number.isFinite(n) ? n : fail(v, "a number");
      };
      const scale = column.decimals;
      // Without a known largest value, DECIMAL(18, s): what an INT64 holds.
      const digits = column.maxAbs === undefined || !Number.isFinite(column.maxAbs)
        ? INT64_DIGITS - (scale ?? 0)
        : wholeDigits(column.maxAbs);
      if (decimal === "decimal" && scale !== undefined && scale + digits <= INT64_DIGITS) {
        const precision = Math.max(1, digits + scale);
        const factor = 10 ** scale;
        const limit = 10n ** BigInt(precision);
        return {
          element: {
            ...base,
            type: "INT64",
            converted_type: "DECIMAL",
            scale,
            precision,
            logical_type: { type: "DECIMAL", precision, scale },
          },
          convert: nullable((v) => {
            const unscaled = BigInt(Math.round(number(v) * factor));
            if (unscaled >= limit || unscaled <= -limit) {
              fail(v, `DECIMAL(${precision},${scale}) (use parquet: { decimal: double })`);
            }
            return unscaled;
          }),
        };
      }
      return { element: { ...base, type: "DOUBLE" }, convert: nullable(number) };
    }
    case "boolean":
      return {
        element: { ...base, type: "BOOLEAN" },
        convert: nullable((v) => typeof v === "boolean" ? v : fail(v, "BOOLEAN")),
      };
    case "date":
      return {
        element: { ...base, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } },
        convert: nullable((v) => {
          const ms = typeof v === "string" ? isoMillis(v, "date") : NaN;
          return Number.isNaN(ms) ? fail(v, "a DATE (YYYY-MM-DD)") : Math.floor(ms / 86_400_000);
        }),
      };
    case "datetime":
      return {
        element: {
          ...base,
          type: "INT64",
          converted_type: "TIMESTAMP_MILLIS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        },
        convert: nullable((v) => {
          const ms = typeof v === "string" ? isoMillis(v) : NaN;
          return Number.isNaN(ms) ? fail(v, "a TIMESTAMP (ISO 8601)") : BigInt(ms);
        }),
      };
    case "uuid":
      return {
        element: {
          ...base,
          type: "FIXED_LEN_BYTE_ARRAY",
          type_length: 16,
          logical_type: { type: "UUID" },
        },
        convert: nullable((v) =>
          typeof v === "string" && UUID.test(v) ? uuidBytes(v) : fail(v, "a UUID")
        ),
      };
    case "json":
      return {
        element: {
          ...base,
          type: "BYTE_ARRAY",
          converted_type: "JSON",
          logical_type: { type: "JSON" },
        },
        // hyparquet-writer writes a JSON column's values as JSON.stringify does.
        convert: nullable((v) => v),
      };
    default:
      return {
        element: {
          ...base,
          type: "BYTE_ARRAY",
          converted_type: "UTF8",
          logical_type: { type: "STRING" },
        },
        convert: nullable((v) =>
          typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v)
        ),
        text: true,
      };
  }
}

const encoder = new TextEncoder();

/**
 * Many strings to UTF-8 at once: one encode of their concatenation, cut by
 * each string's UTF-8 length (a call per string costs more than the bytes).
 *
 * @param strings Text, or null.
 * @returns The UTF-8 bytes of each (views of one buffer), or null.
 * @example
 * ```ts
 * import { utf8All } from "./parquet.ts";
 * utf8All(["a", null, "é"]).map((b) => b?.length ?? null); // [1, null, 2]
 * ```
 */
export function utf8All(strings: readonly (string | null)[]): (Uint8Array | null)[] {
  const lengths = new Array<number>(strings.length);
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i];
    const n = s === null || s === undefined ? 0 : utf8Length(s);
    // A lone surrogate could pair with its neighbour's once joined: encode one by one.
    if (n < 0) {
      return strings.map((s) => (s === null || s === undefined ? null : encoder.encode(s)));
    }
    lengths[i] = n;
  }
  const bytes = encoder.encode(strings.join(""));
  const out: (Uint8Array | null)[] = new Array(strings.length);
  let at = 0;
  for (let i = 0; i < strings.length; i++) {
    if (strings[i] === null || strings[i] === undefined) {
      out[i] = null;
      continue;
    }
    out[i] = bytes.subarray(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  return out;
}

/** The UTF-8 length of a string, or -1 when it holds a lone surrogate. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c < 0xd800 || c > 0xdfff) n += 2;
    else if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff) return -1;
      n += 2;
      i++;
    } else return -1;
  }
  return n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidBytes(s: string): Uint8Array {
  const hex = s.replaceAll("-", "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Digits before the point of the largest absolute value. */
function wholeDigits(maxAbs: number): number {
  return Math.max(1, Math.floor(Math.log10(Math.max(maxAbs, 1))) + 1);
}

/**
 * Copies out the smallest and largest values a written row group's
 * statistics keep until the footer: a text's bytes are a view of its whole
 * batch's text (utf8All), so each would hold that batch's buffer, and the
 * memory would grow with every row group. The bytes stay the same.
 */
function compactStatistics(pq: ParquetWriter): void {
  for (const chunk of pq.row_groups.at(-1)?.columns ?? []) {
    const stats = chunk.meta_data?.statistics;
    if (stats?.min_value instanceof Uint8Array) stats.min_value = stats.min_value.slice();
    if (stats?.max_value instanceof Uint8Array) stats.max_value = stats.max_value.slice();
  }
}

/** A ByteWriter whose bytes are taken out after each row group, so it stays one row group big. */
class ChunkWriter extends ByteWriter {
  /** The bytes written since the last call, copied out; the buffer is reused. */
  take(): Uint8Array | undefined {
    if (this.index === 0) return undefined;
    const out = new Uint8Array(this.buffer, 0, this.index).slice();
    this.index = 0;
    return out;
  }
}

/**
 * Apache Parquet files with typed columns.
 *
 * @example In a scenario
 * ```yaml
 * output:
 *   format: parquet
 *   parquet: { compression: snappy, row_group_size: 50000 }
 * ```
 * @see docs/formats.md
 */
export default definePlugin({
  name: "parquet",
  kind: "formatter",
  version: "1.0.0",
  description: "Apache Parquet: typed columns (DECIMAL, DATE, TIMESTAMP, UUID), row groups, zstd",
  extension: "parquet",
  binary: true,
  options: parquetOptions,
  create(options) {
    let writer: ChunkWriter | undefined;
    let pq: ParquetWriter | undefined;
    let plans: ColumnPlan[] = [];
    let buffers: unknown[][] = [];
    let rows = 0;
    const flush = () => {
      if (rows === 0) return;
      pq!.write({
        columnData: plans.map((p, c) => ({ name: p.element.name, data: buffers[c]! })),
        rowGroupSize: rows,
      });
      compactStatistics(pq!);
      buffers = plans.map(() => []);
      rows = 0;
    };
    return {
      beginEntity(entity: EntitySchema) {
        plans = entity.columns.map((c) => parquetColumn(c, options.decimal));
        buffers = plans.map(() => []);
        rows = 0;
        writer = new ChunkWriter(1 << 16);
        pq = new ParquetWriter({
          writer,
          schema: [{ name: "schema", num_children: plans.length }, ...plans.map((p) => p.element)],
          codec: CODECS[options.compression],
          compressors: COMPRESSORS,
          createdBy: "fabricate (hyparquet-writer)",
        });
        return writer.take();
      },
      write(batch) {
        const size = options.row_group_size;
        for (let k = 0; k < batch.length;) {
          const take = Math.min(batch.length - k, size - rows);
          for (let c = 0; c < plans.length; c++) {
            const { convert, text } = plans[c]!;
            const column = batch.columns[c]!;
            const out = buffers[c]!;
            let i = 0;
            try {
              if (text) {
                const strings: (string | null)[] = new Array(take);
                for (; i < take; i++) strings[i] = convert(column[k + i]) as string | null;
                for (const bytes of utf8All(strings)) out.push(bytes);
              } else {
                for (; i < take; i++) out.push(convert(column[k + i]));
              }
            } catch (e) {
              // Name the exact row and column, not only the batch.
              throw new PluginError(
                {
                  plugin: "parquet",
                  hook: "write",
                  entity: batch.entity,
                  field: plans[c]!.element.name,
                  row: batch.start + k + i,
                },
                new Error(
                  `${(e as Error).message}\n  hint: a Parquet column holds one type; ` +
                    `csv, jsonl or xlsx keep such values as they are`,
                ),
              );
            }
          }
          rows += take;
          k += take;
          if (rows === size) flush();
        }
        return writer!.take();
      },
      endEntity() {
        flush();
        pq!.finish();
        const out = writer!.take();
        writer = undefined;
        pq = undefined;
        return out;
      },
    };
  },
});
