/**
 * Counter-based randomness: every value fabricate produces is drawn from a
 * stream derived from a key and a row index (a mixing hash per draw), so
 * row *i* never depends on row *i − 1*.
 *
 * @module
 */

/** Golden-ratio constant used to decorrelate words before mixing. */
const GOLDEN = 0x9e3779b9;

/**
 * Mixes a 32-bit word (the murmur3 finaliser): every input bit affects every
 * output bit.
 *
 * @param h The word to mix.
 * @returns The mixed word, as an unsigned 32-bit integer.
 * @example Mix a word
 * ```ts
 * import { fmix32 } from "./random.ts";
 * const mixed = fmix32(1); // an unsigned 32-bit integer
 * ```
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes strings and numbers into one 32-bit key (FNV-1a over UTF-16 code
 * units, then mixed). Used to derive per-entity and per-field keys from the
 * scenario seed.
 *
 * @param parts The values to hash, in order.
 * @returns An unsigned 32-bit key.
 * @example Derive a field key
 * ```ts
 * import { hashKey } from "./random.ts";
 * const key = hashKey(42, "customers", "email");
 * key === hashKey(42, "customers", "email"); // true
 * ```
 */
export function hashKey(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === "number" ? `#${part}` : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    // A separator so ("ab","c") and ("a","bc") differ.
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * The random-stream key of retry `attempt` of a `unique` field: the kernel
 * and anything generating on its behalf (a sandboxed plugin) must agree.
 *
 * @param key The field's key.
 * @param attempt The retry number (1, 2, …).
 * @returns The key to seed that retry with.
 * @example
 * ```ts
 * import { attemptKey } from "./random.ts";
 * attemptKey(7, 1) !== attemptKey(7, 2); // true
 * ```
 */
export function attemptKey(key: number, attempt: number): number {
  return fmix32(key + Math.imul(attempt, GOLDEN));
}

/**
 * A uniform number in [0, 1) that is a pure function of a key and an index,
 * without any PRNG state. Cheap enough for per-row coin flips such as
 * `nullable`.
 *
 * @param key A 32-bit key.
 * @param index A row index (any non-negative safe integer).
 * @returns A number in [0, 1).
 * @example A per-row coin flip
 * ```ts
 * import { unitAt } from "./random.ts";
 * const isNull = unitAt(7, 123) < 0.3;
 * ```
 */
export function unitAt(key: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  let h = fmix32(key ^ fmix32(lo + GOLDEN));
  h = fmix32(h ^ Math.imul(hi + 1, GOLDEN));
  return h / 4294967296;
}

/**
 * A seedable source of uniform random numbers with the helpers generator
 * plugins need. The engine re-seeds it for every field of every row, so the
 * stream is counter-based: re-seeding derives two words from the key and
 * the row index (three integer mixes), and every draw is one mixing hash of
 * a Weyl counter (SplitMix32-style), with no generator state to warm up.
 *
 * Engine version 2 (see `ENGINE_VERSION` in core/engine.ts): changing how a
 * stream is derived or drawn changes every generated value.
 *
 * `next` is an arrow property: faker calls its randomizer's `next` detached.
 *
 * @example Draw from a row's stream
 * ```ts
 * import { Random } from "./random.ts";
 * const random = new Random();
 * random.reseed(1234, 0);
 * const a = random.int(1, 6);
 * random.reseed(1234, 0);
 * a === random.int(1, 6); // true
 * ```
 */
export class Random {
  /** The Weyl counter, advanced by the golden ratio on every draw. */
  #s = 0;
  /** A second word mixed into every draw, so two rows' counters never share a stream. */
  #t = 0;

  /**
   * Sets the state from a key and a row index.
   *
   * @param key A 32-bit key (from {@linkcode hashKey}).
   * @param index The row index.
   */
  reseed(key: number, index: number): void {
    const lo = index >>> 0;
    const hi = Math.floor(index / 4294967296) >>> 0;
    const h = fmix32(key ^ fmix32(lo + GOLDEN));
    this.#s = hi === 0 ? h : fmix32(h ^ Math.imul(hi + 1, GOLDEN));
    this.#t = fmix32(this.#s ^ key ^ 0x5bd1e995);
  }

  /**
   * The next unsigned 32-bit integer: the murmur3 finaliser of the counter.
   *
   * @returns An integer in [0, 2^32).
   */
  uint32 = (): number => {
    let h = (this.#s = (this.#s + GOLDEN) | 0) ^ this.#t;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };

  /**
   * The next uniform number in [0, 1), with 32 bits of resolution.
   *
   * @returns A number in [0, 1).
   */
  next = (): number => this.uint32() / 4294967296;

  /**
   * A uniform integer between `min` and `max`, both inclusive.
   *
   * @param min The smallest value.
   * @param max The largest value.
   * @returns An integer in [min, max].
   */
  int(min: number, max: number): number {
    const n = max - min + 1;
    // Up to 2^21 values one 32-bit draw is uniform to within 0.05%; wider
    // ranges take 53 bits.
    return min + Math.floor((n <= 0x200000 ? this.uint32() / 4294967296 : this.double()) * n);
  }

  /**
   * A uniform number in [0, 1) with 53 bits of resolution, for wide ranges.
   *
   * @returns A number in [0, 1).
   */
  double(): number {
    return (this.uint32() * 2097152 + (this.uint32() >>> 11)) /
      9007199254740992;
  }

  /**
   * A uniform number in [min, max).
   *
   * @param min The lower bound.
   * @param max The upper bound (exclusive).
   * @returns A number in [min, max).
   */
  float(min: number, max: number): number {
    return min + this.double() * (max - min);
  }

  /**
   * `true` with probability `p`.
   *
   * @param p A probability in [0, 1].
   * @returns Whether the event happened.
   */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * One element of a non-empty array, uniformly.
   *
   * @param values The values to pick from.
   * @returns One of them.
   */
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }

  /**
   * A standard normal draw (Box–Muller), scaled.
   *
   * @param mean The mean.
   * @param sd The standard deviation.
   * @returns A normally distributed number.
   */
  normal(mean = 0, sd = 1): number {
    let u = this.double();
    while (u === 0) u = this.double();
    const v = this.double();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
