/**
 * The same plugin gives byte-identical output sandboxed and in-process: the
 * example generator (with same-row reads, nulls, transforms and unique
 * retries), validator and formatter, through the real CLI.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { example, project } from "./_setup.ts";

const PLUGINS = [example("username"), example("luhn"), example("tsv")];

async function generate(extra: string[]) {
  const p = await project(PLUGINS, {
    users: {
      count: 3000,
      fields: {
        id: { sequence: {} },
        first_name: { faker: "person.firstName" },
        // Few digits: collisions make the kernel retry with other attempt keys.
        username: { username: { from: "first_name", digits: 2 }, unique: true },
        nick: {
          username: { from: "first_name", digits: 3, separator: "_" },
          nullable: 0.2,
          transform: "upper",
        },
        card: { pattern: "4###############", validate: "luhn" },
      },
    },
  }, { output: { format: ["tsv", "jsonl"], tsv: { null: "\\N" } } });
  const r = await runCli(["gen", p.scenario, "--out", p.out, ...extra], { cwd: p.dir });
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(await Deno.readTextFile(`${p.out}/manifest.json`));
  return {
    tsv: await Deno.readFile(`${p.out}/users.tsv`),
    jsonl: await Deno.readFile(`${p.out}/users.jsonl`),
    validation: manifest.validation,
    plugins: manifest.plugins,
  };
}

Deno.test("example plugins give byte-identical output sandboxed and in-process", async () => {
  const sandboxed = await generate([]);
  const inProcess = await generate(PLUGINS.flatMap((p) => ["--trust-plugin", p]));
  // The generator: every column of the JSONL file.
  assert.deepEqual(sandboxed.jsonl, inProcess.jsonl);
  // The formatter: the TSV file itself.
  assert.deepEqual(sandboxed.tsv, inProcess.tsv);
  // The validator: the same failures, counted and sampled alike.
  assert.deepEqual(sandboxed.validation, inProcess.validation);
  assert.ok(sandboxed.validation.failures > 0, "random card numbers mostly fail Luhn");

  const text = new TextDecoder().decode(sandboxed.tsv);
  assert.match(text.split("\n")[0]!, /^id\tfirst_name\tusername\tnick\tcard$/);
  assert.match(text, /\\N/, "nullable nicks are null in some rows");
  const names = new Set(text.trim().split("\n").slice(1).map((l) => l.split("\t")[2]));
  assert.equal(names.size, 3000, "usernames are unique");
  assert.deepEqual(
    sandboxed.plugins.map((p: { name: string }) => p.name).sort(),
    inProcess.plugins.map((p: { name: string }) => p.name).sort(),
  );
});

Deno.test("a sandboxed generator gives the same output whatever the batch size", async () => {
  const a = await generate(["--batch-size", "7"]);
  const b = await generate(["--batch-size", "1000"]);
  assert.deepEqual(a.jsonl, b.jsonl);
  assert.deepEqual(a.tsv, b.tsv);
});
