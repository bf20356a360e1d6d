/**
 * `fabricate init --from-ddl` with MySQL/MariaDB (`mysqldump --no-data`) and
 * SQLite (`sqlite3 db .schema`) DDL: dialect detection, what is carried over,
 * composite foreign keys (shipments (order_id, line_no) → order_items), and
 * round trips: DDL -> scenario -> data -> loaded into a fresh MariaDB / SQLite
 * database created from the ORIGINAL DDL, every constraint on. The same
 * composite key from `--from-db` (MariaDB, SQLite, PostgreSQL).
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { generate, needsEnv, needsProgram, run } from "../formatters/_roundtrip.ts";
import { mariadbArgs } from "../_helpers/mariadb.ts";
import { detectDialect } from "../../cli/init/read_ddl.ts";

const dir = new URL("../fixtures/init/", import.meta.url).pathname;
const MYSQL = `${dir}shop_mysqldump.sql`;
const SQLITE = `${dir}shop_sqlite.sql`;
const COUNT = 40;
const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");
const my = needsEnv(
  "FABRICATE_TEST_MYSQL",
  "mysql://user[:password]@host[:port] of a MariaDB or MySQL server",
);
const mariadb = await needsProgram("mariadb", "Debian package mariadb-client");
const pg = needsEnv("FABRICATE_TEST_PG", "a libpq connection string to a PostgreSQL server");
const psql = await needsProgram("psql", "Debian package postgresql-client");

async function mariadbRun(extra: string[], stdin?: string): Promise<string> {
  const { args: conn, env } = mariadbArgs(my.value());
  const args = [...conn, "--batch", "--skip-column-names"];
  return await run("mariadb", [...args, ...extra], {
    ...(stdin !== undefined ? { stdin } : {}),
    env,
  });
}

/** `fabricate init` into a temp file: the file and its text. */
async function init(args: string[]): Promise<{ file: string; yaml: string }> {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
  const file = `${tmp}/scenario.yaml`;
  const r = await runCli(["init", ...args, "--count", String(COUNT), "-o", file]);
  assert.equal(r.code, 0, r.stderr);
  return { file, yaml: await Deno.readTextFile(file) };
}

/** The SQL INSERTs of a scenario, as one file. */
async function sqlOf(file: string): Promise<string> {
  const out = await generate(file, ["--layout", "single", "--seed", "5"]);
  const f = [...Deno.readDirSync(out)].find((x) => x.name.endsWith(".sql"))!;
  return await Deno.readTextFile(`${out}/${f.name}`);
}

/** Entity blocks of a scenario, sorted (the order of siblings may differ). */
const blocks = (yaml: string) =>
  yaml.slice(yaml.indexOf("entities:"), yaml.indexOf("\noutput:")).split(/\n(?= {2}\w)/).sort();

/** The composite foreign key as init writes it: a ref, then a lookup of the same parent row. */
const COMPOSITE =
  /shipments:\n[\s\S]*order_id:\n\s+ref: order_items\.order_id\n\s+line_no:\n\s+lookup:\n\s+field: order_id\.line_no\n\s+type: integer/;

/** order_items numbered within each order, with the key the kernel proves unique. */
const LINES =
  /order_items:\n\s+count:\n\s+per: orders\n\s+min: 1\n\s+max: 5\n\s+fields:\n\s+order_id:\n\s+ref: orders\.id\n\s+line_no:\n\s+position: \{\}[\s\S]*primary_key:\n\s+- order_id\n\s+- line_no/;

/** Shipments whose (order_id, line_no) is not an order item: always 0. */
const ORPHANS = `SELECT count(*) FROM shipments s
  WHERE NOT EXISTS (SELECT 1 FROM order_items i
                    WHERE i.order_id = s.order_id AND i.line_no = s.line_no)`;

Deno.test("init: the dialect of a mysqldump, a sqlite .schema and PostgreSQL DDL is detected", async () => {
  assert.equal(detectDialect(await Deno.readTextFile(MYSQL)), "mysql");
  assert.equal(detectDialect(await Deno.readTextFile(SQLITE)), "sqlite");
  assert.equal(detectDialect(await Deno.readTextFile(`${dir}chinook.sql`)), "postgres");
  assert.equal(detectDialect("CREATE TABLE t (a int, KEY a (a))"), "mysql");
  assert.equal(detectDialect("CREATE TABLE t (a INTEGER PRIMARY KEY) WITHOUT ROWID;"), "sqlite");
  // Quoted text and comments do not count.
  assert.equal(
    detectDialect("-- uses `AUTOINCREMENT`\nCREATE TABLE t (a text DEFAULT 'ENGINE=x `y`');"),
    "postgres",
  );
});

