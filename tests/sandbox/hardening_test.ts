/**
 * The hostile corpus of issue 8 (sandbox): each test runs a hostile plugin
 * from tests/fixtures/plugins/hostile/ through the real CLI and checks that
 * the host, not the plugin's own side, stops it: a formatter extension that
 * climbs out of `--out`, symlinks in a plugin's folder, a generator that
 * rewrites its answers, a plugin stuck in a loop when the user presses
 * Ctrl-C.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../_helpers/rows.ts";
import { exists, oneField, project } from "./_setup.ts";

const HOSTILE = new URL("../fixtures/plugins/hostile/", import.meta.url);
const hostile = (name: string) => new URL(`${name}.ts`, HOSTILE).pathname;
const MOD = new URL("../../mod.ts", import.meta.url).href;
const ESCAPED = "/tmp/fabricate-ESCAPED.sh";

/** Files and folders left in `dir` whose name starts with `.fabricate-`. */
async function staging(dir: string): Promise<string[]> {
  const left: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.startsWith(".fabricate-")) left.push(e.name);
  return left;
}

for (const trusted of [false, true]) {
  Deno.test(`a ${trusted ? "trusted" : "sandboxed"} formatter's extension cannot shape a path`, async () => {
    await Deno.remove(ESCAPED).catch(() => {});
    const plugin = hostile("escape_ext");
    const p = await project([plugin], oneField({ constant: 1 }, 2));
    const r = await runCli([
      "gen",
      p.scenario,
      "--out",
      p.out,
      "--format",
      "escape_ext",
      ...(trusted ? ["--trust-plugin", plugin] : []),
    ], { cwd: p.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /formatter "escape_ext" has an invalid file extension "x\/\.\.\//);
    assert.match(r.stderr, /\[a-z0-9\]/, "the rule is stated");
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.equal(await exists(ESCAPED), false, "nothing outside --out");
    assert.equal(await exists(p.out), false, "nothing at --out");
    assert.deepEqual(await staging(p.dir), []);
  });
}

Deno.test("a sandboxed generator that rewrites its answers is caught on the host", async () => {
  const p = await project([hostile("liar")], oneField({ liar: {} }, 30));
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /Plugin "liar" failed in column\(\) for e\.v at row 0: .*a string \("DROP TABLE"\), but the generator's type is "integer"/,
  );
  assert.match(r.stderr, /checked by fabricate/);
  assert.equal(await exists(p.out), false);
  assert.deepEqual(await staging(p.dir), []);
});

Deno.test("a sandboxed generator whose string column does not add up is caught on the host", async () => {
  const p = await project([hostile("misfit")], oneField({ misfit: {} }, 30));
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /Plugin "misfit" failed in column\(\) for e\.v at row 0: answered a string column whose lengths do not add up to its text \(checked by fabricate\)/,
  );
  assert.equal(await exists(p.out), false);
  assert.deepEqual(await staging(p.dir), []);
});

/** A copy of a hostile plugin in a fresh folder, importing fabricate's mod.ts by URL. */
async function pluginFolder(name: string): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-plugin-" });
  const source = (await Deno.readTextFile(hostile(name))).replace(
    '"../../../../mod.ts"',
    JSON.stringify(MOD),
  );
  await Deno.writeTextFile(`${dir}/${name}.ts`, source);
  return { dir, path: `${dir}/${name}.ts` };
}

