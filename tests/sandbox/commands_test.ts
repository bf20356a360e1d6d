/**
 * What users see of sandboxed plugins through the real CLI: the `plugins`
 * listing, option errors located in the scenario, `schema`, the `plugin
 * new` scaffold, and the library API cleaning up its Workers.
 */
import assert from "node:assert/strict";
import { rowsOf, runCli } from "../_helpers/rows.ts";
import { example, exists, fixture, oneField, project } from "./_setup.ts";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

interface Listed {
  name: string;
  kind: string;
  version: string;
  source: string;
  runs: string;
  permissions: {
    declared: Record<string, string[]>;
    granted: Record<string, string[]> | "all";
    effective: Record<string, string[]> | "all";
  };
  refused?: string;
}

Deno.test("plugins lists where each plugin runs and what it declares, is granted and may touch", async () => {
  const p = await project(
    [fixture("reader"), fixture("needs_net"), example("tsv")],
    oneField({ constant: 1 }),
  );
  const grants = ["--allow-plugin-read=reader:./data", "--allow-plugin-env=reader:HOME"];
  const r = await runCli(["plugins", "--scenario", p.scenario, "--json", ...grants], {
    cwd: p.dir,
  });
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Listed[];
  const csv = list.find((x) => x.name === "csv")!;
  assert.equal(csv.runs, "in-process");
  assert.equal(csv.permissions.effective, "all");

  const reader = list.find((x) => x.name === "reader")!;
  assert.equal(reader.runs, "sandboxed");
  assert.equal(reader.kind, "generator");
  assert.equal(reader.version, "1.0.0");
  assert.match(reader.source, /fixtures\/plugins\/reader\.ts$/);
  assert.deepEqual(reader.permissions.declared, { read: ["*"], net: [], env: [] });
  assert.deepEqual(reader.permissions.granted, { read: [`${p.dir}/data`], net: [], env: ["HOME"] });
  // Granted but not declared: HOME is not effective.
  assert.deepEqual(reader.permissions.effective, { read: [`${p.dir}/data`], net: [], env: [] });

  const tsv = list.find((x) => x.name === "tsv")!;
  assert.equal(tsv.runs, "sandboxed");
  assert.deepEqual(tsv.permissions.effective, { read: [], net: [], env: [] });

  const needsNet = list.find((x) => x.name === "needs_net")!;
  assert.equal(needsNet.runs, "refused");
  assert.deepEqual(needsNet.permissions.declared.net, ["api.example.com"]);
  assert.match(needsNet.refused!, /--allow-plugin-net=needs_net:api\.example\.com/);

  const table = await runCli(["plugins", "--scenario", p.scenario, ...grants], { cwd: p.dir });
  assert.equal(table.code, 0, table.stderr);
  assert.match(
    table.stdout,
    new RegExp(
      `generator\\s+reader\\s+1\\.0\\.0\\s+sandboxed\\s+read ${p.dir}/data \\(declares read \\*\\)`,
    ),
  );
  assert.match(table.stdout, /formatter\s+tsv\s+1\.0\.0\s+sandboxed\s+nothing\s/);
  assert.match(table.stdout, /generator\s+needs_net\s+2\.0\.0\s+refused/);
  assert.match(table.stdout, /formatter\s+csv\s+1\.0\.0\s+in-process\s+anything fabricate may/);
});

Deno.test("options of sandboxed plugins are checked by their own schema and located in the scenario", async () => {
  const p = await project([example("username"), example("tsv")], {
    e: {
      count: 3,
      fields: { name: { constant: "ann" }, v: { username: { form: "name", digits: 12 } } },
    },
  }, { output: { format: "tsv", tsv: { heder: false } } });
  const r = await runCli(["validate", p.scenario], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid scenario \(4 problems\)/);
  assert.match(
    r.stderr,
    /s\.yaml:\d+:\d+ entities\.e\.fields\.v\.username\.form\n\s+Unknown key "form"/,
  );
  assert.match(r.stderr, /hint: did you mean "from"\?/);
  assert.match(
    r.stderr,
    /entities\.e\.fields\.v\.username\.digits\n\s+Expected a value ≤ 8, got 12/,
  );
  assert.match(r.stderr, /entities\.e\.fields\.v\.username\.from\n\s+Missing required "from"/);
  assert.match(r.stderr, /s\.yaml:\d+:\d+ output\.tsv\.heder\n\s+Unknown key "heder"/);
});

