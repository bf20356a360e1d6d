/**
 * `check` and `report` read Parquet (hyparquet, one row group at a time):
 * DuckDB writes the Parquet files from what `gen` wrote as JSON Lines, in
 * small row groups, and the report's numbers must equal those read from
 * the JSON Lines; an edited price fails its range rule.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlText } from "../formatters/_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";

const ENTITIES = ["customers", "products", "orders"];

async function toParquet(dir: string, edit?: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const e of ENTITIES) {
      await connection.run(
        `CREATE TABLE ${e} AS SELECT * FROM read_json(${sqlText(`${dir}/${e}.jsonl`)})`,
      );
    }
    if (edit) await connection.run(edit);
    for (const e of ENTITIES) {
      await connection.run(
        `COPY ${e} TO ${sqlText(`${dir}/${e}.parquet`)} (FORMAT parquet, ROW_GROUP_SIZE 1024)`,
      );
      await Deno.remove(`${dir}/${e}.jsonl`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

Deno.test("check reads Parquet row groups with the same numbers as JSON Lines", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-parquet-" });
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", "quickstart", "--format", "jsonl", "--out", out, "-q"], {
    cwd: tmp,
  });
  assert.equal(gen.code, 0, gen.stderr);
  const fromJsonl = await runCli(
    ["check", out, "--scenario", "quickstart", "--report", `${tmp}/jsonl.html`],
    { cwd: tmp },
  );
  assert.equal(fromJsonl.code, 0, fromJsonl.stderr);
  await toParquet(out);
  const fromParquet = await runCli(
    ["check", out, "--scenario", "quickstart", "--report", `${tmp}/parquet.html`],
    { cwd: tmp },
  );
  assert.equal(fromParquet.code, 0, fromParquet.stderr);
  assert.match(fromParquet.stderr, /3 files, 6,200 rows, 4 rules, 0 failures/);
  const a = JSON.parse(await Deno.readTextFile(`${tmp}/jsonl.json`));
  const b = JSON.parse(await Deno.readTextFile(`${tmp}/parquet.json`));
  assert.deepEqual(b.entities, a.entities, "same statistics");
  assert.deepEqual(b.foreign_keys, a.foreign_keys);
  assert.deepEqual(b.validation.results, a.validation.results);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check fails an edited Parquet file with the row", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-parquet-" });
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", "quickstart", "--format", "jsonl", "--out", out, "-q"], {
    cwd: tmp,
  });
  assert.equal(gen.code, 0, gen.stderr);
  // Row 1500 of orders sits in the second row group.
  await toParquet(out, "UPDATE orders SET quantity = NULL WHERE id = 1501");
  const r = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /orders\.quantity not-null: 1 null value in a field that is never null\n\s+row 1500/,
  );
  await Deno.writeFile(`${out}/products.parquet`, new TextEncoder().encode("not parquet"));
  const bad = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /Cannot read .*products\.parquet/);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report reads fabricate's own Parquet in every codec with the same numbers as JSON Lines", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-parquet-own-" });
  const entitiesOf = async (input: string, args: string[], name: string) => {
    const out = `${tmp}/${name}`;
    const gen = await runCli(["gen", input, "--seed", "5", "--out", out, "-q", ...args], {
      cwd: tmp,
    });
    assert.equal(gen.code, 0, gen.stderr);
    const report = await runCli(["report", out], { cwd: tmp });
    assert.equal(report.code, 0, report.stderr);
    return JSON.parse(await Deno.readTextFile(`${out}/report.json`)).entities;
  };
  const expected = await entitiesOf("quickstart", ["--format", "jsonl"], "jsonl");
  for (const codec of ["zstd", "gzip", "snappy", "none"]) {
    const scenario = `${tmp}/${codec}.yaml`;
    await Deno.writeTextFile(
      scenario,
      `extends: quickstart\noutput:\n  format: parquet\n  parquet: { compression: ${codec} }\n`,
    );
    const got = await entitiesOf(scenario, [], codec).catch((e) => {
      throw new Error(`${codec}: ${e.message}`);
    });
    assert.deepEqual(got, expected, `parquet ${codec}`);
  }
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report on a run whose files are gone exits 2 with a hint", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-xlsx-report-" });
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", "quickstart", "--format", "xlsx", "--out", out, "-q"], {
    cwd: tmp,
  });
  assert.equal(gen.code, 0, gen.stderr);
  // xlsx is read back now (tests/report/formats_test.ts): with its workbooks gone, nothing is.
  for (const e of ["customers", "products", "orders"]) await Deno.remove(`${out}/${e}.xlsx`);
  const report = await runCli(["report", out], { cwd: tmp });
  assert.equal(report.code, 2, report.stderr);
  assert.match(report.stderr, /none of its files can be read back \(it holds xlsx\)/);
  assert.match(report.stderr, /hint: report reads jsonl, parquet, json, csv, yaml, xml, sql, xlsx/);
  await Deno.remove(tmp, { recursive: true });
});
