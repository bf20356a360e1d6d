/**
 * `fabricate init --from-ddl`: a Chinook-style schema (10 tables, a composite
 * key join table, a self-referencing employee tree, invoices and lines, CHECK,
 * VARCHAR(n), NUMERIC) -> scenario -> data -> loaded into fresh PostgreSQL and
 * SQLite databases created with the ORIGINAL DDL, every constraint on.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { generate, needsEnv, needsProgram, run } from "../formatters/_roundtrip.ts";
import { chooseGenerator } from "../../cli/init/choose_generator.ts";
import type { Column } from "../../cli/init/parse_ddl.ts";
import { mariadbArgs } from "../_helpers/mariadb.ts";

const DDL = new URL("../fixtures/init/chinook.sql", import.meta.url).pathname;
const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");
const pg = needsEnv("FABRICATE_TEST_PG", "a libpq connection string to a PostgreSQL server");
const psql = await needsProgram("psql", "Debian package postgresql-client");
const my = needsEnv(
  "FABRICATE_TEST_MYSQL",
  "mysql://user[:password]@host[:port] of a MariaDB or MySQL server",
);
const mariadb = await needsProgram("mariadb", "Debian package mariadb-client");

/** Runs the mariadb client against FABRICATE_TEST_MYSQL (it stops at the first error). */
async function mariadbRun(extra: string[], stdin?: string): Promise<string> {
  const { args: conn, env } = mariadbArgs(my.value());
  const args = [...conn, "--batch", "--skip-column-names"];
  return await run("mariadb", [...args, ...extra], {
    ...(stdin !== undefined ? { stdin } : {}),
    env,
  });
}

async function scenarioFor(dialect: string): Promise<{ file: string; yaml: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-init-" });
  const file = `${dir}/chinook.yaml`;
  const r = await runCli(["init", "--from-ddl", DDL, "--dialect", dialect, "-o", file]);
  assert.equal(r.code, 0, r.stderr);
  return { file, yaml: await Deno.readTextFile(file) };
}

async function sqlOf(file: string, dialect: string): Promise<string> {
  const dir = await generate(file, ["--dialect", dialect, "--layout", "single", "--seed", "3"]);
  const f = [...Deno.readDirSync(dir)].find((x) => x.name.endsWith(".sql"))!;
  return await Deno.readTextFile(`${dir}/${f.name}`);
}

Deno.test("init: the scenario keeps keys, refs, lengths, checks", async () => {
  const { yaml } = await scenarioFor("postgres");
  assert.match(yaml, /primary_key:\n\s+- playlist_id\n\s+- track_id/);
  assert.match(yaml, /distinct: per_parent/);
  assert.match(yaml, /to: employee.employee_id\n\s+tree:/);
  assert.match(yaml, /values:\n\s+- draft\n\s+- paid\n\s+- void/);
  assert.match(yaml, /truncate: 20/);
  assert.ok(yaml.indexOf("  artist:") < yaml.indexOf("  album:"), "parents first");
});

