/**
 * Parquet read back by DuckDB: the tricky-values fixture with every codec
 * and row groups smaller than a batch and larger than one, and every
 * built-in scenario, whose Parquet files must hold the same rows and values
 * as the JSONL written in the same run, with the column types the schema
 * asks for (BIGINT, DECIMAL(p,s), DOUBLE, BOOLEAN, DATE, TIMESTAMPTZ, UUID,
 * JSON, VARCHAR) and REQUIRED where a column is never null.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import builtins from "../../scenarios/index.json" with { type: "json" };
import type { ColumnInfo, EntitySchema } from "../../core/types.ts";
import {
  assertRows,
  duckdb,
  expected,
  fixture,
  generate,
  mapRows,
  type Row,
  scenarioWith,
  schemasOf,
  sqlText,
} from "./_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 300;
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "64"];
const want = await expected(TRICKY, "people", { people: COUNT });

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The DuckDB type a Parquet column must come back as. */
function parquetDuckType(c: ColumnInfo): string {
  switch (c.type) {
    case "integer":
      return "BIGINT";
    case "number":
      return c.decimals === undefined ? "DOUBLE" : "DECIMAL";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "DATE";
    case "datetime":
      return "TIMESTAMP WITH TIME ZONE";
    case "uuid":
      return "UUID";
    case "json":
      return "JSON";
    default:
      return "VARCHAR";
  }
}

/** A SELECT list that turns each Parquet column into a value comparable to JSON. */
function canonicalSelect(schema: EntitySchema): string {
  return schema.columns.map((c) => {
    const col = q(c.name);
    switch (c.type) {
      case "number":
        return `${col}::VARCHAR AS ${col}`; // exact: DECIMAL prints its digits
      case "date":
        return `strftime(${col}, '%Y-%m-%d') AS ${col}`;
      case "datetime":
        return `epoch_ms(${col}) AS ${col}`;
      case "uuid":
      case "json":
        return `${col}::VARCHAR AS ${col}`;
      default:
        return col;
    }
  }).join(", ");
}

/** What the canonical select gives back, made equal in kind to a JSON value. */
function fromParquet(v: unknown, type: ColumnInfo["type"]): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (type === "number") return Number(v);
  if (type === "json") return JSON.parse(v as string);
  return v;
}

/** A generated (or JSONL) value in the same kind. */
function fromJson(v: unknown, type: ColumnInfo["type"]): unknown {
  if (v === null || v === undefined) return null;
  if (type === "datetime") return Date.parse(v as string);
  if (type === "uuid") return (v as string).toLowerCase();
  return v;
}

async function readParquet(path: string, schema: EntitySchema): Promise<Row[]> {
  return await duckdb(`SELECT ${canonicalSelect(schema)} FROM read_parquet(${sqlText(path)})`);
}

async function assertTypes(path: string, schema: EntitySchema, label: string): Promise<void> {
  const described = await duckdb(`DESCRIBE SELECT * FROM read_parquet(${sqlText(path)})`);
  assert.deepEqual(
    described.map((r) => [r.column_name, String(r.column_type).replace(/\(.*\)$/, "")]),
    schema.columns.map((c) => [c.name, parquetDuckType(c)]),
    `${label}: column types`,
  );
  const repetition = await duckdb(
    `SELECT name, repetition_type FROM parquet_schema(${sqlText(path)}) WHERE num_children IS NULL`,
  );
  assert.deepEqual(
    repetition.map((r) => [r.name, r.repetition_type]),
    schema.columns.map((c) => [c.name, c.nullable ? "OPTIONAL" : "REQUIRED"]),
    `${label}: nullability`,
  );
}

