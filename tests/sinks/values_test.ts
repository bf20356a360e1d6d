/**
 * Hostile values through every sink, read back by the database's own
 * client and compared with what the library generates: quotes, tabs, line
 * breaks, backslashes, `\N`-looking text, unicode, empty strings next to
 * NULLs, decimals, dates, datetimes, booleans and JSON (tricky_values), in
 * batches that end mid-statement; then 600 awkward strings (seed 5) straight
 * through each sink's writer (COPY text, LOAD DATA text, bound parameters).
 */
import assert from "node:assert/strict";
import type { EntitySchema, FieldType } from "../../core/types.ts";
import { openSink } from "../../plugins/sinks/open.ts";
import { parseTarget } from "../../plugins/sinks/target.ts";
import { createTableSql, tableName } from "../../plugins/_shared/sql_ddl.ts";
import { mariadbArgs } from "../_helpers/mariadb.ts";
import { runCli } from "../_helpers/rows.ts";
import {
  assertRows,
  expected,
  fixture,
  mapRows,
  needsProgram,
  type Row,
  run,
} from "../formatters/_roundtrip.ts";
import { awkwardStrings } from "../plugins/formatters/_setup.ts";
import { mariadb, mysqlEnv, mysqlUrl, pgEnv, pgUrl, psql, sqlite3, uniqueName } from "./_db.ts";

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 250;
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "97", "-q"];
const want = await expected(TRICKY, "people", { people: COUNT });

/** 600 awkward strings and a NULL, as an entity of (id, s). */
const FUZZ: EntitySchema = {
  name: "fuzz",
  count: 601,
  columns: [
    { name: "id", type: "integer", nullable: false, unique: true, key: true, referenced: false },
    { name: "s", type: "string", nullable: true, unique: false, key: false, referenced: false },
  ],
} as unknown as EntitySchema;
const STRINGS: (string | null)[] = [...awkwardStrings(5, 600), null];
/** What a database keeps: UTF-8 holds no lone surrogate; `keepNul` says whether NUL survives. */
const fuzzWant = (keepNul: boolean) =>
  STRINGS.map((s, i) => ({
    id: i + 1,
    s: s === null ? null : (keepNul ? s : s.replaceAll("\0", "")).toWellFormed(),
  }));

/** Writes the fuzz entity through a sink's writer, in batches of 7, 250 and the rest. */
async function writeFuzz(url: string): Promise<void> {
  const sink = await openSink(parseTarget(url));
  try {
    if (sink.transactionalDdl) await sink.begin();
    await sink.ensureSchema();
    await sink.exec(
      createTableSql(FUZZ, {
        dialect: sink.dialect,
        ...(sink.schema ? { schema: sink.schema } : {}),
      }),
    );
    if (!sink.transactionalDdl) await sink.begin();
    const writer = await sink.writer(
      FUZZ,
      tableName("fuzz", { dialect: sink.dialect, ...(sink.schema ? { schema: sink.schema } : {}) }),
    );
    let start = 0;
    for (const length of [7, 250, STRINGS.length - 257]) {
      const ids = Array.from({ length }, (_, i) => start + i + 1);
      await writer.write({
        entity: "fuzz",
        start,
        length,
        fields: ["id", "s"],
        columns: [ids, STRINGS.slice(start, start + length)],
      });
      start += length;
    }
    await writer.end();
    await sink.commit();
  } finally {
    await sink.close();
  }
}

// ---------------------------------------------------------------- SQLite