Deno.test({
  name: "init: round trip into PostgreSQL with the original DDL",
  ignore: pg.ignore || psql.ignore,
  async fn() {
    psql.value();
    const { file } = await scenarioFor("postgres");
    const sql = await sqlOf(file, "postgres");
    const schema = `fabricate_init_${crypto.randomUUID().slice(0, 8)}`;
    const args = [pg.value(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"];
    const ddl = await Deno.readTextFile(DDL);
    try {
      await run("psql", args, {
        stdin: `CREATE SCHEMA "${schema}"; SET search_path TO "${schema}";\n${ddl}\n${sql}`,
      });
      const n = await run("psql", [
        ...args,
        "-c",
        `SELECT count(*) FROM "${schema}".playlist_track`,
      ]);
      assert.ok(Number(n) > 0);
      const e = await run("psql", [
        ...args,
        "-c",
        `SELECT count(*) FROM "${schema}".employee WHERE reports_to IS NOT NULL`,
      ]);
      assert.ok(Number(e) > 0);
    } finally {
      await run("psql", [...args, "-c", `DROP SCHEMA IF EXISTS "${schema}" CASCADE`]);
    }
  },
});

Deno.test({
  name: "init: round trip into SQLite (foreign_keys=ON) with the original DDL",
  ignore: sqlite.ignore,
  async fn() {
    sqlite.value();
    const { file } = await scenarioFor("sqlite");
    const sql = await sqlOf(file, "sqlite");
    const dir = await Deno.makeTempDir({ prefix: "fabricate-init-db-" });
    const ddl = await Deno.readTextFile(DDL);
    await run("sqlite3", ["-bail", `${dir}/t.db`], {
      stdin: `PRAGMA foreign_keys = ON;\n${ddl}\n${sql}`,
    });
    assert.equal((await run("sqlite3", [`${dir}/t.db`, "PRAGMA foreign_key_check;"])).trim(), "");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("init: unparseable DDL exits 2 with line:column", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bad.sql`, "CREATE TABLE a (id int);\nCREATE TABLE (x int);\n");
  const r = await runCli(["init", "--from-ddl", `${dir}/bad.sql`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.sql:2:14/);
});

const col = (name: string, type: string, args: number[] = [], checks: Column["checks"] = []) => ({
  name,
  type,
  args,
  notNull: true,
  checks,
});

Deno.test("init: name and type heuristics", () => {
  assert.equal(chooseGenerator(col("email", "varchar", [60])).faker, "internet.email");
  assert.deepEqual(chooseGenerator(col("email", "varchar", [60])).validate, {
    length: { max: 60 },
  });
  assert.equal(chooseGenerator(col("first_name", "text")).faker, "person.firstName");
  assert.ok(chooseGenerator(col("phone", "varchar", [24])).pattern);
  assert.deepEqual(chooseGenerator(col("price", "numeric", [10, 2])).number, {
    min: 0,
    max: 500,
    decimals: 2,
  });
  assert.deepEqual(
    chooseGenerator(col("status", "text", [], [{ kind: "in", values: ["a", "b"] }])).choice,
    { values: ["a", "b"] },
  );
  assert.deepEqual(
    chooseGenerator(col("qty", "integer", [], [{ kind: "range", min: 1, max: 3 }])).integer,
    { min: 1, max: 3 },
  );
  assert.ok(chooseGenerator(col("created_at", "timestamp")).datetime);
  assert.ok(chooseGenerator(col("shipped_at", "datetime")).datetime, "SQLite's DATETIME");
  assert.deepEqual(chooseGenerator(col("level", "tinyint")).integer, { min: 1, max: 127 });
  assert.ok(chooseGenerator(col("doc", "jsonb")).pattern);
  assert.ok(chooseGenerator(col("opens", "time")).pattern);
  assert.deepEqual(chooseGenerator(col("cc", "char", [2])), {
    pattern: "[A-Z]{2}",
    validate: { length: { max: 2 } },
  });
});

/** A postgres:// URL from the libpq key=value string of FABRICATE_TEST_PG. */
function pgUrl(conninfo: string, schema: string): string {
  const kv = Object.fromEntries(conninfo.trim().split(/\s+/).map((p) => p.split("=", 2)));
  const auth = kv.user ? `${encodeURIComponent(kv.user)}@` : "";
  return `postgres://${auth}${kv.host ?? "127.0.0.1"}:${kv.port ?? 5432}/${
    kv.dbname ?? "postgres"
  }?schema=${schema}`;
}

Deno.test({
  name: "init --from-db: catalog -> scenario -> data -> second schema with the original DDL",
  ignore: pg.ignore || psql.ignore,
  async fn() {
    psql.value();
    const id = crypto.randomUUID().slice(0, 8);
    const [source, target] = [`fabricate_init_src_${id}`, `fabricate_init_dst_${id}`];
    const args = [pg.value(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"];
    const ddl = await Deno.readTextFile(DDL);
    try {
      await run("psql", args, {
        stdin: `CREATE SCHEMA "${source}"; SET search_path TO "${source}";\n${ddl}`,
      });
      const dir = await Deno.makeTempDir({ prefix: "fabricate-init-" });
      const file = `${dir}/db.yaml`;
      const r = await runCli(["init", "--from-db", pgUrl(pg.value(), source), "-o", file]);
      assert.equal(r.code, 0, r.stderr);
      const yaml = await Deno.readTextFile(file);
      assert.doesNotMatch(yaml, /WARNING/);
      assert.match(yaml, /values:\n\s+- draft/);
      const sql = await sqlOf(file, "postgres");
      await run("psql", args, {
        stdin: `CREATE SCHEMA "${target}"; SET search_path TO "${target}";\n${ddl}\n${sql}`,
      });
    } finally {
      await run("psql", [
        ...args,
        "-c",
        `DROP SCHEMA IF EXISTS "${source}" CASCADE; DROP SCHEMA IF EXISTS "${target}" CASCADE`,
      ]);
    }
  },
});

Deno.test({
  name: "init --from-db sqlite: PRAGMAs -> scenario -> data -> second file with the original DDL",
  ignore: sqlite.ignore,
  async fn() {
    sqlite.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-init-sqlite-" });
    const ddl = await Deno.readTextFile(DDL);
    await run("sqlite3", ["-bail", `${dir}/source.db`], { stdin: ddl });
    const r = await runCli([
      "init",
      "--from-db",
      `sqlite:${dir}/source.db`,
      "--dialect",
      "sqlite",
      "-o",
      `${dir}/db.yaml`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const yaml = await Deno.readTextFile(`${dir}/db.yaml`);
    assert.doesNotMatch(yaml, /WARNING/);
    // The same scenario as from the DDL itself, but for its name.
    const fromDdl = (await scenarioFor("sqlite")).yaml;
    assert.equal(yaml.replace(/^name: .*$/m, ""), fromDdl.replace(/^name: .*$/m, ""));
    // --dialect sqlite reads the DDL with SQLite; the PostgreSQL parser reads it the same.
    const fromPg = (await scenarioFor("postgres")).yaml.replace(
      "dialect: postgres",
      "dialect: sqlite",
    );
    assert.equal(yaml.replace(/^name: .*$/m, ""), fromPg.replace(/^name: .*$/m, ""));
    const sql = await sqlOf(`${dir}/db.yaml`, "sqlite");
    await run("sqlite3", ["-bail", `${dir}/target.db`], {
      stdin: `PRAGMA foreign_keys = ON;\n${ddl}\n${sql}`,
    });
    assert.equal(
      (await run("sqlite3", [`${dir}/target.db`, "PRAGMA foreign_key_check;"])).trim(),
      "",
    );
    assert.ok(
      Number(await run("sqlite3", [`${dir}/target.db`, "SELECT count(*) FROM invoice_line"])) > 0,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "init --from-db sqlite: unique indexes, implicit FK targets, SQLite-only CHECKs warn",
  ignore: sqlite.ignore,
  async fn() {
    sqlite.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-init-sqlite-" });
    await run("sqlite3", ["-bail", `${dir}/s.db`], {
      stdin: `CREATE TABLE shop (id INTEGER PRIMARY KEY, code TEXT NOT NULL);
CREATE UNIQUE INDEX shop_code ON shop (code);
CREATE TABLE item (
  id INTEGER PRIMARY KEY,
  shop INTEGER NOT NULL REFERENCES shop,
  sku TEXT NOT NULL CHECK (sku GLOB '[A-Z]*'),
  qty INT CHECK (qty BETWEEN 1 AND 9),
  weird UNSIGNED BIG INT
);`,
    });
    const r = await runCli(["init", "--from-db", `sqlite:${dir}/s.db`, "--dialect", "sqlite"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^name: s$/m);
    assert.match(r.stdout, /code:\n\s+pattern: .*\n\s+unique: true/);
    assert.match(r.stdout, /ref: shop.id/);
    assert.match(r.stdout, /WARNING: item: CHECK \(sku GLOB '\[A-Z\]\*'\) not understood/);
    assert.match(r.stdout, /qty:\n\s+integer:\n\s+min: 1\n\s+max: 9/);
    const missing = await runCli(["init", "--from-db", `sqlite:${dir}/nope.db`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.db/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "init: round trip into MariaDB (strict, foreign keys and CHECKs on) with the original DDL",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const { file } = await scenarioFor("mysql");
    const sql = await sqlOf(file, "mysql");
    const db = `fabricate_init_${crypto.randomUUID().slice(0, 8)}`;
    // The fixture is the portable subset: MariaDB reads the PostgreSQL DDL as is.
    const ddl = await Deno.readTextFile(DDL);
    try {
      await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
      await mariadbRun(
        [db],
        `SET SESSION sql_mode = 'STRICT_ALL_TABLES';
SET SESSION foreign_key_checks = 1;
${ddl}
${sql}`,
      );
      const info = (table: string) =>
        mariadbRun([
          "-e",
          `SELECT count(*) FROM information_schema.${table}
          WHERE CONSTRAINT_SCHEMA = '${db}'`,
        ]);
      assert.equal(Number(await info("REFERENTIAL_CONSTRAINTS")), 10, "every FK enforced");
      assert.equal(Number(await info("CHECK_CONSTRAINTS")), 5, "every CHECK enforced");
      const n = await mariadbRun([db, "-e", "SELECT count(*) FROM invoice_line"]);
      assert.ok(Number(n) > 0);
      const e = await mariadbRun([
        db,
        "-e",
        "SELECT count(*) FROM employee WHERE reports_to IS NOT NULL",
      ]);
      assert.ok(Number(e) > 0);
    } finally {
      await mariadbRun(["-e", `DROP DATABASE IF EXISTS \`${db}\``]);
    }
  },
});

