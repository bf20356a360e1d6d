/**
 * The one-core speed line of `deno task bench` (issue 9): fabricate's
 * single-worker CSV run against the hand-written faker loop, as a ratio of
 * rows per second of wall time and of CPU time (the second is steadier on
 * a busy shared machine). Target: at least 5×.
 *
 * @module
 */

/**
 * The figures of one bench case this line reads.
 *
 * @example
 * ```ts
 * import type { SpeedFigures } from "./speed_ratio.ts";
 * const r: SpeedFigures = { rows: 1000, ms: 10, rowsPerSec: 100_000, cpuMs: 9 };
 * ```
 */
export interface SpeedFigures {
  /** Rows produced. */
  rows: number;
  /** Wall time, ms. */
  ms: number;
  /** Rows per second of wall time. */
  rowsPerSec: number;
  /** CPU time (user + system), ms. */
  cpuMs?: number;
}

/**
 * The target ratio to the faker loop on one core.
 *
 * @example
 * ```ts
 * import { TARGET_RATIO } from "./speed_ratio.ts";
 * TARGET_RATIO; // 5
 * ```
 */
export const TARGET_RATIO = 5;

/**
 * Prints the gen-csv (one worker) vs faker-loop ratios.
 *
 * @param csv The gen-csv case.
 * @param loop The hand-written-faker-loop case.
 * @example
 * ```ts
 * import { printSpeedRatio } from "./speed_ratio.ts";
 * printSpeedRatio(
 *   { rows: 1000, ms: 10, rowsPerSec: 100_000, cpuMs: 10 },
 *   { rows: 1000, ms: 20, rowsPerSec: 50_000, cpuMs: 20 },
 * );
 * ```
 */
export function printSpeedRatio(csv: SpeedFigures, loop: SpeedFigures): void {
  const wall = csv.rowsPerSec / loop.rowsPerSec;
  const perCpu = (r: SpeedFigures) => r.rows / ((r.cpuMs ?? r.ms) / 1000);
  const cpu = perCpu(csv) / perCpu(loop);
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `\ngen-csv (1 worker) vs hand-written faker loop: ${wall.toFixed(2)}× wall time, ` +
      `${cpu.toFixed(2)}× CPU time (${fmt(perCpu(csv))} vs ${
        fmt(perCpu(loop))
      } rows per CPU-second; target ≥ ${TARGET_RATIO}×)`,
  );
}
