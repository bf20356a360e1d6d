/**
 * Terminal output escapes control characters that come from scenarios and
 * plugins (names, descriptions, values, error messages), so a hostile file
 * cannot clear the screen, retitle the window or reorder text.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

const PLUGIN = new URL("../fixtures/plugins/ansi.ts", import.meta.url).pathname;
// deno-lint-ignore no-control-regex
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

async function project(scenario: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-ansi-" });
  await Deno.copyFile(PLUGIN, `${dir}/ansi.ts`);
  await Deno.writeTextFile(
    `${dir}/ansi.ts`,
    (await Deno.readTextFile(`${dir}/ansi.ts`)).replace(
      "../../../mod.ts",
      new URL("../../mod.ts", import.meta.url).pathname,
    ),
  );
  await Deno.writeTextFile(`${dir}/s.yaml`, scenario);
  return dir;
}

Deno.test("plugins: a hostile description and version are listed escaped", async () => {
  const dir = await project(
    "name: s\nplugins: [./ansi.ts]\nentities:\n  e:\n    count: 2\n    fields:\n      v: { ansi: {} }\n",
  );
  try {
    const r = await runCli(["plugins", "--scenario", "s.yaml"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!RAW.test(r.stdout), JSON.stringify(r.stdout));
    assert.match(r.stdout, /Looks harmless\\x1b\]0;pwned\\x07\\x1b\[2J\\u202eevil\\x0d/);
    assert.match(r.stdout, /1\.0\.0\\x1b\[2J/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("preview: values with control characters are escaped", async () => {
  const dir = await project(
    'name: s\nentities:\n  e:\n    count: 2\n    fields:\n      v: { constant: { value: "a\\e[2Jb\\a" } }\n',
  );
  try {
    const r = await runCli(["gen", "s.yaml", "--preview", "1"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!RAW.test(r.stdout), JSON.stringify(r.stdout));
    assert.match(r.stdout, /a\\x1b\[2Jb\\x07/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("errors: a hostile key is escaped in the message", async () => {
  const dir = await project('name: s\n"evil\\e]0;pwned\\a": 1\nentities: {}\n');
  try {
    const r = await runCli(["validate", "s.yaml"], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(!RAW.test(r.stderr), JSON.stringify(r.stderr));
    assert.match(r.stderr, /evil\\x1b\]0;pwned\\x07/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