Deno.test("init: a mysqldump keeps types, enums, unsigned, json, checks, keys, the tree and the composite FK", async () => {
  const { yaml } = await init(["--from-ddl", MYSQL]);
  assert.doesNotMatch(yaml, /WARNING/);
  assert.match(yaml, /dialect: mysql/, "the output dialect follows the schema's");
  assert.match(yaml, /tier:\n\s+choice:\n\s+values:\n\s+- free\n\s+- pro\n\s+- team's/);
  assert.match(yaml, /active:\n\s+boolean:/);
  assert.match(yaml, /score:\n\s+integer:\n\s+min: 0\n\s+max: 100/);
  assert.match(yaml, /prefs:\n\s+pattern: .*\{/, "MariaDB JSON (json_valid) gets JSON text");
  assert.match(yaml, /email:\n[\s\S]*?truncate: 80[\s\S]*?unique: true/);
  assert.match(yaml, /total:\n\s+number:\n\s+min: 0\n\s+max: 500\n\s+decimals: 2/);
  assert.match(yaml, /parent_id:\n\s+ref:\n\s+to: category\.id\n\s+tree:/);
  assert.match(yaml, /created_at:\n\s+datetime:/);
  assert.match(yaml, LINES);
  assert.match(yaml, COMPOSITE);
  // --dialect forces the reader: the same file read as MySQL gives the same scenario.
  assert.equal((await init(["--from-ddl", MYSQL, "--dialect", "mysql"])).yaml, yaml);
});

Deno.test({
  name: "init: mysqldump round trip into MariaDB (strict, FKs and CHECKs on) with the original DDL",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const { file } = await init(["--from-ddl", MYSQL]);
    const sql = await sqlOf(file);
    const db = `initddl_${crypto.randomUUID().slice(0, 8)}`;
    try {
      await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
      await mariadbRun([db], await Deno.readTextFile(MYSQL));
      await mariadbRun(
        [db],
        `SET SESSION sql_mode = 'STRICT_ALL_TABLES';\nSET SESSION foreign_key_checks = 1;\n${sql}`,
      );
      const q = (s: string) => mariadbRun([db, "-e", s]).then((x) => Number(x.trim()));
      assert.equal(
        await q(
          `SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '${db}'`,
        ),
        5,
        "every FK (the composite one too) enforced",
      );
      for (const t of ["category", "customer", "orders", "shipments"]) {
        assert.equal(await q(`SELECT count(*) FROM ${t}`), COUNT, t);
      }
      const items = await q("SELECT count(*) FROM order_items");
      assert.ok(items >= COUNT && items <= 5 * COUNT, `${items} order items`);
      assert.equal(await q(ORPHANS), 0);
      assert.equal(await q("SELECT count(DISTINCT order_id, line_no) FROM shipments") > 1, true);
      assert.ok(await q("SELECT count(*) FROM category WHERE parent_id IS NOT NULL") > 0);
    } finally {
      await mariadbRun(["-e", `DROP DATABASE IF EXISTS \`${db}\``]);
    }
  },
});

Deno.test({
  name: "init --from-db mysql: the composite FK from information_schema, same scenario as the dump",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const id = crypto.randomUUID().slice(0, 8);
    const [source, target] = [`initddl_src_${id}`, `initddl_dst_${id}`];
    const ddl = await Deno.readTextFile(MYSQL);
    try {
      for (const db of [source, target]) {
        await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
        await mariadbRun([db], ddl);
      }
      const url = new URL(my.value());
      url.pathname = `/${source}`;
      const { file, yaml } = await init(["--from-db", url.href]);
      assert.doesNotMatch(yaml, /WARNING/);
      assert.match(yaml, COMPOSITE);
      assert.deepEqual(blocks(yaml), blocks((await init(["--from-ddl", MYSQL])).yaml));
      await mariadbRun(
        [target],
        `SET SESSION sql_mode = 'STRICT_ALL_TABLES';\n${await sqlOf(file)}`,
      );
      assert.equal(await mariadbRun([target, "-e", ORPHANS]), "0\n");
      // A real mariadb-dump --no-data of it (with a trigger, a procedure and a view) reads the same.
      await mariadbRun(
        [source],
        `DELIMITER ;;
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW BEGIN
  IF NEW.total < 0 THEN SET NEW.total = 0; END IF;
END;;
CREATE PROCEDURE touch_all() BEGIN
  CREATE TEMPORARY TABLE IF NOT EXISTS tmp_x (a int);
  UPDATE orders SET total = total;
END;;
DELIMITER ;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;`,
      );
      const { args: conn, env } = mariadbArgs(my.value());
      const dump = await run(
        "mariadb-dump",
        [...conn, "--no-data", "--routines", "--triggers", source],
        { env },
      );
      assert.match(dump, /DELIMITER ;;/);
      const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
      await Deno.writeTextFile(`${tmp}/dump.sql`, dump);
      const fromDump = await init(["--from-ddl", `${tmp}/dump.sql`]);
      assert.deepEqual(blocks(fromDump.yaml), blocks(yaml));
    } finally {
      await mariadbRun([
        "-e",
        `DROP DATABASE IF EXISTS \`${source}\`; DROP DATABASE IF EXISTS \`${target}\``,
      ]);
    }
  },
});