Deno.test({
  name: "sqlite sink: hostile values and 600 awkward strings read back exactly",
  ignore: sqlite3.ignore,
  async fn() {
    sqlite3.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-values-" });
    try {
      const db = `${dir}/tricky.db`;
      const r = await runCli(["gen", TRICKY, "--to", `sqlite:${db}`, ...ARGS]);
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(
        await run("sqlite3", ["-json", db, "SELECT * FROM people ORDER BY id"]),
      );
      assertRows(
        mapRows(
          rows,
          want.schema,
          (v, type) => (type === "json" && typeof v === "string" ? JSON.parse(v) : v),
        ),
        mapRows(want.rows, want.schema, (v) => (typeof v === "boolean" ? (v ? 1 : 0) : v ?? null)),
        "sqlite",
      );
      const fuzz = `${dir}/fuzz.db`;
      await writeFuzz(`sqlite:${fuzz}`);
      // The shell prints text up to a NUL: read the bytes as hex.
      const back = (JSON.parse(
        await run("sqlite3", [
          "-json",
          fuzz,
          "SELECT id, iif(s IS NULL, NULL, hex(s)) AS s FROM fuzz ORDER BY id",
        ]),
      ) as { id: number; s: string | null }[]).map(({ id, s }) => ({
        id,
        s: s === null ? null : new TextDecoder("utf-8", { ignoreBOM: true }).decode(
          Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16)),
        ),
      }));
      assert.deepEqual(back, fuzzWant(true));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------- PostgreSQL

/** A table's rows through json_agg, base64-encoded (psql's display drops some characters). */
async function pgRows(table: string): Promise<Row[]> {
  const out = await psql(
    `SET TIME ZONE 'UTC'; SELECT encode(convert_to(coalesce(json_agg(t ORDER BY 1), '[]')::text, 'UTF8'), 'base64') FROM ${table} t`,
  );
  const bytes = Uint8Array.from(atob(out.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function fromPg(v: unknown, type: FieldType): unknown {
  if (v === null) return null;
  if (type === "datetime" && typeof v === "string") return new Date(v).toISOString();
  return v;
}

Deno.test({
  name: "postgres sink: hostile values and 600 awkward strings read back exactly (COPY text)",
  ignore: pgEnv.ignore,
  async fn() {
    const schema = uniqueName("fab_values");
    try {
      const r = await runCli(["gen", TRICKY, "--to", pgUrl(schema), ...ARGS]);
      assert.equal(r.code, 0, r.stderr);
      assertRows(
        mapRows(await pgRows(`${schema}.people`), want.schema, fromPg),
        mapRows(want.rows, want.schema, (v) => v ?? null),
        "postgres",
      );
      await writeFuzz(pgUrl(schema));
      assert.deepEqual(await pgRows(`${schema}.fuzz`), fuzzWant(false));
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  },
});

// ---------------------------------------------------------------- MariaDB

/**
 * One JSON object per row through JSON_OBJECT (lines hold no raw line
 * breaks), sorted by id.
 */
async function mysqlRows(url: string, table: string, columns: readonly string[]): Promise<Row[]> {
  const { args, env } = mariadbArgs(url);
  const pairs = columns.map((c) => `'${c}', \`${c}\``).join(", ");
  const out = await run("mariadb", [
    ...args,
    "--batch",
    "--raw",
    "--skip-column-names",
    "-e",
    `SELECT JSON_OBJECT(${pairs}) FROM ${table} ORDER BY 1`,
  ], { env });
  return out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
    .sort((a, b) => (a.id as number) - (b.id as number));
}

function fromMysql(v: unknown, type: FieldType): unknown {
  if (v === null) return null;
  if (type === "datetime" && typeof v === "string") {
    return new Date(v.replace(" ", "T") + "Z").toISOString();
  }
  if (type === "json" && typeof v === "string") return JSON.parse(v);
  return v;
}

/**
 * Loads tricky_values and the fuzz entity into a fresh database of the
 * server at `server` (mysql://user@host:port) and checks every value.
 *
 * @param server The server.
 * @param create Runs SQL on that server (CREATE/DROP DATABASE).
 */
async function mysqlValuesRoundTrip(
  server: string,
  create: (sql: string) => Promise<unknown>,
): Promise<void> {
  const db = uniqueName("fab_values");
  await create(`CREATE DATABASE ${db}`);
  const u = new URL(server);
  const to = `mysql://${u.username || "root"}${u.password ? ":" + u.password : ""}@${u.hostname}:${
    u.port || 3306
  }/${db}`;
  try {
    const r = await runCli(["gen", TRICKY, "--to", to, ...ARGS]);
    assert.equal(r.code, 0, r.stderr);
    const names = want.schema.columns.map((c) => c.name);
    assertRows(
      mapRows(await mysqlRows(server, `\`${db}\`.people`, names), want.schema, fromMysql),
      mapRows(want.rows, want.schema, (v) => (typeof v === "boolean" ? (v ? 1 : 0) : v ?? null)),
      "mysql",
    );
    await writeFuzz(to);
    assert.deepEqual(await mysqlRows(server, `\`${db}\`.fuzz`, ["id", "s"]), fuzzWant(true));
  } finally {
    await create(`DROP DATABASE IF EXISTS ${db}`);
  }
}

Deno.test({
  name: "mysql sink: hostile values and 600 awkward strings read back exactly (LOAD DATA)",
  ignore: mysqlEnv.ignore,
  async fn() {
    const url = mysqlUrl("x");
    assert.equal(await mariadb("SELECT @@local_infile"), "1", "the test server allows LOCAL");
    await mysqlValuesRoundTrip(url.slice(0, url.lastIndexOf("/")), (sql) => mariadb(sql));
  },
});

const mariadbd = await needsProgram("mariadbd", "Debian package mariadb-server");
const installDb = await needsProgram("mariadb-install-db", "Debian package mariadb-server");

/**
 * A throwaway MariaDB server on a free port with `local_infile` off (the
 * default of MySQL 8), run as the current user; shut down by `stop`.
 */
async function serverWithoutLocalInfile(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-mariadb-" });
  const root = Deno.uid() === 0;
  const user = root ? ["--user=root"] : [];
  await run("mariadb-install-db", [
    "--no-defaults",
    ...user,
    `--datadir=${dir}/data`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
  ]);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const server = new Deno.Command("mariadbd", {
    args: [
      "--no-defaults",
      ...user,
      `--datadir=${dir}/data`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${dir}/mysqld.sock`,
      `--pid-file=${dir}/mysqld.pid`,
      `--log-error=${dir}/error.log`,
      "--local-infile=0",
      "--innodb-buffer-pool-size=32M",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `mysql://root@127.0.0.1:${port}`;
  const { args, env } = mariadbArgs(url);
  const stop = async () => {
    try {
      server.kill("SIGTERM");
    } catch { /* exited */ }
    await server.status;
    await Deno.remove(dir, { recursive: true });
  };
  for (let i = 0;; i++) {
    try {
      await run("mariadb-admin", [...args, "ping"], { env });
      return { url, stop };
    } catch (e) {
      if (i >= 150) {
        await stop();
        throw e;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

Deno.test({
  name: "mysql sink: a server with local_infile off gets multi-row INSERTs, every value intact",
  ignore: mysqlEnv.ignore || mariadbd.ignore || installDb.ignore,
  async fn() {
    mariadbd.value();
    installDb.value();
    const { url, stop } = await serverWithoutLocalInfile();
    const { args, env } = mariadbArgs(url);
    const sql = (text: string) => run("mariadb", [...args, "-N", "-B", "-e", text], { env });
    try {
      assert.equal((await sql("SELECT @@local_infile")).trim(), "0");
      await mysqlValuesRoundTrip(url, sql);
    } finally {
      await stop();
    }
  },
});

Deno.test({
  name: "mysql sink: a value LOAD DATA would store as a warning fails the load and leaves nothing",
  ignore: mysqlEnv.ignore,
  async fn() {
    const db = uniqueName("fab_values");
    await mariadb(`CREATE DATABASE ${db}`);
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-values-" });
    const scenario = `${dir}/bad_date.json`;
    // An impossible date: INSERT fails in strict mode; LOAD DATA LOCAL only
    // warns ("Data truncated") and stores a zero date, so the sink must fail.
    await Deno.writeTextFile(
      scenario,
      JSON.stringify({
        name: "bad_date",
        seed: 1,
        reference_date: "2025-01-01",
        entities: {
          people: {
            count: 300,
            fields: {
              id: { sequence: {} },
              born: { date: { from: "2000-01-01", to: "2001-01-01" } },
            },
            anomalies: {
              rate: 0.02,
              label: "none",
              kinds: { impossible: { set: { born: { constant: "2024-02-30" } } } },
            },
          },
        },
      }),
    );
    try {
      const r = await runCli(["gen", scenario, "--to", mysqlUrl(db), "-q"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /while loading people: Data truncated for column 'born'/);
      assert.match(r.stderr, /rolled back: nothing was written/);
      assert.equal(await mariadb(`SHOW TABLES FROM ${db}`), "");
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${db}`);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
