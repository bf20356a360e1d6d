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
  // Keyed by a 32-bit hash (small integers make a fast Map); a collision can only add to a count,
  // which stays an upper bound.
  #counts = new Map<number, number>();
  #names = new Map<number, string>();
  #floor = 0;

  /** @param slots Values kept after each eviction. */
  constructor(readonly slots: number) {}

  /**
   * Counts a value `n` times.
   *
   * @param value The value's text.
   * @param n How many times (default 1).
   * @param hash The value's `hash32`, when the caller has it already.
   */
  add(value: string, n = 1, hash: number = hash32(value)): void {
    const key = hash | 0;
    const c = this.#counts.get(key);
    if (c !== undefined) {
      this.#counts.set(key, c + n);
      return;
    }
    // It may have been counted before and evicted: at most `floor` times.
    this.#counts.set(key, this.#floor + n);
    this.#names.set(key, value);
    if (this.#counts.size >= 4 * this.slots) this.#evict();
  }

  #evict(): void {
    // The slots-th largest count, by a histogram of counts (linear, no sort).
    const byCount = new Map<number, number>();
    for (const c of this.#counts.values()) byCount.set(c, (byCount.get(c) ?? 0) + 1);
    const desc = [...byCount.keys()].sort((a, b) => b - a);
    let kept = 0;
    let threshold = 0;
    for (const c of desc) {
      kept += byCount.get(c)!;
      threshold = c;
      if (kept >= this.slots) break;
    }
    // Keep counts above the threshold, and ties at it until the slots are full.
    const counts = new Map<number, number>();
    const names = new Map<number, string>();
    let room = this.slots - (kept - byCount.get(threshold)!);
    for (const [k, c] of this.#counts) {
      if (c > threshold || (c === threshold && room-- > 0)) {
        counts.set(k, c);
        names.set(k, this.#names.get(k)!);
      } // The largest count evicted is the newcomers' floor.
      else if (c > this.#floor) this.#floor = c;
    }
    // Fresh Maps: deleting most entries one by one leaves a slow, sparse table.
    this.#counts = counts;
    this.#names = names;
  }

  /**
   * The heaviest values.
   *
   * @param n How many.
   * @returns Values by count, highest first (ties by value).
   */
  top(n: number): ValueCount[] {
    return [...this.#counts].map(([k, count]) => ({ value: this.#names.get(k)!, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, n);
  }
}