/** Entity blocks of a scenario, sorted (the order of siblings may differ). */
const blocks = (yaml: string) =>
  yaml.slice(yaml.indexOf("entities:"), yaml.indexOf("\noutput:")).split(/\n(?= {2}\w)/).sort();

Deno.test({
  name: "init --from-db mysql: information_schema -> scenario -> data -> second database",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const id = crypto.randomUUID().slice(0, 8);
    const [source, target] = [`fabricate_init_src_${id}`, `fabricate_init_dst_${id}`];
    const ddl = await Deno.readTextFile(DDL);
    try {
      for (const db of [source, target]) {
        await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
        await mariadbRun([db], ddl);
      }
      const url = new URL(my.value());
      url.pathname = `/${source}`;
      const dir = await Deno.makeTempDir({ prefix: "fabricate-init-" });
      const file = `${dir}/db.yaml`;
      const r = await runCli(["init", "--from-db", url.href, "--dialect", "mysql", "-o", file]);
      assert.equal(r.code, 0, r.stderr);
      const yaml = await Deno.readTextFile(file);
      assert.match(yaml, new RegExp(`^name: ${source}$`, "m"));
      assert.doesNotMatch(yaml, /WARNING/);
      // The same entities as from the DDL itself (MariaDB lists tables by name).
      assert.deepEqual(blocks(yaml), blocks((await scenarioFor("mysql")).yaml));
      // The MySQL reader and the PostgreSQL parser agree on the portable DDL.
      assert.deepEqual(blocks(yaml), blocks((await scenarioFor("postgres")).yaml));
      const sql = await sqlOf(file, "mysql");
      await mariadbRun([target], `SET SESSION sql_mode = 'STRICT_ALL_TABLES';\n${sql}`);
      const n = await mariadbRun([target, "-e", "SELECT count(*) FROM invoice_line"]);
      assert.ok(Number(n) > 0);
    } finally {
      await mariadbRun([
        "-e",
        `DROP DATABASE IF EXISTS \`${source}\`; DROP DATABASE IF EXISTS \`${target}\``,
      ]);
    }
  },
});

