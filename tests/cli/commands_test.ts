/**
 * The listing commands: scenarios, plugins, schema and validate.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

Deno.test("scenarios lists every built-in with its description", async () => {
  const r = await runCli(["scenarios"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /quickstart\s+—\s+A small web shop/);
  assert.match(r.stdout, /customers-10/);
});

Deno.test("scenarios/index.json lists exactly the YAML files in scenarios/", async () => {
  const root = new URL("../../scenarios/", import.meta.url);
  const found: string[] = [];
  const walk = async (dir: URL, prefix: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`);
      else if (e.name.endsWith(".yaml")) found.push(prefix + e.name.replace(/\.yaml$/, ""));
    }
  };
  await walk(root, "");
  const index = JSON.parse(await Deno.readTextFile(new URL("index.json", root)));
  assert.deepEqual([...index.scenarios].sort(), found.sort());
});

Deno.test("every built-in scenario validates", async () => {
  const index = JSON.parse(
    await Deno.readTextFile(new URL("../../scenarios/index.json", import.meta.url)),
  );
  for (const name of index.scenarios as string[]) {
    const r = await runCli(["validate", name, "--sample", "200", "--strict"]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
  }
});

Deno.test("plugins lists built-in generators, validators and formatters with their source", async () => {
  const r = await runCli(["plugins", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as {
    name: string;
    kind: string;
    source: string;
    builtin: boolean;
  }[];
  for (
    const [kind, name] of [["generator", "faker"], ["generator", "ref"], ["validator", "format"], [
      "formatter",
      "csv",
    ], ["formatter", "sql"]]
  ) {
    const p = list.find((x) => x.kind === kind && x.name === name);
    assert.ok(p, `${kind} ${name}`);
    assert.ok(p.builtin);
    assert.match(p.source, /^\.\/plugins\//);
  }
});

Deno.test("schema prints the JSON Schema, and scenario.schema.json is up to date", async () => {
  const r = await runCli(["schema"]);
  assert.equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  const generators = schema.$defs.field.anyOf.map((g: { title?: string }) => g.title).filter(
    Boolean,
  );
  assert.ok(generators.includes("faker") && generators.includes("ref"));
  const committed = await Deno.readTextFile(new URL("../../scenario.schema.json", import.meta.url));
  assert.equal(committed, r.stdout, "scenario.schema.json is stale: run deno task schema");
});

Deno.test("validate reports a valid scenario and the order of entities", async () => {
  const r = await runCli(["validate", "quickstart"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /quickstart: valid \(3 entities, 6,200 rows, order customers → products → orders\)/,
  );
});

Deno.test("every built-in scenario file satisfies scenario.schema.json (checked by Ajv)", async () => {
  const { default: Ajv2020 } = await import("ajv/dist/2020.js");
  const { parse } = await import("yaml");
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../../scenario.schema.json", import.meta.url)),
  );
  // deno-lint-ignore no-explicit-any
  const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const index = JSON.parse(
    await Deno.readTextFile(new URL("../../scenarios/index.json", import.meta.url)),
  );
  for (const name of index.scenarios as string[]) {
    const doc = parse(
      await Deno.readTextFile(new URL(`../../scenarios/${name}.yaml`, import.meta.url)),
    );
    assert.ok(validate(doc), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});
