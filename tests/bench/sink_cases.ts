/**
 * Benchmark cases of the database sinks on customers-10, each into its own
 * file, schema or database, dropped afterwards. The servers come from
 * FABRICATE_TEST_PG and FABRICATE_TEST_MYSQL.
 *
 * - `sink-sqlite`, `sink-postgres`, `sink-mariadb`: end to end, what
 *   `fabricate gen customers-10 --to …` does (generation included).
 * - `sink-…-writes`: writes only. A pool of rows is generated first
 *   (untimed) and replayed with fresh ids until `rows` rows are written; the
 *   clock runs from BEGIN to COMMIT (CREATE TABLE, the writer, the keys put
 *   back after the rows where the sink does that, COMMIT).
 *
 * @module
 */
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import { World } from "../../core/engine.ts";
import { prepare } from "../../core/gen.ts";
import type { Batch } from "../../core/types.ts";
import { tableName } from "../../plugins/_shared/sql_ddl.ts";
import { loadPlan, planLoad } from "../../plugins/sinks/load.ts";
import { openSink } from "../../plugins/sinks/open.ts";

/** The sink cases, and whether their server is configured. */
export const SINK_CASES: Record<string, () => boolean> = {
  "sink-sqlite-writes": () => true,
  "sink-postgres-writes": () => !!Deno.env.get("FABRICATE_TEST_PG"),
  "sink-mariadb-writes": () => !!Deno.env.get("FABRICATE_TEST_MYSQL"),
  "sink-sqlite": () => true,
  "sink-postgres": () => !!Deno.env.get("FABRICATE_TEST_PG"),
  "sink-mariadb": () => !!Deno.env.get("FABRICATE_TEST_MYSQL"),
};

/** Rows generated once and replayed by the writes-only cases. */
const POOL = 100_000;

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
 * @param startClock Called when the timed part starts (writes-only cases
 *   generate their rows before).
 * @returns Bytes.
 * @example
 * ```ts ignore
 * await sinkCase("sink-sqlite", 1_000_000, "/tmp/bench", () => {});
 * ```
 */
export async function sinkCase(
  name: string,
  rows: number,
  dir: string,
  startClock: () => void,
): Promise<number> {
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const writesOnly = name.endsWith("-writes");
  const plan = await prepare("customers-10", {
    counts: { customers: writesOnly ? Math.min(rows, POOL) : rows },
  });
  const load = writesOnly
    ? (url: string) => writeOnly(plan, url, rows, startClock)
    : (url: string) => loadPlan(plan, url, { maxRows: Number.MAX_SAFE_INTEGER });
  try {
    if (name.startsWith("sink-sqlite")) {
      const file = `${dir}/bench.db`;
      await load(`sqlite:${file}`);
      return (await Deno.stat(file)).size;
    }
    if (name.startsWith("sink-postgres")) {
      const conn = Deno.env.get("FABRICATE_TEST_PG")!;
      const p = Object.fromEntries(conn.trim().split(/\s+/).map((kv) => kv.split("=", 2)));
      const schema = `fab_bench_${suffix}`;
      try {
        await load(`postgres://${p.user}@${p.host}:${p.port}/${p.dbname}?schema=${schema}`);
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
      await load(`mysql://${u.username || "root"}@${u.hostname}:${u.port}/${db}`);
    } finally {
      await sh("mariadb", [...client, "-e", `DROP DATABASE IF EXISTS ${db}`]);
    }
    return 0;
  } finally {
    plan.registry.close();
  }
}

/**
 * Writes `rows` customers through a sink's writer, from rows generated
 * beforehand: the pool's batches again and again, each time with new ids.
 */
async function writeOnly(
  plan: Awaited<ReturnType<typeof prepare>>,
  url: string,
  rows: number,
  startClock: () => void,
): Promise<void> {
  const entity = plan.byName.get("customers")!;
  const pool: Batch[] = [];
  for await (const { out } of entityBatches(new World(plan).engine("customers"), plan.batchSize)) {
    pool.push(out);
  }
  const idColumn = pool[0]!.fields.indexOf("id");
  const batches: Batch[] = [];
  for (let start = 0; start < rows;) {
    for (const b of pool) {
      if (start >= rows) break;
      const length = Math.min(b.length, rows - start);
      const columns = b.columns.map((c, i) =>
        i === idColumn ? Array.from({ length }, (_, r) => start + r + 1) : c.slice(0, length)
      );
      batches.push({ ...b, start, length, columns });
      start += length;
    }
  }
  const target = planLoad(plan, url, { maxRows: Number.MAX_SAFE_INTEGER });
  const sink = await openSink(target.target);
  try {
    startClock();
    if (sink.transactionalDdl) await sink.begin();
    await sink.ensureSchema();
    await sink.exec(target.tables[0]!.ddl);
    if (!sink.transactionalDdl) await sink.begin();
    const table = tableName("customers", {
      dialect: sink.dialect,
      ...(sink.schema ? { schema: sink.schema } : {}),
    });
    // As load.ts does: keys off, rows in, keys back on.
    const keys = sink.transactionalDdl ? await sink.detachKeys?.([table]) ?? [] : [];
    const writer = await sink.writer(entitySchemaOf(plan, entity), table, sink.transactionalDdl);
    for (const b of batches) await writer.write(b);
    await writer.end();
    for (const k of keys) await sink.exec(k.sql);
    await sink.commit();
  } finally {
    await sink.close();
  }
}
