/**
 * `fabricate mask --from <database>` against real databases: a quickstart
 * source generated with `fabricate gen --to`, two related tables masked, and
 * the checks read back with the databases' own clients (sqlite3, psql,
 * mariadb).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { runCli, spawnCli } from "../_helpers/rows.ts";
import {
  mariadb,
  mysqlEnv,
  mysqlTables,
  mysqlUrl,
  pgEnv,
  pgTables,
  pgUrl,
  psql,
  sqlite,
  sqlite3,
  uniqueName,
} from "../sinks/_db.ts";
import { openSink } from "../../plugins/sinks/open.ts";
import { parseTarget } from "../../plugins/sinks/target.ts";
import { beginReadOnly } from "../../cli/mask/db_read.ts";

const KEY = "test-key-0123456789abcdef";
const OTHER_KEY = "another-key-0123456789abcdef";
const COUNTS = ["--count", "customers=300", "--count", "orders=1500", "--count", "products=40"];

/** Masking rules for quickstart's customers and orders (shared with the mask-db bench case). */
const RULES = await Deno.readTextFile(
  new URL("../fixtures/mask_quickstart_tables.yaml", import.meta.url),
);

/** The rules plus a table whose primary key every row redacts alike: the load fails there. */
const FAILING = RULES + `  maskdb_codes:
    code: redact
    label: keep
`;

/** Scratch folders of this file, removed when the test process ends. */
const scratch: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of scratch) {
    try {
      Deno.removeSync(d, { recursive: true });
    } catch { /* gone */ }
  }
});

async function folder(rules = RULES): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "maskdb_" });
  scratch.push(dir);
  await Deno.writeTextFile(`${dir}/mask.yaml`, rules);
  await Deno.writeTextFile(`${dir}/failing.yaml`, FAILING);
  return dir;
}

function mask(dir: string, args: string[], key = KEY, rules = "mask.yaml") {
  return runCli(["mask", rules, ...args], { cwd: dir, env: { FABRICATE_MASK_KEY: key } });
}

async function gen(dir: string, to: string): Promise<void> {
  const { code, stderr } = await runCli(["gen", "quickstart", "--to", to, "--quiet", ...COUNTS], {
    cwd: dir,
  });
  assert.equal(code, 0, stderr);
}

/** What the checks need of one database kind. */
interface Db {
  /** Runs SQL, returns the client's text output. */
  sql(text: string): Promise<string>;
  /** A table's qualified name in a source or destination. */
  t(where: string, table: string): string;
  /** A checksum of every table of a source. */
  checksum(where: string): Promise<string>;
  /** The column types of a table, in order. */
  types(where: string, table: string): Promise<string>;
}

/** The checks every database shares: joins, masking, types, keys. */
async function checkMasked(db: Db, src: string, dst: string): Promise<void> {
  const join = (w: string) =>
    db.sql(
      `SELECT count(*) FROM ${db.t(w, "orders")} o JOIN ${db.t(w, "customers")} c ` +
        `ON c.id = o.customer_id`,
    );
  assert.equal(await join(src), "1500");
  assert.equal(await join(dst), "1500", "every order joins its masked customer");
  const perCustomer = (w: string) =>
    db.sql(`SELECT count(*) FROM ${db.t(w, "orders")} GROUP BY customer_id ORDER BY 1`);
  assert.equal(
    await perCustomer(dst),
    await perCustomer(src),
    "the same join, customer by customer",
  );
  const same = (column: string) =>
    db.sql(
      `SELECT count(*) FROM ${db.t(dst, "customers")} d JOIN ${db.t(src, "customers")} s ` +
        `ON s.${column} = d.${column}`,
    );
  assert.equal(await same("email"), "0", "every email masked");
  assert.equal(await same("last_name") !== "300", true, "names masked");
  assert.ok(Number(await same("id")) < 3, "ids masked (a permutation: a fixed point is rare)");
  assert.equal(
    await db.sql(`SELECT count(DISTINCT id) FROM ${db.t(dst, "customers")}`),
    "300",
    "hashed primary keys stay unique",
  );
  assert.equal(
    await db.sql(
      `SELECT count(*) FROM ${db.t(dst, "customers")} d JOIN ${db.t(src, "customers")} s ` +
        `ON s.first_name = d.first_name AND s.last_name = d.last_name`,
    ) !== "300",
    true,
  );
  for (const table of ["customers", "orders"]) {
    assert.equal(await db.types(dst, table), await db.types(src, table), `${table}: same types`);
  }
  assert.equal(
    await db.sql(`SELECT count(*) FROM ${db.t(dst, "customers")} WHERE note = 'REDACTED'`) !== "0",
    true,
  );
}

