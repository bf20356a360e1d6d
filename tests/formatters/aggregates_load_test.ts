/**
 * The aggregate fixture loaded into real databases: SQLite (sqlite3 shell)
 * and PostgreSQL (psql) recompute every invoice total, line count, running
 * balance and the exact line total from the child rows, and find no
 * difference. Servers come from FABRICATE_TEST_PG; skipped when unset,
 * failing in CI.
 */
import assert from "node:assert/strict";
import { fixture, generate, needsEnv, needsProgram, run, scenarioWith } from "./_roundtrip.ts";

const AGG = fixture("aggregates.yaml");
const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");
const pg = needsEnv("FABRICATE_TEST_PG", "a libpq connection string to a PostgreSQL server");
const psql = await needsProgram("psql", "Debian package postgresql-client");

/** Checks in cents (integers), so floating point cannot hide a difference. Each must return 0. */
const CHECKS: Record<string, string> = {
  "invoice totals": `SELECT count(*) FROM invoices i WHERE CAST(round(i.total * 100) AS BIGINT) <>
    (SELECT sum(CAST(round(l.amount * 100) AS BIGINT)) FROM invoice_lines l WHERE l.invoice_id = i.id)`,
  "line counts": `SELECT count(*) FROM invoices i WHERE i.line_count <>
    (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id)`,
  "largest lines": `SELECT count(*) FROM invoices i WHERE i.largest <>
    (SELECT max(l.amount) FROM invoice_lines l WHERE l.invoice_id = i.id)`,
  "running balances":
    `SELECT count(*) FROM invoice_lines l WHERE CAST(round(l.balance * 100) AS BIGINT) <>
    (SELECT sum(CAST(round(e.amount * 100) AS BIGINT)) FROM invoice_lines e
      WHERE e.invoice_id = l.invoice_id AND e.line_no <= l.line_no)`,
  "line counts within 1–8": `SELECT count(*) FROM invoices WHERE line_count < 1 OR line_count > 8`,
  "short labels": `SELECT count(*) FROM invoice_lines WHERE length(label) > 16`,
  "short names": `SELECT count(*) FROM invoices WHERE length(customer) > 12`,
};

Deno.test({
  name: "sqlite3 recomputes every aggregate, balance and total from the loaded child rows",
  ignore: sqlite.ignore,
  fn: async () => {
    sqlite.value();
    const scenario = await scenarioWith(AGG, { sql: { dialect: "sqlite" } });
    const dir = await generate(scenario, ["--format", "sql", "--layout", "single"]);
    const db = `${dir}/agg.sqlite`;
    const script = await Deno.readTextFile(`${dir}/aggregates.sql`);
    await run("sqlite3", ["-bail", db], { stdin: "PRAGMA foreign_keys = ON;\n" + script });
    const count = async (sql: string) => Number((await run("sqlite3", [db, sql])).trim());
    assert.equal(await count("SELECT count(*) FROM invoice_lines"), 1500, "exact total");
    assert.equal(await count("SELECT count(*) FROM readings"), 5 * 288);
    for (const [what, sql] of Object.entries(CHECKS)) assert.equal(await count(sql), 0, what);
    const steps = await count(
      `SELECT count(*) FROM readings a JOIN readings b ON a.sensor_id = b.sensor_id AND a.rowid + 1 = b.rowid
       WHERE strftime('%s', b.taken_at) - strftime('%s', a.taken_at) <> 300`,
    );
    assert.equal(steps, 0, "readings 5 minutes apart");
  },
});

Deno.test({
  name: "PostgreSQL recomputes every aggregate, balance and total from the loaded child rows",
  ignore: pg.ignore || psql.ignore,
  fn: async () => {
    psql.value();
    const conn = pg.value();
    const schema = `fabricate_agg_${crypto.randomUUID().slice(0, 8)}`;
    const scenario = await scenarioWith(AGG, { sql: { dialect: "postgres", schema } });
    const dir = await generate(scenario, ["--format", "sql", "--layout", "single"]);
    const psqlRun = (args: string[]) =>
      run("psql", [conn, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", ...args], {
        env: { PGTZ: "UTC" },
      });
    try {
      await psqlRun(["-f", `${dir}/aggregates.sql`]);
      const count = async (sql: string) =>
        Number((await psqlRun(["-c", `SET search_path TO "${schema}"; ${sql}`])).trim());
      assert.equal(await count("SELECT count(*) FROM invoice_lines"), 1500, "exact total");
      for (const [what, sql] of Object.entries(CHECKS)) assert.equal(await count(sql), 0, what);
    } finally {
      await psqlRun(["-c", `DROP SCHEMA IF EXISTS "${schema}" CASCADE`]);
    }
  },
});
