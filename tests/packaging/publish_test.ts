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
