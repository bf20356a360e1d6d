/**
 * `hash` on integer columns: a keyed permutation of the integers instead of
 * a hex digest, so a hashed integer key is still an integer of the same
 * size (it fits the column's type), equal inputs give equal outputs (foreign
 * keys join) and different inputs give different outputs (a primary key
 * stays unique: a permutation cannot collide).
 *
 * A four-round Feistel network whose round function is HMAC-SHA-256 under
 * the key, with cycle-walking to stay inside a band: 0 stays 0, 1..2³¹−1
 * map onto 1..2³¹−1 (fits a 32-bit INTEGER), 2³¹..2⁶³−1 onto 2³¹..2⁶³−1
 * (a BIGINT), and a negative value maps to minus the image of its magnitude.
 *
 * @module
 */
import { KeyedHmac } from "./hmac.ts";

const ROUNDS = 4;
const B31 = 2 ** 31;
const B31N = 1n << 31n;
const B63N = 1n << 63n;
const MASK32N = 0xffffffffn;

/**
 * A keyed permutation of the integers (as text, number or bigint; the
 * output has the input's type, a number becoming a bigint past 2⁵³).
 *
 * @param mac HMAC-SHA-256 under the secret key: of its parts (maskers.ts `hmac`), or the
 *   keyed HMAC itself (faster: nothing allocated per call).
 * @param domain Separates columns that must not map alike.
 * @returns The masker of one value.
 * @throws {Error} At mask time, for a value that is not an integer or does not fit 64 bits.
 * @example
 * ```ts
 * import { integerHash } from "./int_permute.ts";
 * import { hmac } from "./maskers.ts";
 * const h = integerHash((...parts) => hmac("k".repeat(16), ...parts), "default");
 * String(h(42)) === h("42"); // true: the same value has the same image
 * ```
 */
export function integerHash(
  mac: ((...parts: string[]) => Uint8Array) | KeyedHmac,
  domain: string,
): (v: unknown) => unknown {
  const d = `hash-int:${domain}`;
  // The first four bytes of the HMAC of (d, parts…), as one unsigned word.
  const word = mac instanceof KeyedHmac
    ? (a: string, b: string, c: string) => {
      mac.start(d);
      mac.part(a);
      mac.part(b);
      mac.part(c);
      return mac.words()[0]! >>> 0;
    }
    : (a: string, b: string, c: string) => {
      const x = mac(d, a, b, c);
      return ((x[0]! << 24) | (x[1]! << 16) | (x[2]! << 8) | x[3]!) >>> 0;
    };
  // A 16-bit half has 65,536 values: each round's HMAC of each is computed
  // once and kept (1 MiB for four rounds), so a large table costs at most
  // 262,144 HMACs instead of ~8 per row.
  const table32 = new Int32Array(ROUNDS * 65536).fill(-1);
  const round32 = (r: number, half: number) => {
    const at = r * 65536 + half;
    let f = table32[at]!;
    if (f < 0) table32[at] = f = word("32", String(r), String(half)) >>> 16;
    return f;
  };
  const round64 = (r: number, half: bigint) => BigInt(word("64", String(r), String(half)));
  // 32-bit Feistel (16-bit halves) over 0..2^31-2, cycle-walked.
  const small = (x: number): number => {
    do {
      let l = x >>> 16, r = x & 0xffff;
      for (let i = 0; i < ROUNDS; i++) {
        const next = l ^ round32(i, r);
        l = r;
        r = next;
      }
      x = ((l << 16) | r) >>> 0;
    } while (x >= B31 - 1);
    return x;
  };
  // 64-bit Feistel (32-bit halves) over 0..2^63-2^31-1, cycle-walked.
  const big = (x: bigint): bigint => {
    const n = B63N - B31N;
    do {
      let l = x >> 32n, r = x & MASK32N;
      for (let i = 0; i < ROUNDS; i++) {
        const next = l ^ round64(i, r);
        l = r;
        r = next;
      }
      x = (l << 32n) | r;
    } while (x >= n);
    return x;
  };
  const magnitude = (m: bigint): bigint => {
    if (m === 0n) return 0n;
    if (m < B31N) return BigInt(small(Number(m) - 1) + 1);
    if (m < B63N) return big(m - B31N) + B31N;
    throw new Error(`${m} does not fit a 64-bit integer`);
  };
  // The 32-bit band without BigInt: the same images, as numbers.
  const small32 = (x: number): number => (x < 0 ? -(small(-x - 1) + 1) : small(x - 1) + 1);
  return (v) => {
    if (typeof v === "number" && Number.isInteger(v) && v > -B31 && v < B31) {
      return v === 0 ? 0 : small32(v);
    }
    if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) {
      const x = Number(v.trim());
      if (x > -B31 && x < B31) return x === 0 ? "0" : String(small32(x));
    }
    let n: bigint;
    if (typeof v === "bigint") n = v;
    else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) n = BigInt(v.trim());
    else throw new Error(`${JSON.stringify(v)} is not an integer to hash as one`);
    const out = n < 0n ? -magnitude(-n) : magnitude(n);
    if (typeof v === "string") return String(out);
    if (typeof v === "number") {
      return out <= BigInt(Number.MAX_SAFE_INTEGER) && out >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(out)
        : out;
    }
    return out;
  };
}
