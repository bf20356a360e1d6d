/**
 * A real YAML parser (npm:yaml) reads back what the `yaml` formatter writes:
 * every row and value must equal what the library generates in memory,
 * under the YAML 1.2 core schema and the YAML 1.1 schema alike.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  assertRows,
  expected,
  fixture,
  generate,
  mapRows,
  type Row,
  scenarioWith,
} from "./_roundtrip.ts";

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 150;
const ARGS = ["--count", `people=${COUNT}`, "--batch-size", "40"];
const want = await expected(TRICKY, "people", { people: COUNT });
const same = mapRows(want.rows, want.schema, (v) => v ?? null);

for (const version of ["1.2", "1.1"] as const) {
  Deno.test(`YAML read back by npm:yaml (YAML ${version}) holds every generated row and value`, async () => {
    const dir = await generate(TRICKY, ["--format", "yaml", ...ARGS]);
    const doc = parse(await Deno.readTextFile(`${dir}/people.yaml`), { version }) as Row[];
    assert.ok(Array.isArray(doc), "a sequence of mappings");
    assertRows(doc, same, `yaml ${version}`);
  });
}

Deno.test("YAML with indent 4 and every string quoted reads back the same", async () => {
  const scenario = await scenarioWith(TRICKY, { yaml: { indent: 4, quote_all: true } });
  const dir = await generate(scenario, ["--format", "yaml", ...ARGS]);
  const text = await Deno.readTextFile(`${dir}/people.yaml`);
  assert.match(text, /^- {3}id: 1\n {4}code: "P-00007"\n/);
  assertRows(parse(text) as Row[], same, "yaml indent 4, quote_all");
});

Deno.test("YAML of an entity with no rows is an empty sequence", async () => {
  const dir = await generate(TRICKY, ["--format", "yaml", "--count", "people=0"]);
  const text = await Deno.readTextFile(`${dir}/people.yaml`);
  assert.equal(text, "[]\n");
  assert.deepEqual(parse(text), []);
});
