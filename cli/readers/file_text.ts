/**
 * A data file's bytes and text as they stream, decompressed when its name
 * ends in `.gz` or `.zst` (what `gen --compress` writes).
 *
 * @module
 */
import { createZstdDecompress } from "node:zlib";
import { Duplex } from "node:stream";
import { UsageError } from "../../core/errors.ts";

/**
 * A file's bytes, decompressed as they stream for `.gz` and `.zst` names.
 *
 * @param path The file.
 * @returns The byte stream.
 * @throws {UsageError} A file that cannot be opened.
 * @example
 * ```ts ignore
 * const bytes = await bytesOf("out/orders.csv.zst");
 * ```
 */
export async function bytesOf(path: string): Promise<ReadableStream<Uint8Array>> {
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

/**
 * A file's text in pieces as it streams (UTF-8, decompressed).
 *
 * @param path The file.
 * @returns The pieces.
 * @throws {UsageError} A file that cannot be read or decompressed.
 * @example
 * ```ts ignore
 * for await (const piece of textPieces("out/orders.xml")) console.log(piece.length);
 * ```
 */
export async function* textPieces(path: string): AsyncGenerator<string> {
  const stream = (await bytesOf(path)).pipeThrough(new TextDecoderStream());
  try {
    for await (const piece of stream) yield piece;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * A file's lines as it streams, each with its line end.
 *
 * @param path The file.
 * @returns The lines.
 * @example
 * ```ts ignore
 * for await (const line of lines("out/orders.jsonl")) JSON.parse(line);
 * ```
 */
export async function* lines(path: string): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of textPieces(path)) {
    rest += chunk;
    let from = 0;
    let nl: number;
    while ((nl = rest.indexOf("\n", from)) >= 0) {
      yield rest.slice(from, nl + 1);
      from = nl + 1;
    }
    rest = rest.slice(from);
  }
  if (rest) yield rest;
}
