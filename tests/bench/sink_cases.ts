/**
 * Benchmark cases of the database sinks: customers-10 generated straight
 * into SQLite (node:sqlite), PostgreSQL (COPY) and MariaDB (multi-row
 * INSERT), each into its own file, schema or database, dropped afterwards.
 * The servers come from FABRICATE_TEST_PG and FABRICATE_TEST_MYSQL.
 *
 * @module
 */
import { prepare } from "../../core/gen.ts";
import { loadPlan } from "../../plugins/sinks/load.ts";

/** The sink cases, and whether their server is configured. */
export const SINK_CASES: Record<string, () => boolean> = {
  "sink-sqlite": () => true,
  "sink-postgres": () => !!Deno.env.get("FABRICATE_TEST_PG"),
  "sink-mariadb": () => !!Deno.env.get("FABRICATE_TEST_MYSQL"),
};

async function sh(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

/**
 * Runs one sink case: loads `rows` customers and returns the bytes written
 * (the SQLite file; 0 for servers).
 *
 * @param name The case.
 * @param rows Rows of customers.
 * @param dir A scratch folder.
 * @returns Bytes.
 * @example
 * ```ts ignore
 * await sinkCase("sink-sqlite", 1_000_000, "/tmp/bench");
 * ```
 */
export async function sinkCase(name: string, rows: number, dir: string): Promise<number> {
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const plan = await prepare("customers-10", { counts: { customers: rows } });
  const options = { maxRows: Number.MAX_SAFE_INTEGER };
  try {
    if (name === "sink-sqlite") {
      const file = `${dir}/bench.db`;
      await loadPlan(plan, `sqlite:${file}`, options);
      return (await Deno.stat(file)).size;
    }
    if (name === "sink-postgres") {
      const conn = Deno.env.get("FABRICATE_TEST_PG")!;
      const p = Object.fromEntries(conn.trim().split(/\s+/).map((kv) => kv.split("=", 2)));
      const schema = `fab_bench_${suffix}`;
      try {
        await loadPlan(
          plan,
          `postgres://${p.user}@${p.host}:${p.port}/${p.dbname}?schema=${schema}`,
          options,
        );
      } finally {
        await sh("psql", [
          conn,
          "-q",
          "-c",
          `SET client_min_messages = warning; DROP SCHEMA IF EXISTS ${schema} CASCADE`,
        ]);
      }
      return 0;
    }
    const u = new URL(Deno.env.get("FABRICATE_TEST_MYSQL")!);
    const db = `fab_bench_${suffix}`;
    const client = ["-h", u.hostname, "-P", u.port || "3306", "-u", u.username || "root"];
    await sh("mariadb", [...client, "-e", `CREATE DATABASE ${db}`]);
    try {
      await loadPlan(
        plan,
        `mysql://${u.username || "root"}@${u.hostname}:${u.port}/${db}`,
        options,
      );
    } finally {
      await sh("mariadb", [...client, "-e", `DROP DATABASE IF EXISTS ${db}`]);
    }
    return 0;
  } finally {
    plan.registry.close();
  }
}
