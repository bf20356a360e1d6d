/**
 * HMAC-SHA-256 under one fixed key, in plain JavaScript with the key's
 * inner and outer pads hashed once: masking hashes several short values
 * per row, and a call into `node:crypto` costs several µs each, this
 * ~0.4 µs. Nothing is allocated per value: the message is encoded into a
 * reused buffer, padded in place, and the digest is left as eight words.
 * Checked against `node:crypto` in tests/cli/mask_hmac_test.ts.
 *
 * @module
 */
import { pairAt, putUtf8 } from "../../plugins/_shared/utf8.ts";

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const H0 = new Int32Array([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);

/** The message schedule, shared (one compression at a time). */
const W = new Int32Array(64);

/** Loads the 64 bytes at `off` into the first 16 words of the schedule. */
function load(bytes: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) {
    W[i] = (bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!;
  }
}

/** One SHA-256 compression of the block in `W[0..15]` into the state `s`. */
function compress(s: Int32Array): void {
  let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
  let t = 0, w = 0, x = 0, y = 0;
  // Eight rounds per pass, the variables' roles rotating instead of their values;
  // the message schedule is extended as the rounds reach it.
  for (let i = 0; i < 16; i += 8) {
    w = W[i]!;
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + K[i]! + w) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
      ((a & b) | (c & (a | b)))) | 0;
    w = W[i + 1]!;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + K[i + 1]! + w) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) +
      ((h & a) | (b & (h | a)))) | 0;
    w = W[i + 2]!;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + K[i + 2]! + w) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) +
      ((g & h) | (a & (g | h)))) | 0;
    w = W[i + 3]!;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + K[i + 3]! + w) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) +
      ((f & g) | (h & (f | g)))) | 0;
    w = W[i + 4]!;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + K[i + 4]! + w) | 0;
    h = (h + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) +
      ((e & f) | (g & (e | f)))) | 0;
    w = W[i + 5]!;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + K[i + 5]! + w) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) +
      ((d & e) | (f & (d | e)))) | 0;
    w = W[i + 6]!;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + K[i + 6]! + w) | 0;
    f = (f + t) | 0;
    b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) +
      ((c & d) | (e & (c | d)))) | 0;
    w = W[i + 7]!;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + K[i + 7]! + w) | 0;
    e = (e + t) | 0;
    a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) +
      ((b & c) | (d & (b | c)))) | 0;
  }
  for (let i = 16; i < 64; i += 8) {
    x = W[i - 15]!;
    y = W[i - 2]!;
    w =
      W[i] =
        (W[i - 16]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 7]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + K[i]! + w) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
      ((a & b) | (c & (a | b)))) | 0;
    x = W[i - 14]!;
    y = W[i - 1]!;
    w =
      W[i + 1] =
        (W[i - 15]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 6]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + K[i + 1]! + w) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) +
      ((h & a) | (b & (h | a)))) | 0;
    x = W[i - 13]!;
    y = W[i]!;
    w =
      W[i + 2] =
        (W[i - 14]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 5]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + K[i + 2]! + w) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) +
      ((g & h) | (a & (g | h)))) | 0;
    x = W[i - 12]!;
    y = W[i + 1]!;
    w =
      W[i + 3] =
        (W[i - 13]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 4]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + K[i + 3]! + w) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) +
      ((f & g) | (h & (f | g)))) | 0;
    x = W[i - 11]!;
    y = W[i + 2]!;
    w =
      W[i + 4] =
        (W[i - 12]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 3]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + K[i + 4]! + w) | 0;
    h = (h + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) +
      ((e & f) | (g & (e | f)))) | 0;
    x = W[i - 10]!;
    y = W[i + 3]!;
    w =
      W[i + 5] =
        (W[i - 11]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 2]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + K[i + 5]! + w) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) +
      ((d & e) | (f & (d | e)))) | 0;
    x = W[i - 9]!;
    y = W[i + 4]!;
    w =
      W[i + 6] =
        (W[i - 10]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 1]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + K[i + 6]! + w) | 0;
    f = (f + t) | 0;
    b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) +
      ((c & d) | (e & (c | d)))) | 0;
    x = W[i - 8]!;
    y = W[i + 5]!;
    w =
      W[i + 7] =
        (W[i - 9]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i]! +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + K[i + 7]! + w) | 0;
    e = (e + t) | 0;
    a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) +
      ((b & c) | (d & (b | c)))) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}

/**
 * Pads the `len` bytes of `buf` in place (after `prefix` bytes already
 * compressed into `s`) and compresses them; `buf` must have room for 72
 * bytes past `len`.
 */
function finish(s: Int32Array, buf: Uint8Array, len: number, prefix: number): void {
  const end = ((len + 8) >>> 6) * 64 + 64;
  buf[len] = 0x80;
  buf.fill(0, len + 1, end - 8);
  // Lengths stay far below 2^53 bits; the high word from the division.
  const bits = (prefix + len) * 8;
  const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
  buf[end - 8] = hi >>> 24;
  buf[end - 7] = hi >>> 16;
  buf[end - 6] = hi >>> 8;
  buf[end - 5] = hi;
  buf[end - 4] = lo >>> 24;
  buf[end - 3] = lo >>> 16;
  buf[end - 2] = lo >>> 8;
  buf[end - 1] = lo;
  for (let off = 0; off < end; off += 64) {
    load(buf, off);
    compress(s);
  }
}