Deno.test("a symlinked data file that leaves the plugin's folder is refused", async () => {
  const secretDir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${secretDir}/secret.json`, '{"password": "hunter2"}');
  const { dir, path } = await pluginFolder("peek");
  await Deno.symlink(`${secretDir}/secret.json`, `${dir}/data.json`);

  const p = await project([path], oneField({ peek: {} }, 2));
  const listed = await runCli(["plugins", "--scenario", p.scenario], { cwd: p.dir });
  assert.equal(listed.code, 2, listed.stderr);
  assert.match(
    listed.stderr,
    /data\.json" is a link to ".*secret\.json", outside the plugin's folder/,
  );
  assert.ok(!(listed.stdout + listed.stderr).includes("hunter2"));

  const r = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /Cannot load plugin ".*peek\.ts": .*data\.json.*outside the plugin's folder/,
  );
  assert.ok(!(r.stdout + r.stderr).includes("hunter2"), "the secret never shows");
  assert.equal(await exists(p.out), false);
});

Deno.test("a symlinked module that points at a directory elsewhere is refused", async () => {
  const elsewhere = await Deno.makeTempDir();
  await Deno.writeTextFile(`${elsewhere}/private-listing.txt`, "x");
  const { dir, path } = await pluginFolder("lister");
  await Deno.symlink(elsewhere, `${dir}/helpers.ts`);
  const p = await project([path], oneField({ lister: {} }, 2));
  const r = await runCli(["gen", p.scenario, "--out", "-", "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /helpers\.ts.*outside the plugin's folder/);
  assert.ok(!r.stdout.includes("private-listing"), "the directory was not listed");
});

Deno.test("a symlink that stays inside the plugin's folder still works", async () => {
  const { dir, path } = await pluginFolder("peek");
  await Deno.mkdir(`${dir}/data`);
  await Deno.writeTextFile(`${dir}/data/real.json`, '{"inside": 1}');
  await Deno.symlink(`${dir}/data/real.json`, `${dir}/data.json`);
  const p = await project([path], oneField({ peek: {} }, 2));
  const r = await runCli(["gen", p.scenario, "--out", "-", "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inside/);

  // fabricate plugins counts what the sandbox may read of the plugin's own code.
  const listed = await runCli(["plugins", "--scenario", p.scenario, "--json"], { cwd: p.dir });
  assert.equal(listed.code, 0, listed.stderr);
  const row = (JSON.parse(listed.stdout) as { name: string; modules?: string[] }[])
    .find((x) => x.name === "peek");
  assert.deepEqual(row?.modules, [path, `${dir}/data.json`]);
});

Deno.test("Ctrl-C stops a run whose sandboxed plugin is stuck in a loop", async () => {
  const p = await project([hostile("spin")], oneField({ spin: { row: 13 } }, 40), {
    output: { format: "jsonl" },
  });
  const child = spawnCli(
    ["gen", p.scenario, "--out", p.out, "--batch-size", "10", "--plugin-timeout", "600"],
    { cwd: p.dir, stdout: "null" },
  );
  let stderr = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  while (!stderr.includes("spinning at row 13")) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  assert.match(stderr, /spinning at row 13/);
  child.kill("SIGINT");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  const status = await child.status;
  assert.equal(status.code, 130, stderr);
  assert.match(stderr, /Interrupted/);
  assert.match(stderr, /row 13/, "names the row the plugin was stuck on");
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  assert.equal(await exists(p.out), false);
  assert.deepEqual(await staging(p.dir), []);
});

Deno.test("a sandboxed plugin that floods fabricate with messages is stopped, the host survives", async () => {
  const p = await project([hostile("flood")], oneField({ flood: {} }, 5), {
    output: { format: "jsonl" },
  });
  // The heap cap only limits the damage should the check ever regress.
  const r = await runCli(["gen", p.scenario, "--out", p.out], {
    cwd: p.dir,
    denoFlags: ["--v8-flags=--max-old-space-size=512"],
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /Plugin "flood" failed in create\(\) for e\.v: its worker sent a message fabricate did not ask for, so it was stopped/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(await exists(p.out), false);
  assert.deepEqual(await staging(p.dir), []);
});

Deno.test("a sandboxed plugin that allocates without bound is stopped, the host survives", async () => {
  const p = await project([hostile("bomb")], oneField({ bomb: {} }, 5), {
    output: { format: "jsonl" },
  });
  // V8's own cap only limits the damage should the watchdog ever regress.
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--plugin-memory", "400"], {
    cwd: p.dir,
    denoFlags: ["--v8-flags=--max-old-space-size=1500"],
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /Plugin "bomb" failed in create\(\) for e\.v: fabricate's memory reached \d+ MB while it ran \(limit 400 MB\), so its worker was stopped/,
  );
  assert.match(r.stderr, /--plugin-memory/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(await exists(p.out), false);
  assert.deepEqual(await staging(p.dir), []);
});
