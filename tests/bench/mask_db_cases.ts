/**
 * Benchmark case of masking a database: `mask-db` generates quickstart's
 * customers (a sixth of the rows) and orders (the rest) into a SQLite file,
 * untimed, then masks both tables (hashed integer keys, faker names, emails,
 * shifted dates) into another SQLite file with `fabricate mask --from --to`.
 *
 * @module
 */
import { loadInto } from "../../plugins/sinks/load.ts";
import maskCommand from "../../cli/mask_command.ts";

/** The cases. */
export const MASK_DB_CASES: string[] = ["mask-db"];

/**
 * Runs the case; returns the bytes of the masked database and the timed milliseconds.
 *
 * @param _name The case.
 * @param rows Rows masked, in both tables.
 * @param dir A scratch folder.
 * @returns Bytes written and the timed milliseconds.
 * @example
 * ```ts ignore
 * await maskDbCase("mask-db", 200_000, "/tmp/bench");
 * ```
 */
export async function maskDbCase(
  _name: string,
  rows: number,
  dir: string,
): Promise<{ bytes: number; ms: number }> {
  const customers = Math.max(1, Math.round(rows / 6));
  await loadInto("quickstart", `sqlite:${dir}/src.db`, {
    counts: { customers, orders: rows - customers, products: 200 },
  });
  await Deno.copyFile(
    new URL("../fixtures/mask_quickstart_tables.yaml", import.meta.url),
    `${dir}/mask.yaml`,
  );
  Deno.env.set("FABRICATE_MASK_KEY", "bench-key-0123456789abcdef");
  const t0 = performance.now();
  await maskCommand([
    `${dir}/mask.yaml`,
    "--from",
    `sqlite:${dir}/src.db`,
    "--to",
    `sqlite:${dir}/masked.db`,
  ]);
  return { bytes: (await Deno.stat(`${dir}/masked.db`)).size, ms: performance.now() - t0 };
}
