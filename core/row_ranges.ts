/**
 * How rows are divided: an entity's rows among shards (`--shard i/n`), and
 * a default worker count that does not pay Worker start-up for small runs.
 *
 * @module
 */

/** One shard of a run: `index` of `count`, 0-based. */
export interface Shard {
  /** 0 ≤ index < count. */
  readonly index: number;
  /** How many shards the run is split into. */
  readonly count: number;
}

/**
 * The rows of one shard: `n` contiguous ranges, the first `rows % n` one row
 * longer, so shards 0…n-1 in order cover `[0, rows)` exactly once.
 *
 * @param rows The entity's row count.
 * @param shard Which shard.
 * @returns `[from, to)`.
 * @example
 * ```ts
 * import { shardRange } from "./row_ranges.ts";
 * shardRange(10, { index: 0, count: 3 }); // [0, 4]
 * shardRange(10, { index: 2, count: 3 }); // [7, 10]
 * ```
 */
export function shardRange(rows: number, shard: Shard): [number, number] {
  const base = Math.floor(rows / shard.count);
  const extra = rows % shard.count;
  const from = shard.index * base + Math.min(shard.index, extra);
  return [from, from + base + (shard.index < extra ? 1 : 0)];
}

/** Below this many rows in a run, the default is one worker (Worker start-up costs more). */
export const SMALL_RUN_ROWS = 50_000;

/**
 * The name of a shard's part file: `customers.part-0003.csv`.
 *
 * @param entity The entity (file stem).
 * @param shard The shard.
 * @param extension The format's extension.
 * @returns The file name.
 * @example
 * ```ts
 * import { partName } from "./row_ranges.ts";
 * partName("customers", { index: 3, count: 8 }, "csv"); // "customers.part-0003.csv"
 * ```
 */
export function partName(entity: string, shard: Shard, extension: string): string {
  return `${entity}.part-${String(shard.index).padStart(4, "0")}.${extension}`;
}
