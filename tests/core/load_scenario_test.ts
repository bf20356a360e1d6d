import assert from "node:assert/strict";
import { loadScenario } from "../../core/load_scenario.ts";
import { ScenarioError } from "../../core/errors.ts";
import { deepMerge } from "../../core/deep_merge.ts";

async function write(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-load-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("deepMerge merges objects, replaces arrays and removes keys set to null", () => {
  assert.deepEqual(
    deepMerge({ a: { x: 1, y: 2 }, list: [1, 2], keep: true }, { a: { y: null, z: 3 }, list: [9] }),
    { a: { x: 1, z: 3 }, list: [9], keep: true },
  );
});

Deno.test("extends merges a chain of scenarios, the extending one winning", async () => {
  const dir = await write({
    "base.yaml":
      "name: base\nseed: 1\nentities:\n  users:\n    count: 10\n    fields:\n      id: { sequence: {} }\n      role: { choice: [a, b] }\n      note: { constant: x }\n",
    "mid.yaml": "extends: ./base.yaml\nseed: 2\nentities:\n  users:\n    count: 20\n",
    "top.yaml":
      "extends: mid.yaml\nname: top\nentities:\n  users:\n    fields:\n      role: { choice: [c] }\n      note: null\n",
  });
  const loaded = await loadScenario("top.yaml", { cwd: dir });
  const s = loaded.scenario;
  assert.equal(s.name, "top");
  assert.equal(s.seed, 2);
  assert.equal(s.entities.users!.count, 20);
  assert.deepEqual(Object.keys(s.entities.users!.fields), ["id", "role"]);
  assert.deepEqual(s.entities.users!.fields.role, { choice: ["c"] });
  assert.deepEqual(loaded.files, ["top.yaml", "mid.yaml", "base.yaml"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a scenario without a name is named after its file", async () => {
  const dir = await write({
    "my-shop.yaml": "entities:\n  a:\n    count: 1\n    fields:\n      id: 1\n",
  });
  assert.equal((await loadScenario("my-shop.yaml", { cwd: dir })).scenario.name, "my-shop");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("extends can name a built-in scenario", async () => {
  const dir = await write({
    "more.yaml": "extends: quickstart\nname: more\nentities:\n  orders:\n    count: 9\n",
  });
  const s = (await loadScenario("more.yaml", { cwd: dir })).scenario;
  assert.equal(s.entities.orders!.count, 9);
  assert.equal(s.entities.customers!.count, 1000);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an extends cycle is reported with the files in it", async () => {
  const dir = await write({ "a.yaml": "extends: ./b.yaml\n", "b.yaml": "extends: ./a.yaml\n" });
  const e = await loadScenario("a.yaml", { cwd: dir }).catch((e) => e);
  assert.ok(e instanceof ScenarioError);
  assert.match(e.message, /cycle: a\.yaml → b\.yaml → a\.yaml/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("errors in a base scenario point at the base file's line", async () => {
  const dir = await write({
    "base.yaml":
      "name: base\nentities:\n  users:\n    count: 10\n    fields:\n      id: { sequence: {} }\n",
    "top.yaml": "extends: ./base.yaml\nentities:\n  users:\n    count: -1\n",
  });
  const e = await loadScenario("top.yaml", { cwd: dir }).catch((e) => e);
  assert.ok(e instanceof ScenarioError);
  assert.equal(e.issues[0]!.file, "top.yaml");
  assert.equal(e.issues[0]!.line, 4);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("JSON scenarios are located by line and column too", async () => {
  const dir = await write({
    "s.json":
      '{\n  "name": "j",\n  "seed": true,\n  "entities": { "a": { "count": 1, "fields": { "id": 1 } } }\n}\n',
  });
  const e = await loadScenario("s.json", { cwd: dir }).catch((e) => e);
  assert.ok(e instanceof ScenarioError);
  assert.deepEqual([e.issues[0]!.line, e.issues[0]!.column], [3, 11]);
  assert.deepEqual(e.issues[0]!.path, ["seed"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("inline scenario objects load without a file", async () => {
  const s = await loadScenario({
    name: "x",
    entities: { a: { count: 2, fields: { id: { sequence: {} } } } },
  });
  assert.equal(s.file, "<inline>");
  assert.equal(s.scenario.locale, "en");
});

Deno.test("extends applies each file of a diamond once, in order", async () => {
  const dir = await write({
    "master.yaml":
      "name: master\nseed: 1\nentities:\n  u:\n    count: 10\n    fields:\n      id: { sequence: {} }\n      plan: basic\n      status: active\n",
    "model.yaml": "extends: ./master.yaml\nentities:\n  u:\n    fields:\n      plan: business\n",
    "negative.yaml": "extends: ./master.yaml\nentities:\n  u:\n    fields:\n      status: broken\n",
    "both.yaml": "extends: [./model.yaml, ./negative.yaml]\nname: both\n",
  });
  const loaded = await loadScenario("both.yaml", { cwd: dir });
  const fields = loaded.scenario.entities.u!.fields;
  assert.equal(fields.plan, "business", "the model's override survives the second base");
  assert.equal(fields.status, "broken");
  assert.equal(loaded.scenario.name, "both");
  await Deno.remove(dir, { recursive: true });
});