Deno.test("schema describes the options of sandboxed plugins from a project's deno.json", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/deno.json`,
    JSON.stringify({ fabricate: { plugins: [example("username")] } }),
  );
  const r = await runCli(["schema"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  const username = schema.$defs.field.anyOf.find((g: { title?: string }) => g.title === "username");
  assert.ok(username, "username is listed among generators");
  assert.deepEqual(Object.keys(username.properties.username.properties), [
    "from",
    "digits",
    "separator",
  ]);
});

Deno.test("plugin new scaffolds each kind with a test that passes, and never overwrites", async () => {
  const dir = await Deno.makeTempDir();
  for (const kind of ["generator", "validator", "formatter"]) {
    const r = await runCli(["plugin", "new", `my_${kind}`, "--kind", kind], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Wrote my_${kind}\\.ts and my_${kind}_test\\.ts`));
  }
  const again = await runCli(["plugin", "new", "my_generator"], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /Cannot write "my_generator\.ts": it already exists/);
  const bad = await runCli(["plugin", "new", "x", "--kind", "generater"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /did you mean "generator"\?/);

  const test = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-P=test", "--quiet", "--config", CONFIG, dir],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(test.stdout) + new TextDecoder().decode(test.stderr);
  assert.ok(test.success, out);
  assert.match(out, /6 passed/);

  // The scaffolded generator loads sandboxed like any plugin.
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    "plugins: [./my_generator.ts]\nentities:\n  e:\n    count: 20\n    fields:\n      roll: { my_generator: { min: 2, max: 3 } }\n",
  );
  const gen = await runCli(["gen", "s.yaml", "--out", "-", "--format", "jsonl"], { cwd: dir });
  assert.equal(gen.code, 0, gen.stderr);
  assert.equal(gen.stdout.trim().split("\n").length, 20);
});

Deno.test("the library API runs sandboxed plugins like trusted ones", async () => {
  const scenario = {
    name: "t",
    seed: 2,
    plugins: [example("username")],
    entities: {
      e: {
        count: 30,
        fields: { first: { constant: "Zoë" }, v: { username: { from: "first", digits: 1 } } },
      },
    },
  };
  const sandboxed = await rowsOf(scenario, "e", { batchSize: 8 });
  const trusted = await rowsOf(scenario, "e", { policy: { trusted: [example("username")] } });
  assert.deepEqual(sandboxed, trusted);
  assert.match(String(sandboxed[0]!.v), /^zoe\d$/);
});

Deno.test("gen, generate and fixture stop their Workers, so a program using them exits", async () => {
  const dir = await Deno.makeTempDir();
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const scenario = JSON.stringify({
    name: "t",
    plugins: [example("username"), example("tsv")],
    entities: { e: { count: 5, fields: { a: "Ann", v: { username: { from: "a" } } } } },
    output: { format: "tsv" },
  });
  // No Deno.exit(): a Worker left running would keep this program alive.
  await Deno.writeTextFile(
    `${dir}/uses_library.ts`,
    `import { fixture, gen, generate } from "${mod}";
const scenario = ${scenario};
await gen(scenario, { out: "${dir}/out" });
for await (const batch of generate(scenario)) console.log(batch.length);
console.log((await fixture(scenario, "e", { count: 2 })).length);
await gen({ ...scenario, entities: { e: { count: 1, fields: { v: { username: {} } } } } })
  .catch((e) => console.log(e.name));
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=test", "--quiet", "--config", CONFIG, `${dir}/uses_library.ts`],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.deepEqual(new TextDecoder().decode(out.stdout).trim().split("\n"), [
    "5",
    "2",
    "ScenarioError",
  ]);
  assert.ok(await exists(`${dir}/out/e.tsv`));
});

Deno.test("a sandboxed field cannot be computed for one row, and a ref to it is refused", async () => {
  const p = await project([example("username")], {
    a: {
      count: 3,
      fields: { first: { constant: "ann" }, key: { username: { from: "first", digits: 6 } } },
    },
    b: { count: 3, fields: { a_key: { ref: "a.key" } } },
  });
  const r = await runCli(["validate", p.scenario], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /Cannot reference a\.key: its generator "username" only answers whole batches/,
  );
  assert.equal(await exists(p.out), false);
});
