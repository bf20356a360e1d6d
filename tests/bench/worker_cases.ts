/**
 * Benchmark cases of `--workers` (issue 9): customers-10 to CSV with one
 * thread (everything on the main thread) and with one thread per core (the
 * main thread and a Worker per other core), through `gen` as the CLI runs
 * it. bench.ts prints the speed-up.
 *
 * @module
 */
import { gen } from "../../core/gen.ts";

/** The cases: name → worker count (0: the default, every core). */
export const WORKER_CASES: Record<string, number> = {
  "workers-1-csv": 1,
  "workers-all-csv": 0,
};

/**
 * Runs one worker case and returns the bytes written.
 *
 * @param name The case.
 * @param rows Rows of customers.
 * @param dir A scratch folder.
 * @returns Bytes of the CSV file.
 * @example
 * ```ts ignore
 * await workerCase("workers-all-csv", 1_000_000, "/tmp/bench");
 * ```
 */
export async function workerCase(name: string, rows: number, dir: string): Promise<number> {
  const workers = WORKER_CASES[name]!;
  const result = await gen("customers-10", {
    out: `${dir}/${name}`,
    formats: ["csv"],
    counts: { customers: rows },
    ...(workers > 0 ? { workers } : {}),
  });
  return result.entities[0]!.files[0]!.bytes;
}
