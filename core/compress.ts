/**
 * Compression of output files (`--compress gzip|zstd`): a streaming
 * transform between a formatter's chunks and the file on disk. Any text
 * format gets it the same way; the file name gains `.gz` or `.zst`, and the
 * size and SHA-256 recorded are those of the compressed bytes on disk.
 *
 * @module
 */
import zlib from "node:zlib";
import type { FileSink, WrittenFile } from "./output.ts";
import type { Chunk } from "./types.ts";

/** The compressions `--compress` accepts. */
export const COMPRESSIONS = ["gzip", "zstd"] as const;

/** A compression of output files. */
export type Compression = typeof COMPRESSIONS[number];

/** What a compressed file records beside its on-disk size and checksum. */
export interface CompressedFile extends WrittenFile {
  /** The compression applied. */
  compression: Compression;
  /** The size before compression, in bytes. */
  uncompressed_bytes: number;
}

/**
 * The file name suffix of a compression.
 *
 * @param compression The compression.
 * @returns `.gz` or `.zst`.
 * @example
 * ```ts
 * import { compressionSuffix } from "./compress.ts";
 * compressionSuffix("gzip"); // ".gz"
 * ```
 */
export function compressionSuffix(compression: Compression): string {
  return compression === "gzip" ? ".gz" : ".zst";
}

const encoder = new TextEncoder();

/**
 * Wraps a file so everything written to it is compressed on the way, in
 * constant memory: each chunk goes through node:zlib's streaming gzip or
 * zstd compressor and what comes out is written before the next chunk is
 * taken. Concatenating the output of {@linkcode FileSink.write} calls is a
 * single gzip member or zstd frame that `gzip -d`, `zstd -d` and DuckDB read.
 *
 * @param inner The file on disk.
 * @param compression gzip or zstd.
 * @param level The compression level (gzip 1–9, default 6; zstd 1–19, default 3).
 * @returns A sink that compresses into `inner`.
 * @example
 * ```ts
 * import { compressedSink } from "./compress.ts";
 * import { folderTarget } from "./output.ts";
 * const dir = await Deno.makeTempDir();
 * const target = await folderTarget({ out: `${dir}/run`, scenario: "shop" });
 * const file = compressedSink(await target.open("a.csv.gz"), "gzip");
 * await file.write("id\n1\n");
 * await file.close(); // { path: "a.csv.gz", compression: "gzip", uncompressed_bytes: 5, … }
 * await target.commit();
 * ```
 */
export function compressedSink(
  inner: FileSink,
  compression: Compression,
  level?: number,
): FileSink & { close(): Promise<CompressedFile> } {
  const stream = compression === "gzip"
    ? zlib.createGzip(level === undefined ? {} : { level })
    : zlib.createZstdCompress(
      level === undefined ? {} : { params: { [zlib.constants.ZSTD_c_compressionLevel]: level } },
    );
  let pending: Uint8Array[] = [];
  let failure: unknown;
  let raw = 0;
  stream.on("data", (d: Uint8Array) => pending.push(d));
  stream.on("error", (e: unknown) => failure ??= e);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("end", () => resolve());
    stream.on("error", reject);
  });
  ended.catch(() => {}); // reported by write() or close()
  const drain = async () => {
    if (failure) throw failure;
    const out = pending;
    pending = [];
    for (const d of out) await inner.write(d);
  };
  return {
    async write(chunk: Chunk) {
      const data = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      if (data.length === 0) return;
      raw += data.length;
      await new Promise<void>((resolve, reject) =>
        stream.write(data, (e) => (e ? reject(e) : resolve()))
      );
      await drain();
    },
    async close() {
      stream.end();
      await ended;
      await drain();
      return { ...(await inner.close()), compression, uncompressed_bytes: raw };
    },
  };
}
