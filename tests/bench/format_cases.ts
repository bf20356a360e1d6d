/**
 * Benchmark cases of the formatters and of `--compress`: customers-10 rows
 * (one pre-generated 10,000-row batch, written again and again, so
 * generation is left out) through a formatter into a file of the real output
 * layer (staging folder, SHA-256, and for `csv-gzip`/`csv-zstd` the same
 * streaming compressor `--compress` uses). Each case reports rows/s and MB/s:
 * of the bytes written, or for the compressed cases of the text compressed
 * (what was written is then the size column).
 *
 * @module
 */
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import { folderTarget } from "../../core/output.ts";
import { compressedSink, type Compression, compressionSuffix } from "../../core/compress.ts";
import type { Batch, FormatterPlugin, MaybeChunk } from "../../core/types.ts";

/** The format cases: a formatter, with or without compression. */
export const FORMAT_CASES: Record<string, { format: string; compress?: Compression }> = {
  "format-csv": { format: "csv" },
  "format-jsonl": { format: "jsonl" },
  "format-json": { format: "json" },
  "format-sql": { format: "sql" },
  "format-xml": { format: "xml" },
  "format-yaml": { format: "yaml" },
  "format-parquet": { format: "parquet" },
  "format-xlsx": { format: "xlsx" },
  "format-csv-gzip": { format: "csv", compress: "gzip" },
  "format-csv-zstd": { format: "csv", compress: "zstd" },
};

/**
 * Runs one format case and returns the bytes written (and before
 * compression) and the time spent writing (set-up excluded).
 *
 * @param name The case.
 * @param rows Rows to write.
 * @param dir A scratch folder.
 * @returns Bytes on disk and milliseconds.
 * @example
 * ```ts ignore
 * await formatCase("format-parquet", 1_000_000, "/tmp/bench");
 * ```
 */
export async function formatCase(
  name: string,
  rows: number,
  dir: string,
): Promise<{ bytes: number; rawBytes?: number; ms: number }> {
  const spec = FORMAT_CASES[name];
  if (!spec) throw new Error(`unknown format case ${name}`);
  const plan = await prepare("customers-10", {
    counts: { customers: rows },
    formats: [spec.format],
  });
  const world = new World(plan);
  const entity = plan.entities[0]!;
  const first = await entityBatches(world.engine(entity.name), 10_000).next();
  if (first.done) throw new Error("no rows");
  const out = first.value.out;
  const schema = entitySchemaOf(plan, entity);
  const format = plan.formats[0]!;
  const plugin = format.plugin as FormatterPlugin;
  const stream = await plugin.create(format.options, {
    scenario: plan.scenario.name,
    layout: "per-entity",
    entities: [schema],
  });
  const target = await folderTarget({ out: `${dir}/${name}`, scenario: "bench" });
  const path = `customers.${plugin.extension}`;
  const t0 = performance.now();
  const file = spec.compress
    ? compressedSink(await target.open(path + compressionSuffix(spec.compress)), spec.compress)
    : await target.open(path);
  const write = async (chunk: MaybeChunk | undefined) => {
    const c = await chunk;
    if (c !== undefined) await file.write(c);
  };
  await write(stream.start?.());
  await write(stream.beginEntity?.(schema));
  for (let start = 0; start < rows; start += out.length) {
    const length = Math.min(out.length, rows - start);
    const batch: Batch = length === out.length ? { ...out, start } : {
      ...out,
      start,
      length,
      columns: out.columns.map((c: readonly unknown[]) => c.slice(0, length)),
    };
    await write(stream.write(batch, schema));
  }
  await write(stream.endEntity?.(schema));
  await write(stream.finish?.());
  const written = await file.close() as { bytes: number; uncompressed_bytes?: number };
  const ms = performance.now() - t0;
  await target.commit();
  return {
    bytes: written.bytes,
    ...(written.uncompressed_bytes === undefined ? {} : { rawBytes: written.uncompressed_bytes }),
    ms,
  };
}

/**
 * The MB/s line of a format case's result.
 *
 * @param r The result.
 * @returns e.g. `format-csv  412,000 rows/s  95.1 MB/s  110.5 MB` (MB/s of the
 *   text before compression for the compressed cases; MB on disk).
 * @example
 * ```ts ignore
 * console.log(formatRate({ case: "format-csv", rowsPerSec: 1, bytes: 1, ms: 1 }));
 * ```
 */
export function formatRate(
  r: { case: string; rowsPerSec: number; bytes: number; rawBytes?: number; ms: number },
): string {
  const mbs = (r.rawBytes ?? r.bytes) / 1048576 / (r.ms / 1000);
  return `${r.case.padEnd(24)} ${r.rowsPerSec.toLocaleString("en-US").padStart(11)} rows/s ${
    mbs.toFixed(1).padStart(8)
  } MB/s ${(r.bytes / 1048576).toFixed(1).padStart(9)} MB`;
}
