/**
 * Layouts through the real CLI: `--layout single` writes one file holding
 * every entity for the formats that can (json, yaml, sql, xml), and it
 * parses back to what was generated; `--layout split` writes one file per
 * record, numbered; CSV and JSONL refuse `single` with exit code 2.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { runCli } from "../_helpers/rows.ts";
import {
  assertRows,
  csvText,
  duckdb,
  expected,
  fixture,
  generate,
  mapRows,
  needsProgram,
  parseXml,
  type Row,
  run,
  scenarioWith,
  sqlText,
} from "./_roundtrip.ts";

const LAYOUTS = fixture("layouts.yaml");
const people = await expected(LAYOUTS, "people");
const tags = await expected(LAYOUTS, "tags");
const ENTITIES = [people, tags] as const;
const sqlite = await needsProgram("sqlite3", "Debian package sqlite3");

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

const native = (e: typeof people) => mapRows(e.rows, e.schema, (v) => v ?? null);
const text = (e: typeof people) => mapRows(e.rows, e.schema, csvText);

function xmlRows(
  el: { children: { name: string; children: { name: string; text: string }[] }[] },
  e: typeof people,
) {
  return el.children.map((row) => {
    const out: Row = {};
    for (const c of e.schema.columns) {
      out[c.name] = row.children.find((x) => x.name === c.name)?.text ?? null;
    }
    return out;
  });
}

Deno.test("layout single writes one JSON document whose keys are the entities", async () => {
  const dir = await generate(LAYOUTS, ["--format", "json", "--layout", "single"]);
  assert.deepEqual(await files(dir), ["layouts.json", "manifest.json"]);
  const doc = JSON.parse(await Deno.readTextFile(`${dir}/layouts.json`));
  assert.deepEqual(Object.keys(doc), ["people", "tags"]);
  for (const e of ENTITIES) {
    assertRows(doc[e.schema.name], native(e), `json single ${e.schema.name}`);
  }
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  assert.equal(manifest.layout, "single");
  assert.deepEqual(manifest.files.map((f: { path: string }) => f.path), ["layouts.json"]);
});

Deno.test("layout single writes one YAML mapping whose keys are the entities", async () => {
  const dir = await generate(LAYOUTS, ["--format", "yaml", "--layout", "single"]);
  assert.deepEqual(await files(dir), ["layouts.yaml", "manifest.json"]);
  const doc = parse(await Deno.readTextFile(`${dir}/layouts.yaml`));
  assert.deepEqual(Object.keys(doc), ["people", "tags"]);
  for (const e of ENTITIES) {
    assertRows(doc[e.schema.name], native(e), `yaml single ${e.schema.name}`);
  }
});

Deno.test("layout single writes YAML empty sequences for entities without rows", async () => {
  const dir = await generate(LAYOUTS, [
    "--format",
    "yaml",
    "--layout",
    "single",
    "--count",
    "people=0",
  ]);
  const doc = parse(await Deno.readTextFile(`${dir}/layouts.yaml`));
  assert.deepEqual(doc.people, []);
  assert.equal(doc.tags.length, 3);
});

Deno.test("layout single writes one XML document: the scenario's root wraps one element per entity", async () => {
  const dir = await generate(LAYOUTS, ["--format", "xml", "--layout", "single"]);
  assert.deepEqual(await files(dir), ["layouts.xml", "manifest.json"]);
  const root = parseXml(await Deno.readTextFile(`${dir}/layouts.xml`));
  assert.equal(root.name, "layouts");
  assert.deepEqual(root.children.map((c) => c.name), ["people", "tags"]);
  for (const [i, e] of ENTITIES.entries()) {
    assertRows(xmlRows(root.children[i]!, e), text(e), `xml single ${e.schema.name}`);
  }
});

Deno.test({
  name: "layout single writes one SQL script that sqlite3 loads into every table",
  ignore: sqlite.ignore,
  fn: async () => {
    sqlite.value();
    const scenario = await scenarioWith(LAYOUTS, { sql: { dialect: "sqlite" } });
    const dir = await generate(scenario, ["--format", "sql", "--layout", "single"]);
    assert.deepEqual(await files(dir), ["layouts.sql", "manifest.json"]);
    const script = await Deno.readTextFile(`${dir}/layouts.sql`);
    assert.equal(script.match(/^BEGIN;$/gm)?.length, 1);
    assert.equal(script.match(/^COMMIT;$/gm)?.length, 1);
    const db = `${dir}/db.sqlite`;
    await run("sqlite3", ["-bail", db], { stdin: script });
    for (const e of ENTITIES) {
      const out = await run("sqlite3", [
        "-json",
        db,
        `SELECT count(*) AS n FROM "${e.schema.name}"`,
      ]);
      assert.deepEqual(JSON.parse(out), [{ n: e.rows.length }], e.schema.name);
    }
  },
});

for (const format of ["csv", "jsonl"]) {
  Deno.test(`layout single is refused for ${format} with exit code 2`, async () => {
    const cwd = await Deno.makeTempDir({ prefix: "fabricate-layout-" });
    const { code, stderr } = await runCli(
      ["gen", LAYOUTS, "--format", format, "--layout", "single", "--out", `${cwd}/out`],
      { cwd },
    );
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`Format "${format}" cannot hold several entities in one file`));
    assert.deepEqual(await files(cwd), [], "nothing is written");
  });
}

/** Reads one split file back as a row, per format. */
const SPLIT_READERS: Record<
  string,
  (path: string, e: typeof people) => Promise<{ row: Row; want: Row[] }>
