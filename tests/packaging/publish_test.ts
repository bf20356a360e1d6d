/**
 * Packaging hygiene: `deno publish --dry-run` passes (licence, exports, slow
 * types) without network (proxies point nowhere), publishes what users need
 * and no tests; and `deno task gen` needs none of the test-only packages.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const dec = new TextDecoder();
const OFFLINE = {
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "",
  DENO_NO_UPDATE_CHECK: "1",
};

Deno.test("deno publish --dry-run passes offline and ships no tests", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty", "--config", `${ROOT}/deno.json`],
    cwd: ROOT,
    env: { ...OFFLINE, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = dec.decode(out.stdout) + dec.decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /Success Dry run complete/);
  assert.match(text, /\/LICENSE \(/);
  assert.match(text, /\/mod\.ts \(/);
  assert.match(text, /\/scenarios\/quickstart\.yaml \(/);
  assert.doesNotMatch(text, /file:\/\/\S*\/tests\//);
});

// saxes left this list: report and check read XML and xlsx with it (a runtime dependency now).
const TEST_ONLY = ["@duckdb/node-api", "ajv", "parse5"];

Deno.test("test-only packages live in tests/deno.json, not in fabricate's config or lock", async () => {
  const root = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const tests = JSON.parse(await Deno.readTextFile(`${ROOT}/tests/deno.json`));
  const lock = await Deno.readTextFile(`${ROOT}/deno.lock`);
  for (const name of TEST_ONLY) {
    assert.equal(root.imports[name], undefined, `${name} in deno.json`);
    assert.ok(!lock.includes(`npm:${name}@`), `${name} in deno.lock`);
    assert.ok(tests.imports[name], `${name} missing from tests/deno.json`);
  }
  // The tests run fabricate with the same versions users get.
  for (const [name, spec] of Object.entries(root.imports)) {
    assert.equal(tests.imports[name], spec, `tests/deno.json's ${name}`);
  }
});

Deno.test("`deno task gen` with an empty DENO_DIR fetches only what gen needs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-denodir-" });
  try {
    // --dry-run: the task runs for real but writes nothing into the repository.
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--config", `${ROOT}/deno.json`, "gen", "--dry-run"],
      cwd: ROOT,
      env: { DENO_DIR: dir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    // The task runs deno with -q: no "Permissions in the config file is an experimental feature".
    assert.doesNotMatch(dec.decode(out.stderr), /experimental feature/);
    const fetched: string[] = [];
    for await (const e of Deno.readDir(`${dir}/npm/registry.npmjs.org`)) fetched.push(e.name);
    for (const name of TEST_ONLY) {
      assert.ok(!fetched.includes(name.split("/")[0]!), `${name} was downloaded: ${fetched}`);
    }
    assert.ok(fetched.includes("yaml"), String(fetched));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
