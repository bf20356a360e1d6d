/**
 * Value counts with bounded memory: exact while a column has few distinct
 * values, then the Space-Saving algorithm (Metwally et al. 2005) over a
 * fixed number of slots, whose counts are upper bounds.
 *
 * @module
 */
import { hash32 } from "./hyperloglog.ts";

/** One value and how often it occurred. */
export interface ValueCount {
  /** The value's text. */
  value: string;
  /** Occurrences (an upper bound when the list is not exact). */
  count: number;
}

/**
 * Heaviest values of a stream in at most `4 × slots` entries. Space-Saving
 * with batched eviction: when the table holds four times `slots` values,
 * all but the heaviest `slots` go, and the largest count evicted becomes the floor every
 * newcomer starts from, so a listed count is never below the true one.
 *
 * @example
 * ```ts
 * import { SpaceSaving } from "./top_values.ts";
 * const top = new SpaceSaving(2);
 * for (const v of ["a", "b", "a", "c", "a"]) top.add(v);
 * top.top(1); // [{ value: "a", count: 3 }]
 * ```
 */
export class SpaceSaving {
  // Entries in insertion order, keyed by a 32-bit hash (a collision can only add to a count,
  // which stays an upper bound), found through an open-addressing index: no allocation per value.
  readonly #capacity: number;
  readonly #keys: Int32Array;
  readonly #counts: Float64Array;
  readonly #names: (string | undefined)[];
  /** Entry + 1 per slot of the index (0: empty); linear probing from the hash's low bits. */
  readonly #index: Int32Array;
  readonly #mask: number;
  readonly #scratch: Float64Array;
  #size = 0;
  #floor = 0;

  /** @param slots Values kept after each eviction. */
  constructor(readonly slots: number) {
    this.#capacity = 4 * slots;
    const room = Math.max(this.#capacity, 1);
    this.#keys = new Int32Array(room);
    this.#counts = new Float64Array(room);
    this.#names = new Array<string | undefined>(room).fill(undefined);
    this.#scratch = new Float64Array(room);
    let size = 2;
    while (size < 2 * room) size *= 2;
    this.#index = new Int32Array(size);
    this.#mask = size - 1;
  }

  /**
   * Counts a value `n` times.
   *
   * @param value The value's text.
   * @param n How many times (default 1).
   * @param hash The value's `hash32`, when the caller has it already.
   */
  add(value: string, n = 1, hash: number = hash32(value)): void {
    const key = hash | 0;
    const index = this.#index;
    const mask = this.#mask;
    let i = key & mask;
    for (let e = index[i]!; e !== 0; e = index[i]!) {
      if (this.#keys[e - 1] === key) {
        this.#counts[e - 1]! += n;
        return;
      }
      i = (i + 1) & mask;
    }
    // It may have been counted before and evicted: at most `floor` times.
    const e = this.#size++;
    this.#keys[e] = key;
    this.#counts[e] = this.#floor + n;
    this.#names[e] = value;
    index[i] = e + 1;
    if (this.#size >= this.#capacity) this.#evict();
  }

  #evict(): void {
    const size = this.#size;
    const counts = this.#counts;
    // The slots-th largest count (the largest when there are no slots).
    const scratch = this.#scratch;
    scratch.set(counts.subarray(0, size));
    const threshold = select(scratch, size, size - Math.max(this.slots, 1));
    let above = 0;
    for (let e = 0; e < size; e++) if (counts[e]! > threshold) above++;
    // Keep counts above the threshold, and ties at it (first come first) until the slots are full.
    let room = this.slots - above;
    let kept = 0;
    for (let e = 0; e < size; e++) {
      const c = counts[e]!;
      if (c > threshold || (c === threshold && room-- > 0)) {
        this.#keys[kept] = this.#keys[e]!;
        counts[kept] = c;
        this.#names[kept] = this.#names[e];
        kept++;
      } // The largest count evicted is the newcomers' floor.
      else if (c > this.#floor) this.#floor = c;
    }
    this.#names.fill(undefined, kept, size);
    this.#size = kept;
    const index = this.#index;
    const mask = this.#mask;
    index.fill(0);
    for (let e = 0; e < kept; e++) {
      let i = this.#keys[e]! & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = e + 1;
    }
  }

  /**
   * The heaviest values.
   *
   * @param n How many.
   * @returns Values by count, highest first (ties by value).
   */
  top(n: number): ValueCount[] {
    const all: ValueCount[] = [];
    for (let e = 0; e < this.#size; e++) {
      all.push({ value: this.#names[e]!, count: this.#counts[e]! });
    }
    return all
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, n);
  }
}

/**
 * The k-th smallest of `a[0 … n)` (Hoare's selection; reorders `a`).
 *
 * @param a The numbers (no NaN).
 * @param n How many of them.
 * @param k The rank, from 0.
 * @returns The number that a sort would put at `k`.
 */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