/** The eight state words as 32 big-endian bytes. */
function bytesOf(s: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = s[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

/**
 * SHA-256 of bytes.
 *
 * @param data The bytes.
 * @returns 32 bytes.
 * @example
 * ```ts
 * import { sha256 } from "./hmac.ts";
 * sha256(new TextEncoder().encode("abc")).length; // 32
 * ```
 */
export function sha256(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(data.length + 72);
  buf.set(data);
  const s = new Int32Array(H0);
  finish(s, buf, data.length, 0);
  return bytesOf(s);
}

const encoder = new TextEncoder();

/**
 * HMAC-SHA-256 under a fixed key (RFC 2104), the key's pads hashed once.
 * A message is given whole ({@linkcode KeyedHmac.digest}) or in parts
 * joined by a zero byte ({@linkcode KeyedHmac.start},
 * {@linkcode KeyedHmac.part}, {@linkcode KeyedHmac.words}), encoded as
 * UTF-8 the way `TextEncoder` does (a lone surrogate as U+FFFD).
 *
 * @example
 * ```ts
 * import { KeyedHmac } from "./hmac.ts";
 * const mac = new KeyedHmac("a secret key of 16+");
 * mac.digest("alice@example.com").length; // 32
 * mac.start("hash");
 * mac.part("alice@example.com");
 * mac.words()[0] === new DataView(mac.digest("hash\0alice@example.com").buffer).getInt32(0); // true
 * ```
 */
export class KeyedHmac {
  readonly #inner = new Int32Array(H0);
  readonly #outer = new Int32Array(H0);
  #buffer = new Uint8Array(256);
  #len = 0;
  readonly #state = new Int32Array(8);

  /** @param key The secret key (UTF-8). */
  constructor(key: string) {
    let k: Uint8Array = encoder.encode(key);
    if (k.length > 64) k = sha256(k);
    const pad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
    load(pad, 0);
    compress(this.#inner);
    for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
    load(pad, 0);
    compress(this.#outer);
  }

  /**
   * Starts a message with its first part.
   *
   * @param text The first part.
   */
  start(text: string): void {
    this.#len = 0;
    this.#append(text);
  }

  /**
   * Adds a part to the message, after a zero byte.
   *
   * @param text The part.
   */
  part(text: string): void {
    if (this.#len + 1 > this.#buffer.length) this.#grow(1);
    this.#buffer[this.#len++] = 0;
    this.#append(text);
  }

  /**
   * The HMAC of the message started: eight big-endian words (the digest's
   * bytes 4i..4i+3 are word i), in an array overwritten by the next call.
   *
   * @returns The words.
   */
  words(): Int32Array {
    const s = this.#state;
    s.set(this.#inner);
    const len = this.#len;
    if (len <= 55) {
      // One block (most values): the words straight from the bytes, the padding written in them.
      const buf = this.#buffer;
      buf[len] = 0x80;
      buf[len + 1] = buf[len + 2] = buf[len + 3] = 0;
      const used = (len >> 2) + 1;
      for (let i = 0, j = 0; i < used; i++, j += 4) {
        W[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!;
      }
      for (let i = used; i < 15; i++) W[i] = 0;
      W[15] = (64 + len) * 8;
      compress(s);
    } else finish(s, this.#buffer, len, 64);
    // The outer hash of the 32-byte inner digest: one block, its padding fixed.
    for (let i = 0; i < 8; i++) W[i] = s[i]!;
    W[8] = 0x80000000;
    for (let i = 9; i < 15; i++) W[i] = 0;
    W[15] = (64 + 32) * 8;
    s.set(this.#outer);
    compress(s);
    return s;
  }

  /**
   * The HMAC of a text (UTF-8).
   *
   * @param message The text.
   * @returns 32 bytes.
   */
  digest(message: string): Uint8Array {
    this.start(message);
    return bytesOf(this.words());
  }

  #grow(n: number): void {
    // Room for the text and the padding (72 bytes) after it.
    const bigger = new Uint8Array(Math.max(this.#buffer.length * 2, this.#len + n + 72));
    bigger.set(this.#buffer.subarray(0, this.#len));
    this.#buffer = bigger;
  }

  /** Appends text as UTF-8, as `TextEncoder` writes it. */
  #append(s: string): void {
    const n = s.length;
    if (this.#len + n * 3 + 72 > this.#buffer.length) this.#grow(n * 3);
    const buf = this.#buffer;
    let p = this.#len;
    for (let i = 0; i < n; i++) {
      const u = s.charCodeAt(i);
      if (u < 0x80) buf[p++] = u;
      else if (u >= 0xd800 && u <= 0xdfff) {
        // A pair is one character; a lone surrogate is U+FFFD, as TextEncoder writes it.
        const cp = pairAt(s, i);
        if (cp >= 0) i++;
        p = putUtf8(buf, p, cp >= 0 ? cp : 0xfffd);
      } else p = putUtf8(buf, p, u);
    }
    this.#len = p;
  }
}