> = {
  json: async (path, e) => ({ row: JSON.parse(await Deno.readTextFile(path)), want: native(e) }),
  jsonl: async (path, e) => {
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.length, 2, "one line and a final newline");
    return { row: JSON.parse(lines[0]!), want: native(e) };
  },
  yaml: async (path, e) => ({ row: parse(await Deno.readTextFile(path)), want: native(e) }),
  xml: async (path, e) => {
    const root = parseXml(await Deno.readTextFile(path));
    assert.equal(root.name, "row", "the row element is the root");
    return { row: xmlRows({ children: [root] }, e)[0]!, want: text(e) };
  },
  csv: async (path, e) => {
    const [row] = await duckdb(
      `SELECT * FROM read_csv(${
        sqlText(path)
      }, header = true, delim = ',', quote = '"', escape = '"',
        all_varchar = true, allow_quoted_nulls = false)`,
    );
    return { row: row!, want: text(e) };
  },
};

for (const [format, read] of Object.entries(SPLIT_READERS)) {
  Deno.test(`layout split writes one ${format} file per record, numbered, each holding its row`, async () => {
    const dir = await generate(LAYOUTS, ["--format", format, "--layout", "split"]);
    assert.deepEqual(await files(dir), ["manifest.json", "people", "tags"]);
    for (const e of ENTITIES) {
      const name = e.schema.name;
      const names = await files(`${dir}/${name}`);
      assert.deepEqual(
        names,
        e.rows.map((_, i) => `${name}-${String(i + 1).padStart(4, "0")}.${format}`),
        `${name}: numbered files`,
      );
      for (const [i, file] of names.entries()) {
        const { row, want } = await read(`${dir}/${name}/${file}`, e);
        assertRows([row], [want[i]!], `${format} split ${file}`);
      }
    }
  });
}

Deno.test({
  name: "layout split writes one SQL file per record that sqlite3 loads in any order",
  ignore: sqlite.ignore,
  fn: async () => {
    sqlite.value();
    const scenario = await scenarioWith(LAYOUTS, { sql: { dialect: "sqlite", drop_table: true } });
    const dir = await generate(scenario, ["--format", "sql", "--layout", "split"]);
    const db = `${dir}/db.sqlite`;
    for (const e of ENTITIES) {
      const name = e.schema.name;
      const names = (await files(`${dir}/${name}`)).reverse();
      assert.equal(names.length, e.rows.length);
      for (const file of names) {
        const script = await Deno.readTextFile(`${dir}/${name}/${file}`);
        assert.doesNotMatch(
          script,
          /^DROP TABLE/m,
          "split files never drop what earlier files wrote",
        );
        await run("sqlite3", ["-bail", db], { stdin: script });
      }
      const out = await run("sqlite3", ["-json", db, `SELECT count(*) AS n FROM "${name}"`]);
      assert.deepEqual(JSON.parse(out), [{ n: e.rows.length }], name);
    }
  },
});
