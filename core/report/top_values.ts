/**
 * Value counts with bounded memory: exact while a column has few distinct
 * values, then the Space-Saving algorithm (Metwally et al. 2005) over a
 * fixed number of slots, whose counts are upper bounds.
 *
 * @module
 */

/** One value and how often it occurred. */
export interface ValueCount {
  /** The value's text. */
  value: string;
  /** Occurrences (an upper bound when the list is not exact). */
  count: number;
}

/**
 * Heaviest values of a stream in `slots` entries.
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
  readonly #counts = new Map<string, number>();

  /** @param slots Values kept at once. */
  constructor(readonly slots: number) {}

  /**
   * Counts a value `n` times.
   *
   * @param value The value's text.
   * @param n How many times (default 1).
   */
  add(value: string, n = 1): void {
    const c = this.#counts.get(value);
    if (c !== undefined) {
      this.#counts.set(value, c + n);
      return;
    }
    if (this.#counts.size < this.slots) {
      this.#counts.set(value, n);
      return;
    }
    // Replace the smallest slot; its count carries over as the newcomer's possible past.
    let minKey = "";
    let min = Infinity;
    for (const [k, v] of this.#counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.#counts.delete(minKey);
    this.#counts.set(value, min + n);
  }

  /**
   * The heaviest values.
   *
   * @param n How many.
   * @returns Values by count, highest first (ties by value).
   */
  top(n: number): ValueCount[] {
    return [...this.#counts].map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, n);
  }
}