for (const compression of ["zstd", "snappy", "gzip", "none"]) {
  Deno.test(`Parquet (${compression}) reads back in DuckDB with every row, value and type`, async () => {
    const scenario = await scenarioWith(TRICKY, { parquet: { compression, row_group_size: 100 } });
    const dir = await generate(scenario, ["--format", "parquet", ...ARGS]);
    const path = `${dir}/people.parquet`;
    await assertTypes(path, want.schema, `parquet ${compression}`);
    assertRows(
      mapRows(await readParquet(path, want.schema), want.schema, fromParquet),
      mapRows(want.rows, want.schema, fromJson),
      `parquet ${compression}`,
    );
    const [meta] = await duckdb(
      `SELECT count(DISTINCT row_group_id) AS groups, any_value(compression) AS codec
       FROM parquet_metadata(${sqlText(path)})`,
    );
    assert.equal(Number(meta!.groups), 3, "300 rows in row groups of 100");
    assert.equal(meta!.codec, compression === "none" ? "UNCOMPRESSED" : compression.toUpperCase());
  });
}

Deno.test("Parquet files are byte-identical whatever the batch size", async () => {
  const scenario = await scenarioWith(TRICKY, { parquet: { row_group_size: 70 } });
  const a = await generate(scenario, ["--format", "parquet", "--count", "people=200"]);
  const b = await generate(scenario, [
    "--format",
    "parquet",
    "--count",
    "people=200",
    "--batch-size",
    "33",
  ]);
  const sha = async (path: string) =>
    createHash("sha256").update(await Deno.readFile(path)).digest("hex");
  assert.equal(await sha(`${a}/people.parquet`), await sha(`${b}/people.parquet`));
});

Deno.test("Parquet with decimal: double writes decimal numbers as DOUBLE", async () => {
  const scenario = await scenarioWith(fixture("tricky_values.yaml"), {
    parquet: { decimal: "double" },
  });
  const dir = await generate(scenario, ["--format", "parquet", "--count", "people=5"]);
  const types = await duckdb(
    `DESCRIBE SELECT * FROM read_parquet(${sqlText(`${dir}/people.parquet`)})`,
  );
  assert.ok(!types.some((r) => String(r.column_type).startsWith("DECIMAL")));
});

/** Small counts for each built-in scenario: a month of the ERP timelines, a fifth of the rest. */
function smallArgs(name: string): string[] {
  if (name.startsWith("erp/")) {
    return ["--multiplier", "0.2", "--from", "2024-01-01", "--to", "2024-01-31"];
  }
  if (name === "customers-10") return ["--count", "customers=3000"];
  return ["--multiplier", "0.2"];
}

for (const name of builtins.scenarios) {
  Deno.test(`built-in ${name}: Parquet in DuckDB equals the JSONL of the same run, typed`, async () => {
    const dir = await generate(name, ["--format", "jsonl,parquet", ...smallArgs(name)]);
    const schemas = await schemasOf(name);
    let rows = 0;
    for (const schema of schemas) {
      const label = `${name} ${schema.name}`;
      const path = `${dir}/${schema.name}.parquet`;
      await assertTypes(path, schema, label);
      const jsonl = (await Deno.readTextFile(`${dir}/${schema.name}.jsonl`)).split("\n")
        .filter(Boolean).map((line) => JSON.parse(line) as Row);
      assertRows(
        mapRows(await readParquet(path, schema), schema, fromParquet),
        mapRows(jsonl, schema, fromJson),
        label,
      );
      rows += jsonl.length;
    }
    assert.ok(rows > 0, `${name}: some rows were written`);
  });
}

Deno.test("Parquet refuses a value its column type cannot hold, naming the row, and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-parquet-" });
  const { code, stderr } = await runCli(
    ["gen", fixture("mistyped_dates.yaml"), "--format", "parquet", "--out", "out", "--quiet"],
    { cwd: dir },
  );
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /Plugin "parquet" failed in write\(\) for visits\.day at row 3: Cannot write "not a date" as a DATE/,
  );
  assert.match(stderr, /hint: a Parquet column holds one type/);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was written");
});
