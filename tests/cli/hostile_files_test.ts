/**
 * Hostile scenario files that the tests/cases/bad corpus cannot hold as
 * data: FIFOs, oversize files, and missing Deno read permissions (library
 * and CLI). Each is a clear exit 2, never a hang, an OOM or a wrong
 * "Cannot find scenario … did you mean" message.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const CONFIG = `${ROOT}/deno.json`;
const dec = new TextDecoder();

function clean(stderr: string): string {
  return stderr.replace(/^.*Permissions in the config file is an experimental feature.*\n/gm, "");
}

Deno.test("a FIFO as scenario or extends is refused, not waited on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-fifo-" });
  try {
    const mk = await new Deno.Command("mkfifo", { args: [`${dir}/pipe.yaml`] }).output();
    assert.ok(mk.success);
    const direct = await runCli(["gen", "pipe.yaml", "--out", "out"], { cwd: dir });
    assert.equal(direct.code, 2, direct.stderr);
    assert.match(direct.stderr, /Cannot read scenario "pipe\.yaml": it is not a regular file/);
    await Deno.writeTextFile(`${dir}/s.yaml`, "name: s\nextends: ./pipe.yaml\n");
    const via = await runCli(["validate", "s.yaml"], { cwd: dir });
    assert.equal(via.code, 2, via.stderr);
    assert.match(via.stderr, /it is not a regular file/);
    assert.ok(!via.stderr.includes("    at "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a scenario over the size ceiling is refused before it is read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-big-" });
  try {
    const file = await Deno.open(`${dir}/big.yaml`, { write: true, create: true });
    await file.truncate(17 * 1024 * 1024); // sparse: 17 MiB of nothing
    file.close();
    const r = await runCli(["gen", "big.yaml", "--out", "out"], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Cannot read scenario "big\.yaml": it is 17 MiB, more than the 16 MiB/);
    assert.equal(await Deno.stat(`${dir}/out`).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("library fixture() without read permission says which permission, not 'did you mean'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-perm-" });
  try {
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { fixture } from "${ROOT}/mod.ts";\n` +
        `try { await fixture("quickstart", "customers", { count: 1 }); }\n` +
        `catch (e) { console.log((e as Error).message); Deno.exit(3); }\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--config", CONFIG, `--allow-read=${dir}`, `${dir}/main.ts`],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = dec.decode(out.stdout);
    assert.equal(out.code, 3, clean(dec.decode(out.stderr)));
    assert.match(text, /^fabricate needs read permission for .*\/scenarios\/quickstart\.yaml/);
    assert.match(text, /hint: run with --allow-read=/);
    assert.ok(!text.includes("did you mean"), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI without read permission for the scenario says which permission", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-perm-" });
  const other = await Deno.makeTempDir({ prefix: "fabricate-perm-other-" });
  try {
    await Deno.writeTextFile(`${other}/shop.yaml`, "name: shop\n");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--config",
        CONFIG,
        `--allow-read=${ROOT},${dir}`,
        "--allow-env=LOG_TOKENS,LOG_STREAM",
        `${ROOT}/cli.ts`,
        "validate",
        `${other}/shop.yaml`,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = clean(dec.decode(out.stderr));
    assert.equal(out.code, 2, stderr);
    assert.equal(
      stderr.trim().split("\n")[0],
      `error: fabricate needs read permission for ${other}/shop.yaml`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});
