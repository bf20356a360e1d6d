/**
 * `fabricate serve` loading into the databases named with `--db`, and
 * cleanup dropping what a job loaded: SQLite, PostgreSQL and MariaDB,
 * checked with their own clients (sqlite3, psql, mariadb).
 */
import assert from "node:assert/strict";
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
import { api, startServer, waitJob } from "./_server.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-serve-db-" });
}

Deno.test({
  name: "serve loads a job into a SQLite target and cleanup drops its tables",
  ignore: sqlite3.ignore,
  async fn() {
    const dir = await tempDir();
    const db = `${dir}/dev.db`;
    const server = await startServer(dir, ["--db", `dev=sqlite:${db}`]);
    try {
      const bad = await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        target: "dev",
        formats: ["csv"],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, "formats");
      const r = await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        seed: 3,
        counts: { orders: 250 },
        target: "dev",
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.links.download, undefined);
      const job = await waitJob(server, r.body.id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      assert.equal(job.target, "dev");
      assert.deepEqual(job.files, []);
      assert.deepEqual(job.database.tables.map((t: { name: string }) => t.name).sort(), [
        "customers",
        "orders",
        "products",
      ]);
      assert.equal(job.progress.percent, 100);
      assert.equal(await sqlite(db, "SELECT count(*) FROM orders;"), "250");
      assert.equal((await api(server, "GET", `api/jobs/${r.body.id}/download`)).status, 409);

      const clean = await api(server, "DELETE", `api/jobs/${r.body.id}/data?confirm=${r.body.id}`);
      assert.equal(clean.status, 200, JSON.stringify(clean.body));
      assert.equal(
        await sqlite(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table';"),
        "0",
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  },
});

Deno.test({
  name: "serve loads a job into a PostgreSQL target and cleanup drops its tables",
  ignore: pgEnv.ignore,
  async fn() {
    const dir = await tempDir();
    const schema = uniqueName("serve_api");
    const server = await startServer(dir, ["--db", `pg=${pgUrl(schema)}`]);
    try {
      const targets = await api(server, "GET", "api/targets");
      assert.deepEqual(targets.body, [{ name: "pg", kind: "postgres" }]);
      const r = await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        counts: { orders: 300 },
        target: "pg",
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const job = await waitJob(server, r.body.id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      assert.deepEqual(await pgTables(schema), [
        "customers",
        "fabricate_ledger",
        "orders",
        "products",
      ]);
      assert.equal(await psql(`SELECT count(*) FROM ${schema}.orders`), "300");
      // A second load of the same tables is refused (as gen --to does) and changes nothing.
      const again = await api(server, "POST", "api/jobs", { scenario: "quickstart", target: "pg" });
      const failed = await waitJob(server, again.body.id);
      assert.equal(failed.status, "failed");
      assert.match(failed.error.message, /exist/);
      assert.ok(!failed.error.message.includes(pgUrl(schema)));
      assert.equal(await psql(`SELECT count(*) FROM ${schema}.orders`), "300");

      const clean = await api(server, "DELETE", `api/jobs/${r.body.id}/data?confirm=${r.body.id}`);
      assert.equal(clean.status, 200, JSON.stringify(clean.body));
      assert.deepEqual(await pgTables(schema), []);
    } finally {
      assert.equal(await server.stop(), 0);
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  },
});

Deno.test({
  name: "serve loads a job into a MariaDB target and cleanup drops its tables",
  ignore: mysqlEnv.ignore,
  async fn() {
    const dir = await tempDir();
    const db = uniqueName("serve_api");
    await mariadb(`CREATE DATABASE ${db}`);
    const server = await startServer(dir, ["--db", `maria=${mysqlUrl(db)}`]);
    try {
      const r = await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        counts: { orders: 120 },
        target: "maria",
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const job = await waitJob(server, r.body.id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      assert.equal(await mariadb("SELECT count(*) FROM orders", db), "120");
      const clean = await api(server, "DELETE", `api/jobs/${r.body.id}/data?confirm=${r.body.id}`);
      assert.equal(clean.status, 200, JSON.stringify(clean.body));
      assert.deepEqual(await mysqlTables(db), []);
    } finally {
      assert.equal(await server.stop(), 0);
      await mariadb(`DROP DATABASE IF EXISTS ${db}`);
    }
  },
});