Deno.test("init: a sqlite .schema keeps affinity types, checks, keys, the tree and the composite FK", async () => {
  const { yaml } = await init(["--from-ddl", SQLITE]);
  assert.doesNotMatch(yaml, /WARNING/);
  assert.match(yaml, /dialect: sqlite/);
  assert.doesNotMatch(yaml, /sqlite_sequence/);
  assert.match(yaml, /customer:\n\s+count: 40\n\s+fields:\n\s+id:\n\s+sequence:/);
  assert.match(yaml, /tier:\n\s+choice:\n\s+values:\n\s+- free\n\s+- pro\n\s+- team's/);
  assert.match(yaml, /active:\n\s+boolean:/);
  assert.match(yaml, /visits:\n\s+integer:/, "UNSIGNED BIG INT by its INT affinity");
  assert.match(yaml, /first_name:\n[\s\S]*?truncate: 40/);
  assert.match(yaml, /customer_id:\n\s+ref: customer\.id/, "REFERENCES customer → its key");
  assert.match(yaml, /parent_id:\n\s+ref:\n\s+to: category\.id\n\s+tree:/);
  assert.match(yaml, /qty:\n\s+integer:\n\s+min: 1/);
  assert.match(yaml, /shipped_at:\n\s+datetime:/, "DATETIME");
  assert.match(yaml, LINES);
  assert.match(yaml, COMPOSITE);
});

Deno.test({
  name: "init: sqlite .schema round trip into SQLite (foreign_keys=ON) with the original DDL",
  ignore: sqlite.ignore,
  async fn() {
    sqlite.value();
    const { file, yaml } = await init(["--from-ddl", SQLITE]);
    const sql = await sqlOf(file);
    const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-db-" });
    // SQLite itself refuses to re-create its internal sqlite_sequence.
    const ddl = (await Deno.readTextFile(SQLITE)).replace(/^CREATE TABLE sqlite_sequence.*\n/m, "");
    await run("sqlite3", ["-bail", `${tmp}/t.db`], {
      stdin: `PRAGMA foreign_keys = ON;\n${ddl}\n${sql}`,
    });
    const q = async (s: string) => Number(await run("sqlite3", [`${tmp}/t.db`, s]));
    assert.equal((await run("sqlite3", [`${tmp}/t.db`, "PRAGMA foreign_key_check;"])).trim(), "");
    for (const t of ["category", "customer", "orders", "shipments"]) {
      assert.equal(await q(`SELECT count(*) FROM ${t}`), COUNT, t);
    }
    const items = await q("SELECT count(*) FROM order_items");
    assert.ok(items >= COUNT && items <= 5 * COUNT, `${items} order items`);
    assert.equal(await q(ORPHANS), 0);
    // --from-db on the loaded database gives the same scenario, but for its name.
    const fromDb = await init(["--from-db", `sqlite:${tmp}/t.db`]);
    assert.equal(fromDb.yaml.replace(/^name: .*$/m, ""), yaml.replace(/^name: .*$/m, ""));
    // So does a real `sqlite3 t.db .schema` of it (sqlite_sequence included).
    const schema = await run("sqlite3", [`${tmp}/t.db`, ".schema"]);
    assert.match(schema, /CREATE TABLE sqlite_sequence/);
    await Deno.writeTextFile(`${tmp}/schema.sql`, schema);
    const fromSchema = await init(["--from-ddl", `${tmp}/schema.sql`]);
    assert.equal(fromSchema.yaml.replace(/^name: .*$/m, ""), yaml.replace(/^name: .*$/m, ""));
    await Deno.remove(tmp, { recursive: true });
  },
});

Deno.test({
  name: "init --from-db postgres: a composite FK from pg_catalog, loaded into a second schema",
  ignore: pg.ignore || psql.ignore,
  async fn() {
    psql.value();
    const ddl = `CREATE TABLE orders (id integer PRIMARY KEY, placed date NOT NULL);
CREATE TABLE order_items (
  order_id integer NOT NULL REFERENCES orders (id),
  line_no smallint NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE shipments (
  id bigint PRIMARY KEY,
  order_id integer,
  line_no smallint,
  FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no)
);`;
    const id = crypto.randomUUID().slice(0, 8);
    const [source, target] = [`initddl_src_${id}`, `initddl_dst_${id}`];
    const args = [pg.value(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"];
    const kv = Object.fromEntries(pg.value().trim().split(/\s+/).map((p) => p.split("=", 2)));
    const url = `postgres://${kv.user ? `${kv.user}@` : ""}${kv.host ?? "127.0.0.1"}:${
      kv.port ?? 5432
    }/${kv.dbname ?? "postgres"}?schema=${source}`;
    try {
      await run("psql", args, {
        stdin: `CREATE SCHEMA "${source}"; SET search_path TO "${source}";\n${ddl}`,
      });
      const { file, yaml } = await init(["--from-db", url]);
      assert.doesNotMatch(yaml, /WARNING/);
      assert.match(yaml, /dialect: postgres/);
      assert.match(yaml, /order_id:\n\s+ref: order_items\.order_id\n\s+nullable: 0\.1/);
      assert.match(yaml, /line_no:\n\s+lookup:\n\s+field: order_id\.line_no/);
      // The same DDL as a file reads the same.
      const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
      await Deno.writeTextFile(`${tmp}/pg.sql`, ddl);
      assert.deepEqual(blocks((await init(["--from-ddl", `${tmp}/pg.sql`])).yaml), blocks(yaml));
      const sql = await sqlOf(file);
      await run("psql", args, {
        stdin: `CREATE SCHEMA "${target}"; SET search_path TO "${target}";\n${ddl}\n${sql}`,
      });
      assert.equal(
        Number(
          await run("psql", [
            ...args,
            "-c",
            `SET search_path TO "${target}"; ${ORPHANS}
          AND s.order_id IS NOT NULL`,
          ]),
        ),
        0,
      );
      assert.equal(
        Number(
          await run("psql", [...args, "-c", `SELECT count(*) FROM "${target}".shipments`]),
        ),
        COUNT,
      );
    } finally {
      await run("psql", [
        ...args,
        "-c",
        `DROP SCHEMA IF EXISTS "${source}" CASCADE; DROP SCHEMA IF EXISTS "${target}" CASCADE`,
      ]);
    }
  },
});

/** Runs init on a DDL text; the result. */
async function initText(ddl: string, extra: string[] = []) {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
  await Deno.writeTextFile(`${tmp}/bad.sql`, ddl);
  return { tmp, ...(await runCli(["init", "--from-ddl", `${tmp}/bad.sql`, ...extra])) };
}

Deno.test("init --dialect mysql keeps PostgreSQL identity columns and portable DDL as they are", async () => {
  const ddl = `CREATE TABLE t (
  id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 10) PRIMARY KEY,
  tags text[] NOT NULL,
  at timestamp DEFAULT now(),
  n numeric(6, 2) CHECK (n::numeric >= 1)
);`;
  const { stdout: pg } = await initText(ddl);
  const { stdout: my, code } = await initText(ddl, ["--dialect", "mysql"]);
  assert.equal(code, 0);
  assert.match(my, /id:\n\s+sequence:/);
  assert.equal(my.replace("dialect: mysql", "dialect: postgres"), pg);
});

Deno.test("init: bad MySQL DDL exits 2 with file:line:column", async () => {
  const r = await initText(
    "CREATE TABLE `a` (\n  `id` int NOT NULL,\n  `x` varchar(10) NOT NULL FOO BAR,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n",
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.sql:3:32: the DDL does not parse as MySQL/);
  assert.match(r.stderr, /hint: .*--dialect postgres\|mysql\|sqlite/);
  assert.equal(r.stdout, "");
});

Deno.test("init: bad SQLite DDL exits 2 with file:line:column from SQLite", async () => {
  const r = await initText(
    "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\nCREATE TABLE b (\n  id INTEGER PRIMARY KEY,\n  a_id INTEGER REFERENCES a (id) ON DELET CASCADE\n);\n",
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.sql:4:37: the DDL does not load into SQLite: near "DELET"/);
  // Forced: a MySQL-only table option SQLite does not take.
  const forced = await initText("CREATE TABLE t (\n  id int\n) ENGINE=InnoDB;\n", [
    "--dialect",
    "sqlite",
  ]);
  assert.equal(forced.code, 2);
  assert.match(forced.stderr, /bad\.sql:3:9: the DDL does not load into SQLite: near "="/);
  const unknown = await initText("CREATE TABLE t (id int);", ["--dialect", "oracle"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown dialect "oracle"/);
});

Deno.test("init: SQLite DDL runs only CREATE TABLE/INDEX, in memory (no ATTACH, no VACUUM INTO)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
  const r = await initText(
    `ATTACH DATABASE '${tmp}/attached.db' AS e;
VACUUM INTO '${tmp}/copy.db';
CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
PRAGMA writable_schema = ON;
`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}t:$/m);
  assert.deepEqual([...Deno.readDirSync(tmp)], [], "nothing written by the DDL");
});

Deno.test({
  name: "init: MySQL generated columns are left out; SET, BIT(1), YEAR, DEFAULT (expr) load",
  ignore: my.ignore || mariadb.ignore,
  async fn() {
    mariadb.value();
    const ddl = `CREATE TABLE \`p\` (
  \`id\` int NOT NULL AUTO_INCREMENT,
  \`price\` decimal(8,2) NOT NULL,
  \`qty\` int NOT NULL,
  \`total\` decimal(10,2) GENERATED ALWAYS AS (\`price\` * \`qty\`) STORED,
  \`kind\` set('a','b') DEFAULT NULL,
  \`flag\` bit(1) NOT NULL DEFAULT b'0',
  \`made\` year(4) DEFAULT NULL,
  \`uid\` char(36) NOT NULL DEFAULT (uuid()),
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;`;
    const tmp = await Deno.makeTempDir({ prefix: "fabricate-initddl-" });
    await Deno.writeTextFile(`${tmp}/p.sql`, ddl);
    const { file, yaml } = await init(["--from-ddl", `${tmp}/p.sql`]);
    assert.match(yaml, /# WARNING: p\.total: generated column, left out/);
    assert.doesNotMatch(yaml, /^\s+total:/m);
    assert.match(yaml, /kind:\n\s+choice:\n\s+values:\n\s+- a\n\s+- b/);
    assert.match(yaml, /flag:\n\s+boolean:/);
    assert.match(yaml, /made:\n\s+integer:\n\s+min: 1901\n\s+max: 2155/);
    const db = `initddl_${crypto.randomUUID().slice(0, 8)}`;
    try {
      await mariadbRun(["-e", `CREATE DATABASE \`${db}\``]);
      await mariadbRun([db], ddl);
      await mariadbRun([db], `SET SESSION sql_mode = 'STRICT_ALL_TABLES';\n${await sqlOf(file)}`);
      assert.equal(await mariadbRun([db, "-e", "SELECT count(*) FROM p"]), `${COUNT}\n`);
      // The live schema says the same.
      const url = new URL(my.value());
      url.pathname = `/${db}`;
      const live = await init(["--from-db", url.href]);
      assert.match(live.yaml, /# WARNING: p\.total: generated column, left out/);
      assert.doesNotMatch(live.yaml, /^\s+total:/m);
    } finally {
      await mariadbRun(["-e", `DROP DATABASE IF EXISTS \`${db}\``]);
    }
  },
});
