/**
 * Prefix sums of per-group counts, and the search that maps a row index to
 * its group: how per-parent counts and timelines find a row's parent or day
 * without generating the rows before it.
 *
 * @module
 */

/**
 * The group holding row `index`: the last group whose first row is at or
 * before it (empty groups are skipped).
 *
 * @param prefix `prefix[g]` is the first row of group `g`; length groups + 1.
 * @param index A row index.
 * @returns The group.
 * @example
 * ```ts
 * import { groupOf } from "./prefix_sums.ts";
 * const prefix = new Float64Array([0, 2, 2, 5]); // groups of 2, 0 and 3 rows
 * groupOf(prefix, 1); // 0
 * groupOf(prefix, 2); // 2
 * ```
 */
export function groupOf(prefix: Float64Array, index: number): number {
  let lo = 0, hi = prefix.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (prefix[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Prefix sums of group sizes.
 *
 * @param sizes Rows per group.
 * @returns `prefix[g]` = rows before group `g`; the last entry is the total.
 * @example
 * ```ts
 * import { prefixSums } from "./prefix_sums.ts";
 * prefixSums([2, 0, 3]); // Float64Array [0, 2, 2, 5]
 * ```
 */
export function prefixSums(sizes: ArrayLike<number>): Float64Array {
  const prefix = new Float64Array(sizes.length + 1);
  for (let g = 0; g < sizes.length; g++) prefix[g + 1] = prefix[g]! + sizes[g]!;
  return prefix;
}
