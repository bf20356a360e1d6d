/**
 * A growable UTF-8 byte buffer for formatters that write many small pieces:
 * text goes straight into bytes, without building a long string that
 * `TextEncoder` must flatten and encode again.
 *
 * @module
 */
import { pairAt, putUtf8 } from "./utf8.ts";

/**
 * Appends text as UTF-8 (lone surrogates become U+FFFD, as `TextEncoder`
 * writes them) and hands out what was written as one chunk.
 *
 * @example Write a line
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * const w = new ByteWriter();
 * w.text("grüße");
 * w.byte(10);
 * new TextDecoder().decode(w.take()); // "grüße\n"
 * ```
 */
export class ByteWriter {
  /** The bytes so far. */
  buf: Uint8Array;
  /** How many bytes of {@linkcode buf} are written. */
  pos = 0;

  /** @param capacity The first buffer's size in bytes. */
  constructor(capacity = 65536) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /**
   * Makes room for `n` more bytes.
   *
   * @param n The bytes about to be written.
   */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n, 4096));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  /**
   * Appends one byte.
   *
   * @param b The byte.
   */
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /**
   * Appends bytes.
   *
   * @param bytes The bytes.
   */
  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * Appends a few bytes (a tag, a key, an indent): for short arrays a loop
   * is faster than {@linkcode bytes}' `TypedArray#set`.
   *
   * @param bytes The bytes, best under about 64.
   */
  smallBytes(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
    this.pos = p;
  }

  /**
   * Appends an integer in decimal, as `String(n)` writes it (for integers
   * below 2^53 in magnitude; others go through `String`).
   *
   * @param n The integer.
   */
  integer(n: number): void {
    if (!(n > -9007199254740992 && n < 9007199254740992) || !Number.isInteger(n)) {
      return this.text(String(n));
    }
    this.reserve(17);
    if (n < 0) {
      this.buf[this.pos++] = 45;
      n = -n;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    const buf = this.buf;
    let p = (this.pos += digits);
    do {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /**
   * Appends a string as UTF-8.
   *
   * @param s The text.
   */
  text(s: string): void {
    this.textUntil(s, -1, -1, -1, -1);
  }

  /**
   * Appends a string as UTF-8 unless it holds one of four code units (a
   * CSV delimiter, quote, CR or LF): then nothing is written and the
   * result is `false`. Pass -1 for a code unit not to look for.
   *
   * @param s The text.
   * @param a A code unit that stops the write.
   * @param b Another.
   * @param c Another.
   * @param d Another.
   * @returns Whether `s` was written.
   */
  textUntil(s: string, a: number, b: number, c: number, d: number): boolean {
    const n = s.length;
    if (this.pos + n * 3 > this.buf.length) this.reserve(n * 3);
    const buf = this.buf;
    let p = this.pos;
    let i = 0;
    // ASCII first (most text): one compare per code unit, stop units below 0x80 looked up after.
    for (; i < n; i++) {
      const u = s.charCodeAt(i);
      if (u >= 0x80 || u === a || u === b || u === c || u === d) break;
      buf[p++] = u;
    }
    if (i === n) {
      this.pos = p;
      return true;
    }
    for (; i < n; i++) {
      const u = s.charCodeAt(i);
      if (u < 0x80) {
        if (u === a || u === b || u === c || u === d) return false;
        buf[p++] = u;
      } else if (u === a) return false;
      else if (u >= 0xd800 && u <= 0xdfff) {
        // A pair is one character; a lone surrogate is U+FFFD, as TextEncoder writes it.
        const cp = pairAt(s, i);
        if (cp >= 0) i++;
        p = putUtf8(buf, p, cp >= 0 ? cp : 0xfffd);
      } else p = putUtf8(buf, p, u);
    }
    this.pos = p;
    return true;
  }

  /**
   * The bytes written so far, as one chunk; the writer starts over in a
   * fresh buffer (the chunk is never overwritten).
   *
   * @returns The chunk.
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    // The next write allocates a new buffer.
    this.buf = new Uint8Array(0);
    this.pos = 0;
    return out;
  }
}
