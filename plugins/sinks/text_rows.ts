/**
 * Rows as tab-separated text lines, the format both PostgreSQL's
 * `COPY … FROM STDIN` and MySQL's `LOAD DATA` read by default, written
 * straight from a batch's columns into UTF-8 chunks: strings are escaped
 * and encoded character by character into one buffer, so no row or field
 * string is built and the client library receives bytes it sends as they are.
 *
 * @module
 */
import type { Batch } from "../../core/types.ts";

/** How one column's values become field text. */
export interface TextColumn {
  /** From a value to its field text (escaped): used for what `direct` does not cover. */
  readonly encode: (v: unknown) => string;
  /**
   * True when string values are written as they are (escaped here) and
   * finite numbers as `String(n)`; false when every value goes through
   * `encode` (JSON columns, rewritten datetimes).
   */
  readonly direct: boolean;
}

/** The escapes of the text format: backslash, tab, newline and CR as `\\`, `\t`, `\n`, `\r`. */
export interface TextFormat {
  /** What NUL becomes: `""` (PostgreSQL text cannot hold it) or `"\\0"` (MySQL). */
  readonly nul: "" | "\\0";
}

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/** Gathers bytes and hands them on in chunks of about `size` bytes. */
class Chunks {
  #buf: Uint8Array;
  #pos = 0;
  readonly #size: number;
  readonly #nul: number;

  constructor(size: number, format: TextFormat) {
    this.#size = size;
    this.#buf = new Uint8Array(size + 1024);
    this.#nul = format.nul === "" ? -1 : 48;
  }

  get full(): boolean {
    return this.#pos >= this.#size;
  }

  take(): Uint8Array | undefined {
    if (this.#pos === 0) return undefined;
    const out = this.#buf.subarray(0, this.#pos);
    this.#buf = new Uint8Array(this.#size + 1024);
    this.#pos = 0;
    return out;
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = b;
  }

  /** Room for `n` more bytes: a larger buffer when a value is longer than a chunk. */
  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    bigger.set(this.#buf.subarray(0, this.#pos));
    this.#buf = bigger;
  }

  /** A string as UTF-8, lone surrogates as U+FFFD, escaped when `escape`. */
  text(s: string, escape: boolean): void {
    const n = s.length;
    // At most 3 bytes per UTF-16 unit (an escape takes 2, a pair 4 for 2 units).
    this.#room(n * 3);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        if (escape && (c <= 13 || c === BACKSLASH)) {
          if (c === BACKSLASH) {
            buf[p++] = BACKSLASH;
            buf[p++] = BACKSLASH;
            continue;
          }
          if (c === TAB || c === NEWLINE || c === 13) {
            buf[p++] = BACKSLASH;
            buf[p++] = c === TAB ? 116 : c === NEWLINE ? 110 : 114;
            continue;
          }
          if (c === 0) {
            if (this.#nul >= 0) {
              buf[p++] = BACKSLASH;
              buf[p++] = this.#nul;
            }
            continue;
          }
        }
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
            buf[p++] = 0xf0 | (c >> 18);
            buf[p++] = 0x80 | ((c >> 12) & 63);
            buf[p++] = 0x80 | ((c >> 6) & 63);
            buf[p++] = 0x80 | (c & 63);
            continue;
          }
          c = 0xfffd;
        }
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 63);
        buf[p++] = 0x80 | (c & 63);
      }
    }
    this.#pos = p;
  }
}

/**
 * Encodes a batch as text lines (fields joined by tab, each line ending in a
 * newline) and hands them on as UTF-8 chunks of about `chunkBytes` bytes.
 *
 * @param batch The rows (columns in the `columns` order).
 * @param columns How each column is encoded.
 * @param format The format's escapes.
 * @param chunkBytes Bytes gathered before a chunk is handed on.
 * @param push Receives each chunk (a fresh array); awaited (backpressure).
 * @returns When every chunk was pushed.
 * @example
 * ```ts
 * import { writeTextRows } from "./text_rows.ts";
 * const chunks: Uint8Array[] = [];
 * const batch = { entity: "t", start: 0, length: 2, fields: ["a", "b"], columns: [[1, 2], ["x\ty", null]] };
 * const column = { encode: (v: unknown) => (v === null ? "\\N" : String(v)), direct: true };
 * await writeTextRows(batch, [column, column], { nul: "" }, 1024, (c) => {
 *   chunks.push(c);
 * });
 * new TextDecoder().decode(chunks[0]); // "1\tx\\ty\n2\t\\N\n"
 * ```
 */
export async function writeTextRows(
  batch: Batch,
  columns: readonly TextColumn[],
  format: TextFormat,
  chunkBytes: number,
  push: (chunk: Uint8Array) => unknown,
): Promise<void> {
  const out = new Chunks(chunkBytes, format);
  const values = batch.columns;
  const width = columns.length;
  for (let r = 0; r < batch.length; r++) {
    for (let c = 0; c < width; c++) {
      if (c > 0) out.byte(TAB);
      const column = columns[c]!;
      const v = values[c]![r];
      if (column.direct && typeof v === "string") out.text(v, true);
      else if (column.direct && typeof v === "number" && Number.isFinite(v)) {
        out.text(String(v), false);
      } else out.text(column.encode(v), false);
    }
    out.byte(NEWLINE);
    if (out.full) await push(out.take()!);
  }
  const rest = out.take();
  if (rest) await push(rest);
}
