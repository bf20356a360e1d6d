/**
 * `gen --to sqlite:FILE` through the real CLI, read back with the sqlite3
 * shell: every constraint on (PRIMARY KEY, UNIQUE, NOT NULL, FOREIGN KEY with
 * PRAGMA foreign_keys), row counts, the same rows as a file run, all or
 * nothing, dry run, existing tables, the ledger with db status and cleanup.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../_helpers/rows.ts";
import { FAMILY, sqlite, sqlite3, VIOLATING } from "./_db.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test({
  name: "sqlite sink: loads parents before children with every constraint, ledger, status, cleanup",
  ignore: sqlite3.ignore,
  async fn() {
    sqlite3.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-" });
    const db = `${dir}/family.db`;
    const to = `sqlite:${db}`;
    const r = await runCli(["gen", FAMILY, "--to", to]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Loaded 812 rows into 3 tables/);
    const counts = await sqlite(
      db,
      "PRAGMA foreign_keys=ON; SELECT (SELECT count(*) FROM departments) || ',' || " +
        "(SELECT count(*) FROM employees) || ',' || (SELECT count(*) FROM badges); " +
        "PRAGMA foreign_key_check;",
    );
    assert.equal(counts, "12,300,500", "row counts, and no foreign key violation");
    const ddl = await sqlite(db, "SELECT sql FROM sqlite_master WHERE name = 'employees'");
    assert.match(ddl, /PRIMARY KEY/);
    assert.match(ddl, /FOREIGN KEY \("department_id"\) REFERENCES "departments"/);

    // The same rows as a file run (the sink keeps determinism).
    const file = await runCli(["gen", FAMILY, "--only", "employees", "-f", "jsonl", "--out", "-"]);
    assert.equal(file.code, 0, file.stderr);
    const expected = file.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const loaded = JSON.parse(
      await sqlite(db, ".mode json\nSELECT * FROM employees ORDER BY rowid;"),
    );
    assert.deepEqual(loaded, expected);

    // Existing tables: refused (exit 2), nothing changed; --replace recreates.
    const again = await runCli(["gen", FAMILY, "--to", to, "--seed", "5"]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exist.*\n.*--replace/);
    const replaced = await runCli(["gen", FAMILY, "--to", to, "--replace", "-q"]);
    assert.equal(replaced.code, 0, replaced.stderr);

    const status = await runCli(["db", "status", to, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const runs = JSON.parse(status.stdout);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[1].tables, [
      { name: "departments", rows: 12 },
      { name: "employees", rows: 300 },
      { name: "badges", rows: 500 },
    ]);
    assert.equal(runs[1].scenario, "family_refs");
    assert.equal(runs[1].seed, "11");

    // A table the user made is never touched by cleanup.
    await sqlite(db, "CREATE TABLE mine (x INTEGER);");
    const older = await runCli(["db", "cleanup", to, "--run", runs[0].runId]);
    assert.equal(older.code, 0, older.stderr);
    assert.match(older.stderr, /no tables to drop/, "the newer run still claims the tables");
    const clean = await runCli(["db", "cleanup", to, "--all"]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(await sqlite(db, "SELECT name FROM sqlite_master WHERE type = 'table';"), "mine");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "sqlite sink: a constraint failing mid-load, a dry run and the row ceiling leave nothing",
  ignore: sqlite3.ignore,
  async fn() {
    sqlite3.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-" });
    const db = `${dir}/v.db`;
    const bad = await runCli(["gen", VIOLATING, "--to", `sqlite:${db}`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /failed while loading events: FOREIGN KEY constraint failed/);
    assert.match(bad.stderr, /rolled back: nothing was written/);
    assert.ok(!(await exists(db)), "the new file is removed");

    // An existing file keeps its own tables and gets none of ours.
    await sqlite(db, "CREATE TABLE mine (x INTEGER);");
    const again = await runCli(["gen", VIOLATING, "--to", `sqlite:${db}`]);
    assert.equal(again.code, 1);
    assert.equal(await sqlite(db, "SELECT name FROM sqlite_master WHERE type = 'table';"), "mine");

    const dry = await runCli(["gen", FAMILY, "--to", `sqlite:${dir}/dry.db`, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /1\s+departments\s+12\n\s+2\s+employees\s+300\n\s+3\s+badges\s+500/);
    assert.match(dry.stdout, /CREATE TABLE "badges"/);
    assert.ok(!(await exists(`${dir}/dry.db`)), "a dry run creates nothing");

    const ceiling = await runCli([
      "gen",
      FAMILY,
      "--to",
      `sqlite:${dir}/c.db`,
      "--max-rows",
      "800",
    ]);
    assert.equal(ceiling.code, 2);
    assert.match(ceiling.stderr, /Refusing to load 812 rows .* ceiling of 800/);
    assert.ok(!(await exists(`${dir}/c.db`)));
    await Deno.remove(dir, { recursive: true });
  },
});

/** Starts loading 2,000,000 customers-10 rows into a SQLite file with the real CLI. */
function loadLarge(db: string, stderr: "null" | "piped"): Deno.ChildProcess {
  return spawnCli(
    ["gen", "customers-10", "--count", "customers=2000000", "--to", `sqlite:${db}`, "-q"],
    { stdout: "null", stderr },
  );
}

/** Waits (up to a minute) for the rollback journal, which appears once rows are being written. */
async function journalAppears(db: string): Promise<boolean> {
  for (let i = 0; i < 1200; i++) {
    if (await exists(`${db}-journal`)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

Deno.test({
  name: "sqlite sink: a process killed mid-load (SIGKILL) leaves no table behind",
  ignore: sqlite3.ignore,
  async fn() {
    sqlite3.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-" });
    const db = `${dir}/killed.db`;
    const child = loadLarge(db, "null");
    const writing = await journalAppears(db);
    child.kill("SIGKILL");
    await child.status;
    assert.ok(writing, "the load was under way when killed");
    // Opening the file rolls the hot journal back.
    assert.equal(await sqlite(db, "SELECT count(*) FROM sqlite_master;"), "0");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "sqlite sink: Ctrl-C (SIGINT) mid-load rolls back, removes the new file and exits 130",
  ignore: sqlite3.ignore,
  async fn() {
    sqlite3.value();
    const dir = await Deno.makeTempDir({ prefix: "fabricate-sink-" });
    const db = `${dir}/interrupted.db`;
    const child = loadLarge(db, "piped");
    const writing = await journalAppears(db);
    // node:sqlite writes synchronously: the loader must still let the signal in.
    child.kill("SIGINT");
    const out = await child.output();
    assert.ok(writing, "the load was under way when interrupted");
    assert.equal(out.code, 130);
    assert.match(new TextDecoder().decode(out.stderr), /Interrupted: rolled back/);
    assert.equal(await exists(db), false, "the file the run created is gone");
    await Deno.remove(dir, { recursive: true });
  },
});
