/**
 * The entries of a ZIP file (an xlsx workbook), read from its central
 * directory, and one entry's bytes inflated as they stream: memory is a
 * block of compressed input and one of output, whatever sizes the entries
 * declare. ZIP64 and encrypted entries are refused.
 *
 * @module
 */
import { createInflateRaw } from "node:zlib";
import { Duplex } from "node:stream";
import { UsageError } from "../../core/errors.ts";

/** One entry of the central directory. */
export interface ZipEntry {
  /** Its name, e.g. `xl/worksheets/sheet1.xml`. */
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** Compressed size in bytes. */
  readonly compressedSize: number;
  /** Uncompressed size as declared (not trusted). */
  readonly size: number;
  /** Where its local header starts. */
  readonly offset: number;
}

const BLOCK = 1 << 16;

/**
 * Lists the entries of a ZIP file.
 *
 * @param path The file.
 * @returns The entries by name.
 * @throws {UsageError} A file that is no ZIP, is cut short, or uses ZIP64.
 * @example
 * ```ts ignore
 * const entries = await zipEntries("out/quickstart.xlsx");
 * entries.has("xl/workbook.xml"); // true
 * ```
 */
export async function zipEntries(path: string): Promise<Map<string, ZipEntry>> {
  const fail = (what: string) => new UsageError(`Cannot read ${path}: ${what}`);
  using file = await open(path);
  const size = (await file.stat()).size;
  const tailSize = Math.min(size, 65_557);
  const tail = await readAt(file, size - tailSize, tailSize);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail("not a ZIP file (no end of central directory): an xlsx file is a ZIP");
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw fail("ZIP64 archives are not read");
  }
  if (cdOffset + cdSize > size) throw fail("the central directory lies past the end of the file");
  if (cdSize > 64 * 1024 * 1024) throw fail("the central directory is larger than 64 MiB");
  const cd = await readAt(file, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  const names = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (at + 46 > cd.length || u32(cd, at) !== 0x02014b50) {
      throw fail(`central directory entry ${k + 1} is damaged`);
    }
    const flags = u16(cd, at + 8);
    const nameLength = u16(cd, at + 28);
    const entry: ZipEntry = {
      method: u16(cd, at + 10),
      compressedSize: u32(cd, at + 20),
      size: u32(cd, at + 24),
      name: names.decode(cd.subarray(at + 46, at + 46 + nameLength)),
      offset: u32(cd, at + 42),
    };
    if (flags & 1) throw fail(`entry "${entry.name}" is encrypted`);
    if (entry.compressedSize === 0xffffffff || entry.offset === 0xffffffff) {
      throw fail("ZIP64 archives are not read");
    }
    if (entry.offset + entry.compressedSize > size) {
      throw fail(`entry "${entry.name}" lies past the end of the file (is it cut short?)`);
    }
    entries.set(entry.name, entry);
    at += 46 + nameLength + u16(cd, at + 30) + u16(cd, at + 32);
  }
  return entries;
}

/**
 * An entry's bytes, inflated as they stream.
 *
 * @param path The ZIP file.
 * @param entry The entry.
 * @returns The uncompressed bytes.
 * @throws {UsageError} A damaged entry or an unknown compression method.
 * @example
 * ```ts ignore
 * const bytes = await entryBytes("book.xlsx", entries.get("xl/workbook.xml")!);
 * ```
 */
export async function entryBytes(
  path: string,
  entry: ZipEntry,
): Promise<ReadableStream<Uint8Array>> {
  const fail = (what: string) => new UsageError(`Cannot read ${path} (${entry.name}): ${what}`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw fail(`compression method ${entry.method} is not read (only stored and deflate)`);
  }
  const file = await open(path);
  const local = await readAt(file, entry.offset, 30);
  if (u32(local, 0) !== 0x04034b50) {
    file.close();
    throw fail("its local header is damaged");
  }
  let at = entry.offset + 30 + u16(local, 26) + u16(local, 28);
  const end = at + entry.compressedSize;
  const raw = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= end) {
        file.close();
        controller.close();
        return;
      }
      const chunk = await readAt(file, at, Math.min(BLOCK, end - at));
      at += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      file.close();
    },
  });
  if (entry.method === 0) return raw;
  const inflate = Duplex.toWeb(createInflateRaw()) as unknown as TransformStream<
    Uint8Array,
    Uint8Array
  >;
  return raw.pipeThrough(inflate);
}

async function open(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path);
  } catch (e) {
    throw new UsageError(`Cannot read "${path}": ${(e as Error).message}`);
  }
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = await file.read(out.subarray(got));
    if (n === null) break;
    got += n;
  }
  return out.subarray(0, got);
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
