/**
 * `gen --to mysql://…` through the real CLI against a real MariaDB
 * (FABRICATE_TEST_MYSQL), each test in its own database: multi-row INSERTs
 * in one transaction with every constraint on, row counts, a failing load
 * dropping the tables it created (MariaDB commits DDL at once), dry run, the
 * ledger with status and cleanup.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { FAMILY, mariadb, mysqlEnv, mysqlTables, mysqlUrl, uniqueName, VIOLATING } from "./_db.ts";

Deno.test({
  name: "mysql sink: every constraint, row counts, ledger, status, cleanup",
  ignore: mysqlEnv.ignore,
  async fn() {
    const db = uniqueName("fab_sink");
    await mariadb(`CREATE DATABASE ${db}`);
    const to = mysqlUrl(db);
    try {
      const r = await runCli(["gen", FAMILY, "--to", to]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        await mariadb(
          "SELECT CONCAT((SELECT count(*) FROM departments), ',', (SELECT count(*) FROM employees), " +
            "',', (SELECT count(*) FROM badges))",
          db,
        ),
        "12,300,500",
      );
      assert.equal(
        await mariadb(
          `SELECT count(*) FROM information_schema.referential_constraints WHERE constraint_schema = '${db}'`,
        ),
        "2",
        "departments and employees foreign keys are on",
      );
      const status = await runCli(["db", "status", to, "--json"]);
      assert.equal(status.code, 0, status.stderr);
      const runs = JSON.parse(status.stdout);
      assert.equal(runs.length, 1);
      assert.equal(runs[0].status, "complete");
      const clean = await runCli(["db", "cleanup", to, "--run", runs[0].runId]);
      assert.equal(clean.code, 0, clean.stderr);
      assert.deepEqual(await mysqlTables(db), []);
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${db}`);
    }
  },
});

Deno.test({
  name: "mysql sink: a failing load and a dry run leave nothing",
  ignore: mysqlEnv.ignore,
  async fn() {
    const db = uniqueName("fab_sink");
    await mariadb(`CREATE DATABASE ${db}`);
    const to = mysqlUrl(db);
    try {
      const bad = await runCli(["gen", VIOLATING, "--to", to]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /while loading events: .*foreign key constraint fails/);
      assert.deepEqual(await mysqlTables(db), [], "tables and ledger dropped again");
      const dry = await runCli(["gen", FAMILY, "--to", to, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /CREATE TABLE `employees`/);
      assert.deepEqual(await mysqlTables(db), []);
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${db}`);
    }
  },
});

Deno.test({
  name: "mysql sink: a load interrupted mid-stream (LOAD DATA) rolls back and leaves nothing",
  ignore: mysqlEnv.ignore,
  async fn() {
    const { loadInto } = await import("../../plugins/sinks/load.ts");
    const db = uniqueName("fab_sink");
    await mariadb(`CREATE DATABASE ${db}`);
    const stop = new AbortController();
    try {
      await assert.rejects(
        loadInto("customers-10", mysqlUrl(db), {
          counts: { customers: 50_000 },
          batchSize: 1000,
          signal: stop.signal,
          progress: { advance: (_e, done) => done >= 5000 && stop.abort() },
        }),
        /Interrupted: rolled back, nothing was written/,
      );
      assert.deepEqual(await mysqlTables(db), [], "tables and ledger dropped again");
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${db}`);
    }
  },
});