Deno.test({
  name: "init --from-db mysql: enum, unsigned, tinyint(1), year, json; unknown CHECKs warn",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const db = `fabricate_init_${crypto.randomUUID().slice(0, 8)}`;
    try {
      await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
      await mariadbRun(
        [db],
        `CREATE TABLE gadget (
  id int unsigned AUTO_INCREMENT PRIMARY KEY,
  kind enum('small','large') NOT NULL,
  active tinyint(1) NOT NULL,
  made year,
  spec json,
  opens time,
  qty smallint unsigned NOT NULL,
  code varchar(8) NOT NULL UNIQUE,
  CONSTRAINT code_upper CHECK (code REGEXP '^[A-Z]+$')
);`,
      );
      const url = new URL(my.value());
      url.pathname = `/${db}`;
      const dir = await Deno.makeTempDir({ prefix: "fabricate-init-" });
      const r = await runCli([
        "init",
        "--from-db",
        url.href,
        "--dialect",
        "mysql",
        "-o",
        `${dir}/g.yaml`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      r.stdout = await Deno.readTextFile(`${dir}/g.yaml`);
      assert.match(r.stdout, /kind:\n\s+choice:\n\s+values:\n\s+- small\n\s+- large/);
      assert.match(r.stdout, /active:\n\s+boolean:/);
      assert.match(r.stdout, /made:\n\s+integer:\n\s+min: 1901\n\s+max: 2155/);
      assert.match(r.stdout, /qty:\n\s+integer:\n\s+min: 0/);
      assert.match(r.stdout, /WARNING: gadget: CHECK \(`code` regexp/i);
      assert.doesNotMatch(r.stdout, /json_valid/);
      // Without the REGEXP check it warned about, the data loads (json_valid, enum, year, time).
      await mariadbRun([db, "-e", "ALTER TABLE gadget DROP CONSTRAINT code_upper"]);
      const sql = await sqlOf(`${dir}/g.yaml`, "mysql");
      await mariadbRun([db], `SET SESSION sql_mode = 'STRICT_ALL_TABLES';\n${sql}`);
      assert.equal(await mariadbRun([db, "-e", "SELECT count(*) FROM gadget"]), "100\n");
      const missing = await runCli(["init", "--from-db", `mysql://${url.host}/`]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /No database/);
    } finally {
      await mariadbRun(["-e", `DROP DATABASE IF EXISTS \`${db}\``]);
    }
  },
});
