/**
 * Seeded permutations of `[0, n)` in O(1) memory: a balanced Feistel
 * network over the smallest power of four ≥ n, with cycle walking to stay
 * inside the range. Used to shuffle which parent rows a foreign key picks
 * without ever holding a table of n entries.
 *
 * @module
 */
import { fmix32 } from "../../core/random.ts";

const ROUNDS = 4;
const GOLDEN = 0x9e3779b9;

/**
 * A bijection of `[0, n)` chosen by a 32-bit key (and, optionally, a tweak
 * per call that selects another bijection from the same family).
 *
 * @example Shuffle ten row indexes
 * ```ts
 * import { Permutation } from "./permutation.ts";
 * const p = new Permutation(10, 1234);
 * const order = Array.from({ length: 10 }, (_, i) => p.at(i)); // 0..9, shuffled
 * ```
 */
export class Permutation {
  readonly #n: number;
  readonly #size: number;
  readonly #mask: number;
  readonly #keys: Uint32Array;
  readonly #tweaked = new Uint32Array(ROUNDS);

  /**
   * @param n The size of the range (≥ 1, at most 2^52).
   * @param key The 32-bit key that picks the permutation.
   */
  constructor(n: number, key: number) {
    if (!(n >= 1 && n <= 2 ** 52 && Number.isInteger(n))) {
      throw new RangeError(`A permutation needs 1 ≤ n ≤ 2^52 (got ${n})`);
    }
    let half = 1;
    while (4 ** half < n) half++;
    this.#n = n;
    this.#size = 2 ** half;
    this.#mask = this.#size - 1;
    this.#keys = new Uint32Array(ROUNDS);
    for (let r = 0; r < ROUNDS; r++) this.#keys[r] = fmix32(key + Math.imul(r + 1, GOLDEN));
  }

  /**
   * The image of `x`.
   *
   * @param x An integer in `[0, n)`.
   * @param tweak Selects another permutation of the family (default 0).
   * @returns An integer in `[0, n)`; distinct `x` give distinct results.
   */
  at(x: number, tweak = 0): number {
    const n = this.#n;
    if (n === 1) return 0;
    let keys = this.#keys;
    if (tweak !== 0) {
      keys = this.#tweaked;
      const t = fmix32(tweak >>> 0) ^ Math.floor(tweak / 4294967296);
      for (let r = 0; r < ROUNDS; r++) keys[r] = fmix32(this.#keys[r]! ^ t);
    }
    // Cycle walking: the network permutes [0, size²) ⊇ [0, n); applying it
    // again until the value falls in [0, n) restricts it to a permutation of
    // [0, n). size² < 4n, so fewer than four rounds are expected.
    let y = x;
    do y = this.#encrypt(y, keys); while (y >= n);
    return y;
  }

  #encrypt(x: number, keys: Uint32Array): number {
    const size = this.#size, mask = this.#mask;
    let l = Math.floor(x / size), r = x - l * size;
    for (let k = 0; k < ROUNDS; k++) {
      const next = (l ^ (fmix32(r ^ keys[k]!) & mask)) >>> 0;
      l = r;
      r = next;
    }
    return l * size + r;
  }
}
