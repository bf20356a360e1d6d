/**
 * HMAC-SHA-256 under one fixed key, in plain JavaScript with the key's
 * inner and outer pads hashed once: masking hashes several short values
 * per row, and a call into `node:crypto` costs ~30 µs each, this ~1 µs.
 * Checked against `node:crypto` in tests/cli/mask_hmac_test.ts.
 *
 * @module
 */

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

const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes at `off` into `h`. */
function compress(h: Int32Array, bytes: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!, b = W[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** Hashes `len` bytes of `data` after `prefix` bytes already compressed into `h`. */
function finish(
  h: Int32Array,
  data: Uint8Array,
  len: number,
  prefix: number,
  out: Uint8Array,
): void {
  let off = 0;
  for (; off + 64 <= len; off += 64) compress(h, data, off);
  const rest = len - off;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(off, len));
  tail[rest] = 0x80;
  const bits = (prefix + len) * 8;
  const end = tail.length;
  // Lengths stay far below 2^53 bits; write the high word from the division.
  const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
  tail[end - 8] = hi >>> 24;
  tail[end - 7] = hi >>> 16;
  tail[end - 6] = hi >>> 8;
  tail[end - 5] = hi;
  tail[end - 4] = lo >>> 24;
  tail[end - 3] = lo >>> 16;
  tail[end - 2] = lo >>> 8;
  tail[end - 1] = lo;
  compress(h, tail, 0);
  if (end === 128) compress(h, tail, 64);
  for (let i = 0; i < 8; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
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
  const out = new Uint8Array(32);
  finish(new Int32Array(H0), data, data.length, 0, out);
  return out;
}

const encoder = new TextEncoder();

/**
 * HMAC-SHA-256 under a fixed key (RFC 2104), the key's pads hashed once.
 *
 * @example
 * ```ts
 * import { KeyedHmac } from "./hmac.ts";
 * new KeyedHmac("a secret key of 16+").digest("alice@example.com").length; // 32
 * ```
 */
export class KeyedHmac {
  readonly #inner = new Int32Array(H0);
  readonly #outer = new Int32Array(H0);
  #buffer = new Uint8Array(256);
  readonly #h = new Int32Array(8);
  readonly #mid = new Uint8Array(32);

  /** @param key The secret key (UTF-8). */
  constructor(key: string) {
    let k: Uint8Array = encoder.encode(key);
    if (k.length > 64) k = sha256(k);
    const pad = new Uint8Array(64);
    for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
    compress(this.#inner, pad, 0);
    for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
    compress(this.#outer, pad, 0);
  }

  /**
   * The HMAC of a text (UTF-8).
   *
   * @param message The text.
   * @returns 32 bytes.
   */
  digest(message: string): Uint8Array {
    if (message.length * 3 > this.#buffer.length) this.#buffer = new Uint8Array(message.length * 3);
    const len = encoder.encodeInto(message, this.#buffer).written;
    const h = this.#h;
    h.set(this.#inner);
    finish(h, this.#buffer, len, 64, this.#mid);
    h.set(this.#outer);
    const out = new Uint8Array(32);
    finish(h, this.#mid, 32, 64, out);
    return out;
  }
}