Deno.test({
  name: "mask --from sqlite: two related tables into another file, joins kept, source unchanged",
  ignore: sqlite3.ignore,
  async fn() {
    const dir = await folder();
    await gen(dir, "sqlite:src.db");
    await sqlite(
      `${dir}/src.db`,
      "CREATE TABLE maskdb_codes (code TEXT PRIMARY KEY, label TEXT);" +
        "INSERT INTO maskdb_codes VALUES ('a', 'A'), ('b', 'B'), ('c', 'C');",
    );
    const fingerprint = async () =>
      createHash("sha256").update(await Deno.readFile(`${dir}/src.db`)).digest("hex") +
      createHash("sha256").update(await sqlite(`${dir}/src.db`, ".dump")).digest("hex");
    const before = await fingerprint();

    const { code, stderr } = await mask(dir, ["--from", "sqlite:src.db", "--to", "sqlite:dst.db"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /customers → sqlite:dst\.db {2}\(300 rows\)/);
    // Both files in one connection: the source ATTACHed (only read).
    const db: Db = {
      sql: (text) => sqlite(`${dir}/dst.db`, `ATTACH '${dir}/src.db' AS src;\n${text};`),
      t: (w, table) => `${w}.${table}`,
      checksum: fingerprint,
      types: (w, table) =>
        sqlite(
          `${dir}/dst.db`,
          `ATTACH '${dir}/src.db' AS src; SELECT type, "notnull", pk FROM ${w}.pragma_table_info('${table}');`,
        ),
    };
    await checkMasked(db, "src", "main");
    assert.equal(
      await sqlite(`${dir}/dst.db`, `SELECT DISTINCT typeof(id) FROM customers`),
      "integer",
      "a hashed INTEGER key stays an integer",
    );
    assert.equal(
      await sqlite(`${dir}/dst.db`, `SELECT count(*) FROM customers WHERE date(birthdate) IS NULL`),
      "0",
      "shifted dates are dates",
    );
    assert.equal(
      await sqlite(
        `${dir}/dst.db`,
        `SELECT "table", "from", "to" FROM pragma_foreign_key_list('orders')`,
      ),
      "customers|customer_id|id",
      "the foreign key to the masked parent is kept; the one to products (not masked) is not",
    );
    assert.equal(await sqlite(`${dir}/dst.db`, "PRAGMA foreign_key_check"), "");
    assert.equal(await fingerprint(), before, "the source is unchanged");

    // Determinism: the same key gives the same tables, another key others.
    const again = await mask(dir, ["--from", "sqlite:src.db", "--to", "sqlite:again.db"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await sqlite(`${dir}/again.db`, ".dump"), await sqlite(`${dir}/dst.db`, ".dump"));
    const other = await mask(
      dir,
      ["--from", "sqlite:src.db", "--to", "sqlite:other.db"],
      OTHER_KEY,
    );
    assert.equal(other.code, 0, other.stderr);
    const ids = (f: string) =>
      sqlite(`${dir}/${f}`, "SELECT id FROM customers ORDER BY rowid LIMIT 20");
    assert.notEqual(await ids("other.db"), await ids("dst.db"));

    // An existing table is refused without --replace, replaced with it.
    const twice = await mask(dir, ["--from", "sqlite:src.db", "--to", "sqlite:dst.db"]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /Tables customers, orders already exist in sqlite:dst\.db/);
    const replaced = await mask(dir, [
      "--from",
      "sqlite:src.db",
      "--to",
      "sqlite:dst.db",
      "--replace",
    ]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(await sqlite(`${dir}/dst.db`, ".dump"), await sqlite(`${dir}/again.db`, ".dump"));

    // A failure after two tables are loaded (the third's primary key collides) leaves nothing.
    const failed = await mask(
      dir,
      ["--from", "sqlite:src.db", "--to", "sqlite:failed.db"],
      KEY,
      "failing.yaml",
    );
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /failed while loading maskdb_codes: .*UNIQUE.*\n.*rolled back/);
    await assert.rejects(Deno.stat(`${dir}/failed.db`), Deno.errors.NotFound);
    const intoExisting = await mask(
      dir,
      ["--from", "sqlite:src.db", "--to", "sqlite:dst.db", "--replace"],
      KEY,
      "failing.yaml",
    );
    assert.equal(intoExisting.code, 1);
    assert.equal(
      await sqlite(`${dir}/dst.db`, ".dump"),
      await sqlite(`${dir}/again.db`, ".dump"),
      "a failed --replace leaves the earlier tables as they were",
    );
    assert.equal(await fingerprint(), before, "the source is unchanged");
  },
});

Deno.test({
  name: "mask --from sqlite refuses the source as destination, however the path is written",
  ignore: sqlite3.ignore,
  async fn() {
    const dir = await folder();
    await gen(dir, "sqlite:src.db");
    await Deno.mkdir(`${dir}/sub`);
    await Deno.symlink(`${dir}/src.db`, `${dir}/sub/link.db`);
    await Deno.link(`${dir}/src.db`, `${dir}/hard.db`);
    const before = await sqlite(`${dir}/src.db`, ".dump");
    for (
      const to of [
        "sqlite:src.db",
        "sqlite:./sub/../src.db",
        `sqlite:${dir}/src.db`,
        "sqlite:sub/link.db",
        "sqlite:hard.db",
      ]
    ) {
      const { code, stderr } = await mask(dir, [
        "--from",
        "sqlite:src.db",
        "--to",
        to,
        "--replace",
      ]);
      assert.equal(code, 2, `${to}: ${stderr}`);
      assert.match(stderr, /Refusing to write to .*: it is the source database/);
    }
    assert.equal(await sqlite(`${dir}/src.db`, ".dump"), before);

    // A dry run reads the catalog, prints the plan and the DDL, and writes nothing.
    const dry = await mask(dir, ["--from", "sqlite:src.db", "--to", "sqlite:dry.db", "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /tables: {2}customers, orders \(in this order\)/);
    assert.match(dry.stdout, /FOREIGN KEY \("customer_id"\) REFERENCES "customers" \("id"\)/);
    assert.match(dry.stderr, /note: orders \(product_id\) → products: foreign key not kept/);
    await assert.rejects(Deno.stat(`${dir}/dry.db`), Deno.errors.NotFound);
  },
});

Deno.test({
  name:
    "mask --from sqlite --out: a table masked to CSV equals the same table exported, then masked",
  ignore: sqlite3.ignore,
  async fn() {
    const rules = (group: string, ext: string) =>
      RULES.replace("tables:", `${group}:`).replace("  customers:", `  customers${ext}:`)
        .replace("  orders:", `  orders${ext}:`)
        .replaceAll("id: hash", "id: { hash: { integer: true } }");
    const dir = await folder(rules("tables", ""));
    await gen(dir, "sqlite:src.db");
    const db = await mask(dir, ["--from", "sqlite:src.db", "--out", "from-db"]);
    assert.equal(db.code, 0, db.stderr);
    // The same tables exported with the sqlite3 shell, masked as files.
    await Deno.mkdir(`${dir}/export`);
    for (const t of ["customers", "orders"]) {
      const csv = await sqlite(`${dir}/src.db`, `.headers on\n.mode csv\nSELECT * FROM ${t};`);
      await Deno.writeTextFile(`${dir}/export/${t}.csv`, csv.replaceAll("\r\n", "\n") + "\n");
    }
    await Deno.writeTextFile(`${dir}/export/mask.yaml`, rules("files", ".csv"));
    const files = await runCli(["mask", "mask.yaml", "--out", "../from-files"], {
      cwd: `${dir}/export`,
      env: { FABRICATE_MASK_KEY: KEY },
    });
    assert.equal(files.code, 0, files.stderr);
    for (const t of ["customers", "orders"]) {
      const a = await Deno.readTextFile(`${dir}/from-db/${t}.csv`);
      const b = await Deno.readTextFile(`${dir}/from-files/${t}.csv`);
      assert.equal(a.split("\n").length, t === "customers" ? 302 : 1502);
      assert.equal(a, b, `${t}: the database path and the file path agree`);
    }
    // JSONL keeps numbers numbers.
    const jsonl = await mask(dir, [
      "--from",
      "sqlite:src.db",
      "--out",
      "jsonl",
      "--format",
      "jsonl",
    ]);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const first = JSON.parse(
      (await Deno.readTextFile(`${dir}/jsonl/orders.jsonl`)).split("\n")[0]!,
    );
    assert.equal(typeof first.customer_id, "number");
    assert.equal(typeof first.status, "string");
  },
});

Deno.test({
  name: "mask --from: rules that do not fit the tables exit 2 with the place, nothing written",
  ignore: sqlite3.ignore,
  async fn() {
    const dir = await folder(
      RULES.replace("vip: keep", "vip: email").replace("  orders:", "  ordrs:"),
    );
    await gen(dir, "sqlite:src.db");
    const { code, stderr } = await mask(dir, ["--from", "sqlite:src.db", "--to", "sqlite:dst.db"]);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /mask\.yaml:9:\d+ tables\.customers\.vip\n.*"customers\.vip" \(INTEGER\) cannot take its rule: email writes text/,
    );
    assert.match(stderr, /The source has no table "ordrs"[\s\S]*did you mean "orders"/);
    await assert.rejects(Deno.stat(`${dir}/dst.db`), Deno.errors.NotFound);
    // A value a rule cannot read, mid-table: exit 2 at its row, the new file removed.
    await Deno.writeTextFile(`${dir}/good.yaml`, RULES);
    await sqlite(`${dir}/src.db`, "UPDATE orders SET created_at = 'soon' WHERE id = 1400;");
    const bad = await mask(
      dir,
      ["--from", "sqlite:src.db", "--to", "sqlite:bad.db"],
      KEY,
      "good.yaml",
    );
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      /Cannot mask table orders row id=1400, column "created_at": "soon" is not an ISO 8601 date \(YYYY-MM-DD…\)\n {2}rolled back/,
    );
    await assert.rejects(Deno.stat(`${dir}/bad.db`), Deno.errors.NotFound);
    const noFrom = await mask(dir, ["--out", "x"]);
    assert.equal(noFrom.code, 2);
    assert.match(noFrom.stderr, /names tables: give the database they are in with --from/);
  },
});

Deno.test({
  name: "mask --from postgres: into another schema, joins kept, source unchanged, refusals",
  ignore: pgEnv.ignore,
  async fn() {
    const dir = await folder();
    const src = uniqueName("maskdb_src"), dst = uniqueName("maskdb_dst");
    const failed = uniqueName("maskdb_failed");
    try {
      await gen(dir, pgUrl(src));
      await psql(
        `CREATE TABLE ${src}.maskdb_codes (code TEXT PRIMARY KEY, label TEXT); ` +
          `INSERT INTO ${src}.maskdb_codes VALUES ('a', 'A'), ('b', 'B'), ('c', 'C')`,
      );
      const db: Db = {
        sql: psql,
        t: (w, table) => `${w}.${table}`,
        async checksum(w) {
          const parts = [];
          for (const t of ["customers", "orders", "products", "maskdb_codes"]) {
            parts.push(
              await psql(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM ${w}.${t} t`),
            );
          }
          return parts.join(",");
        },
        types: (w, table) =>
          psql(
            `SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ` +
              `ORDER BY ordinal_position) FROM information_schema.columns ` +
              `WHERE table_schema = '${w}' AND table_name = '${table}'`,
          ),
      };
      const before = await db.checksum(src);
      const { code, stderr } = await mask(dir, ["--from", pgUrl(src), "--to", pgUrl(dst)]);
      assert.equal(code, 0, stderr);
      await checkMasked(db, src, dst);
      assert.equal(
        await psql(
          `SELECT count(*) FROM information_schema.table_constraints WHERE table_schema = '${dst}' ` +
            `AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`,
        ),
        "3",
        "two primary keys and the foreign key to the masked parent",
      );

      // The source schema, written another way: refused.
      const same = pgUrl(src).replace("postgres://", "postgresql://").replace(
        "127.0.0.1",
        "localhost",
      );
      const refused = await mask(dir, ["--from", pgUrl(src), "--to", same, "--replace"]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /Refusing to write to .*: it is the source database/);

      // Deterministic across runs: the same key, the same rows.
      const rows = (s: string) =>
        psql(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM ${s}.customers t`);
      const again = await mask(dir, ["--from", pgUrl(src), "--to", pgUrl(dst), "--replace"]);
      assert.equal(again.code, 0, again.stderr);
      const first = await rows(dst);
      const other = await mask(
        dir,
        ["--from", pgUrl(src), "--to", pgUrl(dst), "--replace"],
        OTHER_KEY,
      );
      assert.equal(other.code, 0, other.stderr);
      assert.notEqual(await rows(dst), first);

      // A failure on the third table leaves no table in the destination schema.
      const fail = await mask(
        dir,
        ["--from", pgUrl(src), "--to", pgUrl(failed)],
        KEY,
        "failing.yaml",
      );
      assert.equal(fail.code, 1, fail.stderr);
      assert.match(fail.stderr, /failed while loading maskdb_codes: .*duplicate key/);
      assert.deepEqual(await pgTables(failed), []);
      assert.equal(await db.checksum(src), before, "the source is unchanged");
    } finally {
      await psql(
        `DROP SCHEMA IF EXISTS ${src} CASCADE; DROP SCHEMA IF EXISTS ${dst} CASCADE; ` +
          `DROP SCHEMA IF EXISTS ${failed} CASCADE`,
      );
    }
  },
});

Deno.test({
  name: "mask --from mariadb: into another database, joins kept, source unchanged, refusals",
  ignore: mysqlEnv.ignore,
  async fn() {
    const dir = await folder();
    const src = uniqueName("maskdb_src"), dst = uniqueName("maskdb_dst");
    const failed = uniqueName("maskdb_failed");
    try {
      await mariadb(`CREATE DATABASE ${src}; CREATE DATABASE ${dst}; CREATE DATABASE ${failed}`);
      await gen(dir, mysqlUrl(src));
      await mariadb(
        `CREATE TABLE maskdb_codes (code VARCHAR(20) PRIMARY KEY, label TEXT); ` +
          `INSERT INTO maskdb_codes VALUES ('a', 'A'), ('b', 'B'), ('c', 'C')`,
        src,
      );
      const db: Db = {
        sql: (text) => mariadb(text),
        t: (w, table) => `${w}.${table}`,
        checksum: (w) =>
          mariadb(
            `CHECKSUM TABLE ${w}.customers, ${w}.orders, ${w}.products, ${w}.maskdb_codes EXTENDED`,
          ),
        types: (w, table) =>
          mariadb(
            `SELECT group_concat(concat(column_name, ' ', column_type, ' ', is_nullable) ` +
              `ORDER BY ordinal_position) FROM information_schema.columns ` +
              `WHERE table_schema = '${w}' AND table_name = '${table}'`,
          ),
      };
      const before = await db.checksum(src);
      const { code, stderr } = await mask(dir, ["--from", mysqlUrl(src), "--to", mysqlUrl(dst)]);
      assert.equal(code, 0, stderr);
      await checkMasked(db, src, dst);
      assert.deepEqual(await mysqlTables(dst), ["customers", "orders"], "no staging table left");
      assert.equal(
        await mariadb(
          `SELECT referenced_table_name FROM information_schema.key_column_usage ` +
            `WHERE table_schema = '${dst}' AND referenced_table_name IS NOT NULL`,
        ),
        "customers",
      );

      const same = mysqlUrl(src).replace("127.0.0.1", "localhost").replace(
        "mysql://",
        "mariadb://",
      );
      const refused = await mask(dir, ["--from", mysqlUrl(src), "--to", same, "--replace"]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /Refusing to write to .*: it is the source database/);

      const rows = () => mariadb(`CHECKSUM TABLE ${dst}.customers EXTENDED`);
      const first = await rows();
      const again = await mask(dir, ["--from", mysqlUrl(src), "--to", mysqlUrl(dst), "--replace"]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await rows(), first, "the same key, the same rows");
      assert.deepEqual(await mysqlTables(dst), ["customers", "orders"]);

      const fail = await mask(
        dir,
        ["--from", mysqlUrl(src), "--to", mysqlUrl(failed)],
        KEY,
        "failing.yaml",
      );
      assert.equal(fail.code, 1, fail.stderr);
      assert.match(fail.stderr, /failed while loading maskdb_codes: .*Duplicate entry/);
      assert.deepEqual(await mysqlTables(failed), [], "staging tables dropped, nothing renamed");
      assert.equal(await db.checksum(src), before, "the source is unchanged");
    } finally {
      await mariadb(
        `DROP DATABASE IF EXISTS ${src}; DROP DATABASE IF EXISTS ${dst}; DROP DATABASE IF EXISTS ${failed}`,
      );
    }
  },
});

/** Opens a source the way `mask --from` does and tries to write through it. */
async function writeThroughReader(url: string, table: string): Promise<unknown> {
  const reader = await openSink(parseTarget(url), { readOnly: true });
  try {
    await beginReadOnly(reader);
    await reader.exec(`DELETE FROM ${table}`);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    await reader.exec("ROLLBACK").catch(() => {});
    await reader.close();
  }
}

Deno.test({
  name: "mask's source connection cannot write, in every database (a bug cannot change the source)",
  ignore: sqlite3.ignore || pgEnv.ignore || mysqlEnv.ignore,
  async fn() {
    const dir = await folder();
    const schema = uniqueName("maskdb_ro");
    try {
      await sqlite(`${dir}/src.db`, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);");
      const e1 = await writeThroughReader(`sqlite:${dir}/src.db`, "t");
      assert.match(String(e1), /readonly database/);
      assert.equal(await sqlite(`${dir}/src.db`, "SELECT count(*) FROM t"), "1");

      await psql(
        `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (a int); INSERT INTO ${schema}.t VALUES (1)`,
      );
      const e2 = await writeThroughReader(pgUrl(schema), `${schema}.t`);
      assert.match(String(e2), /read-only transaction/);
      assert.equal(await psql(`SELECT count(*) FROM ${schema}.t`), "1");

      await mariadb(
        `CREATE DATABASE ${schema}; CREATE TABLE ${schema}.t (a int); INSERT INTO ${schema}.t VALUES (1)`,
      );
      const e3 = await writeThroughReader(mysqlUrl(schema), "t");
      assert.match(String(e3), /READ ONLY transaction/i);
      assert.equal(await mariadb(`SELECT count(*) FROM ${schema}.t`), "1");
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await mariadb(`DROP DATABASE IF EXISTS ${schema}`);
    }
  },
});

const PAGING = `tables:
  maskdb_pairs:
    a: keep
    b: hash
    label: redact
  maskdb_nopk:
    x: hash
    y: keep
`;

/** Tables over a page (5,000 rows): a composite primary key and none at all. */
async function checkPaging(
  dir: string,
  from: string,
  to: string,
  sql: (text: string) => Promise<string>,
  src: string,
  dst: string,
): Promise<void> {
  await Deno.writeTextFile(`${dir}/paging.yaml`, PAGING);
  const { code, stderr } = await mask(dir, ["--from", from, "--to", to], KEY, "paging.yaml");
  assert.equal(code, 0, stderr);
  assert.match(stderr, /maskdb_pairs → .* {2}\(7000 rows\)/);
  assert.match(stderr, /maskdb_nopk → .* {2}\(6000 rows\)/);
  assert.equal(await sql(`SELECT count(*) FROM ${dst}.maskdb_pairs`), "7000");
  assert.equal(
    await sql(`SELECT count(*) FROM (SELECT DISTINCT a, b FROM ${dst}.maskdb_pairs) p`),
    "7000",
  );
  assert.equal(
    await sql(`SELECT sum(a) FROM ${dst}.maskdb_pairs`),
    await sql(`SELECT sum(a) FROM ${src}.maskdb_pairs`),
  );
  assert.equal(
    await sql(
      `SELECT count(*) FROM ${dst}.maskdb_nopk d JOIN ${src}.maskdb_nopk s ON s.y = d.y`,
    ),
    "6000",
    "every row once, none twice",
  );
  assert.ok(
    Number(
      await sql(
        `SELECT count(*) FROM ${dst}.maskdb_nopk d JOIN ${src}.maskdb_nopk s ` +
          `ON s.y = d.y AND s.x = d.x`,
      ),
    ) < 3,
  );
}

Deno.test({
  name: "mask --from pages through tables larger than a page, with a composite key or none",
  ignore: sqlite3.ignore || pgEnv.ignore || mysqlEnv.ignore,
  async fn() {
    const dir = await folder();
    const src = uniqueName("maskdb_psrc"), dst = uniqueName("maskdb_pdst");
    try {
      await sqlite(
        `${dir}/src.db`,
        `CREATE TABLE maskdb_pairs (a INTEGER, b INTEGER, label TEXT, PRIMARY KEY (a, b));
         CREATE TABLE maskdb_nopk (x INTEGER, y TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7000)
           INSERT INTO maskdb_pairs SELECT i % 7, i, 'L' || i FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
           INSERT INTO maskdb_nopk SELECT i, 'Y' || i FROM n;`,
      );
      await checkPaging(
        dir,
        "sqlite:src.db",
        "sqlite:dst.db",
        (text) => sqlite(`${dir}/dst.db`, `ATTACH '${dir}/src.db' AS src;\n${text};`),
        "src",
        "main",
      );

      await psql(
        `CREATE SCHEMA ${src};
         CREATE TABLE ${src}.maskdb_pairs (a int, b int, label text, PRIMARY KEY (a, b));
         CREATE TABLE ${src}.maskdb_nopk (x int, y text);
         INSERT INTO ${src}.maskdb_pairs SELECT i % 7, i, 'L' || i FROM generate_series(1, 7000) i;
         INSERT INTO ${src}.maskdb_nopk SELECT i, 'Y' || i FROM generate_series(1, 6000) i;`,
      );
      await checkPaging(dir, pgUrl(src), pgUrl(dst), psql, src, dst);

      await mariadb(`CREATE DATABASE ${src}; CREATE DATABASE ${dst}`);
      await mariadb(
        `CREATE TABLE maskdb_pairs (a int, b int, label text, PRIMARY KEY (a, b));
         CREATE TABLE maskdb_nopk (x int, y varchar(20));
         INSERT INTO maskdb_pairs SELECT seq % 7, seq, concat('L', seq) FROM seq_1_to_7000;
         INSERT INTO maskdb_nopk SELECT seq, concat('Y', seq) FROM seq_1_to_6000;`,
        src,
      );
      await checkPaging(dir, mysqlUrl(src), mysqlUrl(dst), (t) => mariadb(t), src, dst);
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${src} CASCADE; DROP SCHEMA IF EXISTS ${dst} CASCADE`);
      await mariadb(`DROP DATABASE IF EXISTS ${src}; DROP DATABASE IF EXISTS ${dst}`);
    }
  },
});

Deno.test({
  name: "mask --from: Ctrl-C mid-load into MariaDB drops the staging tables and exits 130",
  ignore: sqlite3.ignore || mysqlEnv.ignore,
  async fn() {
    const dir = await folder();
    const dst = uniqueName("maskdb_int");
    try {
      await sqlite(
        `${dir}/src.db`,
        `CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
           INSERT INTO big SELECT i, 'name ' || i FROM n;`,
      );
      await Deno.writeTextFile(`${dir}/big.yaml`, "tables:\n  big: { id: hash, name: email }\n");
      await mariadb(`CREATE DATABASE ${dst}`);
      const child = spawnCli(
        ["mask", "big.yaml", "--from", "sqlite:src.db", "--to", mysqlUrl(dst)],
        { cwd: dir, env: { FABRICATE_MASK_KEY: KEY }, stdout: "null" },
      );
      // Wait (up to a minute) for rows in the staging table: the load is under way.
      let loading = false;
      for (let i = 0; i < 600 && !loading; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const rows = await mariadb(
          `SELECT coalesce(sum(table_rows), 0) FROM information_schema.tables ` +
            `WHERE table_schema = '${dst}' AND table_name LIKE '\\_fabricate\\_mask\\_%'`,
        );
        loading = Number(rows) > 0;
      }
      child.kill("SIGINT");
      const out = await child.output();
      assert.ok(loading, "the load was under way when interrupted");
      assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
      assert.match(
        new TextDecoder().decode(out.stderr),
        /Interrupted: rolled back, nothing was written to mysql:/,
      );
      assert.deepEqual(await mysqlTables(dst), [], "no staging or final table left");
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${dst}`);
    }
  },
});

Deno.test({
  name:
    "mask --from postgres --out: tables masked to CSV equal psql's COPY export, masked as files",
  ignore: pgEnv.ignore,
  async fn() {
    const src = uniqueName("maskdb_csv");
    const integerKeys = RULES.replaceAll("id: hash", "id: { hash: { integer: true } }");
    const dir = await folder(integerKeys);
    try {
      await gen(dir, pgUrl(src));
      const db = await mask(dir, ["--from", pgUrl(src), "--out", "from-db"]);
      assert.equal(db.code, 0, db.stderr);
      await Deno.mkdir(`${dir}/export`);
      for (const t of ["customers", "orders"]) {
        const csv = await psql(
          `COPY (SELECT * FROM ${src}.${t} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)`,
        );
        await Deno.writeTextFile(`${dir}/export/${t}.csv`, csv + "\n");
      }
      await Deno.writeTextFile(
        `${dir}/export/mask.yaml`,
        integerKeys.replace("tables:", "files:").replace("  customers:", "  customers.csv:")
          .replace("  orders:", "  orders.csv:"),
      );
      const files = await runCli(["mask", "mask.yaml", "--out", "../from-files"], {
        cwd: `${dir}/export`,
        env: { FABRICATE_MASK_KEY: KEY },
      });
      assert.equal(files.code, 0, files.stderr);
      for (const t of ["customers", "orders"]) {
        const a = await Deno.readTextFile(`${dir}/from-db/${t}.csv`);
        assert.equal(a, await Deno.readTextFile(`${dir}/from-files/${t}.csv`), t);
        assert.match(a, t === "customers" ? /,[tf],/ : /\d\d:\d\d:\d\d\+00/);
      }
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${src} CASCADE`);
    }
  },
});

Deno.test("mask --from refuses a remote source or destination without --allow-remote, before connecting", async () => {
  const dir = await folder();
  const remote = await mask(dir, ["--from", "postgres://me@db.example.com/shop", "--out", "x"]);
  assert.equal(remote.code, 2);
  assert.match(remote.stderr, /Refusing to read from postgres:\/\/me@db\.example\.com\/shop: host/);
  const prod = await mask(dir, [
    "--from",
    "sqlite:missing.db",
    "--to",
    "mysql://root@127.0.0.1:9/shop_prod",
  ]);
  assert.equal(prod.code, 2);
  assert.match(prod.stderr, /Refusing to write to .*: database "shop_prod" looks like production/);
  const missing = await mask(dir, ["--from", "sqlite:missing.db", "--to", "sqlite:out.db"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read sqlite:missing\.db: no such file/);
  await assert.rejects(Deno.stat(`${dir}/missing.db`), Deno.errors.NotFound, "never created");
  const both = await mask(dir, ["--from", "sqlite:a.db", "--to", "sqlite:b.db", "--out", "x"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /Give --to or --out, not both/);
});
