/**
 * Real parsers reading back what we write: DuckDB reads the CSV, JSONL and
 * JSON files the CLI generates, and every row and value must equal what the
 * library generates in memory: quotes, delimiters, CR/LF, tabs, padding,
 * unicode, empty strings next to nulls, numbers, booleans and nested JSON.
 */
import assert from "node:assert/strict";
import {
  assertRows,
  csvText,
  duckColumns,
  duckdb,
  expected,
  fixture,
  fromDuck,
  generate,
  hasGenerator,
  mapRows,
  scenarioWith,
  schemasOf,
  sqlText,
} from "./_roundtrip.ts";

const TRICKY = fixture("tricky_values.yaml");
const FAMILY = fixture("family_refs.yaml");
const COUNT = 300;
// Small kernel batches, so rows cross batch boundaries in every writer.
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "64"];
const want = await expected(TRICKY, "people", { people: COUNT });

const CSV_VARIANTS: { label: string; options: Record<string, unknown>; delim: string }[] = [
  { label: "default options", options: {}, delim: "," },
  { label: "a semicolon and LF line ends", options: { delimiter: ";", newline: "lf" }, delim: ";" },
  { label: "a tab delimiter", options: { delimiter: "\t" }, delim: "\t" },
  { label: "every field quoted", options: { quote_all: true }, delim: "," },
];

for (const { label, options, delim } of CSV_VARIANTS) {
  Deno.test(`CSV with ${label} reads back in DuckDB with every row and value generated`, async () => {
    const scenario = await scenarioWith(TRICKY, { csv: options });
    const dir = await generate(scenario, ["--format", "csv", ...ARGS]);
    const rows = await duckdb(
      `SELECT * FROM read_csv(${sqlText(`${dir}/people.csv`)}, header = true, delim = ${
        sqlText(delim)
      },
        quote = '"', escape = '"', all_varchar = true, allow_quoted_nulls = false, strict_mode = true)
       ORDER BY id::BIGINT`,
    );
    assertRows(rows, mapRows(want.rows, want.schema, csvText), `csv (${label})`);
  });
}

Deno.test("JSONL reads back in DuckDB (newline_delimited) with every row and typed value", async () => {
  const dir = await generate(TRICKY, ["--format", "jsonl", ...ARGS]);
  const rows = await duckdb(
    `SELECT * FROM read_json(${sqlText(`${dir}/people.jsonl`)}, format = 'newline_delimited',
      columns = ${duckColumns(want.schema)})`,
  );
  assertRows(
    mapRows(rows, want.schema, fromDuck),
    mapRows(want.rows, want.schema, (v) => v),
    "jsonl",
  );
  const lines = (await Deno.readTextFile(`${dir}/people.jsonl`)).split("\n");
  assert.equal(lines.length, COUNT + 1, "one line per row and a final newline");
  assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), want.schema.columns.map((c) => c.name));
});

Deno.test("JSON arrays read back in DuckDB with every row and typed value", async () => {
  const dir = await generate(TRICKY, ["--format", "json", ...ARGS]);
  const rows = await duckdb(
    `SELECT * FROM read_json(${sqlText(`${dir}/people.json`)}, format = 'array',
      columns = ${duckColumns(want.schema)})`,
  );
  assertRows(
    mapRows(rows, want.schema, fromDuck),
    mapRows(want.rows, want.schema, (v) => v),
    "json",
  );
});

Deno.test("JSON with indent 2 reads back in DuckDB with the same values", async () => {
  const scenario = await scenarioWith(TRICKY, { json: { indent: 2 } });
  const dir = await generate(scenario, ["--format", "json", ...ARGS]);
  const rows = await duckdb(
    `SELECT * FROM read_json(${sqlText(`${dir}/people.json`)}, format = 'array',
      columns = ${duckColumns(want.schema)})`,
  );
  assertRows(
    mapRows(rows, want.schema, fromDuck),
    mapRows(want.rows, want.schema, (v) => v),
    "json indent 2",
  );
});

const HAS_REF = await hasGenerator("ref");
if (!HAS_REF) {
  console.warn(
    "⚠ PENDING: the foreign-key round trip waits for the `ref` generator (plugins/generators/ref.ts)",
  );
}

Deno.test({
  name: "every foreign key in the CSV output resolves to a parent row (DuckDB anti-join)",
  ignore: !HAS_REF,
  fn: async () => {
    const dir = await generate(FAMILY, ["--format", "csv"]);
    const schemas = await schemasOf(FAMILY);
    const read = (entity: string) =>
      `read_csv(${
        sqlText(`${dir}/${entity}.csv`)
      }, header = true, all_varchar = true, allow_quoted_nulls = false)`;
    let checked = 0;
    for (const schema of schemas) {
      for (const column of schema.columns) {
        if (!column.ref) continue;
        const { entity, field } = column.ref;
        const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
        const [result] = await duckdb(
          `SELECT count(c.${q(column.name)}) AS refs,
                  count(*) FILTER (WHERE c.${q(column.name)} IS NOT NULL AND p.${
            q(field)
          } IS NULL) AS orphans
           FROM ${read(schema.name)} c LEFT JOIN ${read(entity)} p ON c.${q(column.name)} = p.${
            q(field)
          }`,
        );
        const label = `${schema.name}.${column.name} → ${entity}.${field}`;
        assert.ok(Number(result!.refs) > 0, `${label}: some rows hold a reference`);
        assert.equal(Number(result!.orphans), 0, `${label}: no orphans`);
        checked++;
      }
    }
    assert.equal(
      checked,
      3,
      "department_id, manager_id (a self-reference) and employee_id are checked",
    );
  },
});
