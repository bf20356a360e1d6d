/**
 * `gen --to postgres://…` through the real CLI against a real PostgreSQL
 * (FABRICATE_TEST_PG), each test in its own schema: COPY in one transaction
 * with every constraint on, row counts, all or nothing (the foreign key
 * failing at the end of a COPY), dry run, the ledger with status and cleanup.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { FAMILY, pgEnv, pgTables, pgUrl, psql, uniqueName, VIOLATING } from "./_db.ts";

Deno.test({
  name: "postgres sink: COPY with every constraint, ledger, status, cleanup",
  ignore: pgEnv.ignore,
  async fn() {
    const schema = uniqueName("fab_sink");
    const to = pgUrl(schema);
    try {
      const r = await runCli(["gen", FAMILY, "--to", to]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        await psql(
          `SELECT (SELECT count(*) FROM ${schema}.departments) || ',' || ` +
            `(SELECT count(*) FROM ${schema}.employees) || ',' || (SELECT count(*) FROM ${schema}.badges)`,
        ),
        "12,300,500",
      );
      const constraints = await psql(
        `SELECT constraint_type, count(*) FROM information_schema.table_constraints ` +
          `WHERE table_schema = '${schema}' AND table_name <> 'fabricate_ledger' ` +
          `AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') GROUP BY 1 ORDER BY 1`,
      );
      assert.equal(constraints, "FOREIGN KEY|3\nPRIMARY KEY|2", "all constraints are on");
      // Nulls and self-references arrived intact.
      assert.ok(
        Number(await psql(`SELECT count(*) FROM ${schema}.employees WHERE manager_id IS NULL`)) > 0,
      );

      const again = await runCli(["gen", FAMILY, "--to", to]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, new RegExp(`already exist in .*\\(schema ${schema}\\)`));

      const status = await runCli(["db", "status", to]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /family_refs\s+11\s+812\s+departments, employees, badges/);
      const clean = await runCli(["db", "cleanup", to, "--all"]);
      assert.equal(clean.code, 0, clean.stderr);
      assert.deepEqual(await pgTables(schema), []);
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  },
});

Deno.test({
  name: "postgres sink: a failing load and a dry run leave nothing, not even the schema",
  ignore: pgEnv.ignore,
  async fn() {
    const schema = uniqueName("fab_sink");
    const to = pgUrl(schema);
    try {
      const bad = await runCli(["gen", VIOLATING, "--to", to]);
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        /while adding foreign key events_account_id_fkey to events: .*violates foreign key constraint "events_account_id_fkey" \(Key \(account_id\)=\(999999\) is not present/,
      );
      const dry = await runCli(["gen", FAMILY, "--to", to, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`schema:  ${schema}`));
      assert.match(dry.stdout, new RegExp(`CREATE TABLE "${schema}"."employees"`));
      assert.equal(
        await psql(
          `SELECT count(*) FROM information_schema.schemata WHERE schema_name = '${schema}'`,
        ),
        "0",
      );
    } finally {
      await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  },
});
