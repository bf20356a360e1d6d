/**
 * Every built-in scenario, anomalies on, loads into real databases with its
 * own DDL and every constraint on: SQLite (sqlite3 shell, `PRAGMA
 * foreign_keys = ON`), PostgreSQL (psql) and MariaDB (mariadb client). Each
 * is generated through the CLI with `--dialect`, loaded with zero errors,
 * and every table holds as many rows as the manifest says.
 *
 * Servers come from `FABRICATE_TEST_PG` and `FABRICATE_TEST_MYSQL` (skipped
 * when unset, failing in CI); each run uses its own schema/database.
 */
import assert from "node:assert/strict";
import { generate, needsEnv, needsProgram, run } from "../formatters/_roundtrip.ts";
import { mariadbArgs } from "../_helpers/mariadb.ts";

const INDEX = new URL("../../scenarios/index.json", import.meta.url);
const SCENARIOS: string[] = JSON.parse(await Deno.readTextFile(INDEX)).scenarios;
/** Small enough for 2 cores, large enough that every anomaly kind shows up. */
const ARGS = ["--multiplier", "0.2", "--layout", "single"];

const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");
const pg = needsEnv("FABRICATE_TEST_PG", "a libpq connection string to a PostgreSQL server");
const psql = await needsProgram("psql", "Debian package postgresql-client");
const my = needsEnv("FABRICATE_TEST_MYSQL", "mysql://user[:password]@host[:port] of MariaDB");
const mariadb = await needsProgram("mariadb", "Debian package mariadb-client");

interface Output {
  /** The SQL script. */
  sql: string;
  /** Rows per table, from the manifest. */
  counts: Map<string, number>;
}

async function output(scenario: string, dialect: string, extra: string[] = []): Promise<Output> {
  const dir = await generate(scenario, ["--dialect", dialect, ...ARGS, ...extra]);
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  const counts = new Map<string, number>();
  const entities = manifest.entities as Record<string, { rows: number }>;
  for (const [name, e] of Object.entries(entities)) counts.set(name, e.rows);
  const file = [...Deno.readDirSync(dir)].find((f) => f.name.endsWith(".sql"))!;
  return { sql: await Deno.readTextFile(`${dir}/${file.name}`), counts };
}

function freshName(): string {
  return `fabricate_load_${crypto.randomUUID().slice(0, 8)}`;
}

/** Tables the script creates (entities without columns have none). */
function tablesOf(o: Output): [string, number][] {
  return [...o.counts].filter(([name]) =>
    o.sql.includes(`CREATE TABLE "${name}"`) || o.sql.includes(`CREATE TABLE \`${name}\``) ||
    o.sql.includes(`."${name}" (`) || o.sql.includes(`.\`${name}\` (`)
  );
}

/**
 * Rows that only anomalies produce (a null where the column is otherwise
 * always set), to show the loads include anomalous rows.
 */
const ANOMALOUS: Record<string, string> = {
  "erp/normal-ops": `SELECT count(*) FROM "orders" WHERE "sales_rep_id" IS NULL`,
  "erp/anomaly-heavy": `SELECT count(*) FROM "order_status_history" WHERE "changed_by" IS NULL`,
  "user-profile/negative": `SELECT count(*) FROM "user_profiles" WHERE "last_name" IS NULL`,
};

for (const scenario of SCENARIOS) {
  Deno.test({
    name: `db load: ${scenario} into SQLite`,
    ignore: sqlite.ignore,
    async fn() {
      sqlite.value();
      const o = await output(scenario, "sqlite");
      const dir = await Deno.makeTempDir({ prefix: "fabricate-load-" });
      const db = `${dir}/t.db`;
      await run("sqlite3", ["-bail", db], { stdin: "PRAGMA foreign_keys = ON;\n" + o.sql });
      const tables = tablesOf(o);
      assert.ok(tables.length > 0);
      const q = tables.map(([t]) => `SELECT '${t}', count(*) FROM "${t}"`).join(" UNION ALL ");
      const got = await run("sqlite3", ["-separator", "=", db, q + ";"]);
      assert.deepEqual(parseCounts(got), new Map(tables));
      const fk = await run("sqlite3", [db, "PRAGMA foreign_key_check;"]);
      assert.equal(fk.trim(), "", "foreign_key_check");
      if (ANOMALOUS[scenario]) {
        const n = Number(await run("sqlite3", [db, ANOMALOUS[scenario] + ";"]));
        assert.ok(n > 0, `anomalous rows loaded: ${ANOMALOUS[scenario]}`);
      }
      await Deno.remove(dir, { recursive: true });
    },
  });

  Deno.test({
    name: `db load: ${scenario} into PostgreSQL`,
    ignore: pg.ignore || psql.ignore,
    async fn() {
      psql.value();
      const schema = freshName();
      const o = await output(scenario, "postgres", ["--seed", "7"]);
      const psqlArgs = [pg.value(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"];
      try {
        const script = `CREATE SCHEMA "${schema}"; SET search_path TO "${schema}";\n` + o.sql;
        await run("psql", psqlArgs, { stdin: script });
        const tables = tablesOf(o);
        const q = tables.map(([t]) => `SELECT '${t}' || '=' || count(*) FROM "${schema}"."${t}"`)
          .join(" UNION ALL ");
        const got = await run("psql", [...psqlArgs, "-c", q]);
        assert.deepEqual(parseCounts(got), new Map(tables));
      } finally {
        await run("psql", [...psqlArgs, "-c", `DROP SCHEMA IF EXISTS "${schema}" CASCADE`]);
      }
    },
  });

  Deno.test({
    name: `db load: ${scenario} into MariaDB`,
    ignore: my.ignore || mariadb.ignore,
    async fn() {
      mariadb.value();
      const { args: conn, env } = mariadbArgs(my.value());
      const args = [...conn, "--batch", "--raw", "--skip-column-names"];
      const db = freshName();
      const o = await output(scenario, "mysql", ["--seed", "11"]);
      try {
        await run("mariadb", args, {
          stdin: `CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4; USE \`${db}\`;\n` + o.sql,
          env,
        });
        const tables = tablesOf(o);
        const q = tables.map(([t]) => `SELECT CONCAT('${t}=', count(*)) FROM \`${db}\`.\`${t}\``)
          .join(" UNION ALL ");
        const got = await run("mariadb", [...args, "-e", q], { env });
        assert.deepEqual(parseCounts(got), new Map(tables));
      } finally {
        await run("mariadb", [...args, "-e", `DROP DATABASE IF EXISTS \`${db}\``], { env });
      }
    },
  });
}

function parseCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = line.match(/^(.+)=(\d+)$/);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}
