/**
 * Grants through the real CLI: a plugin gets exactly what it declares and
 * the user grants (flags or deno.json), a declared permission nobody granted
 * refuses it before anything is generated, and a scenario can neither trust
 * its plugins nor grant them anything.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { exists, fixture, oneField, project } from "./_setup.ts";

const READER = fixture("reader");
const NEEDS_NET = fixture("needs_net");

/** A folder with `allowed/a.txt`, `other/b.txt` and `allowed-too/c.txt`. */
async function files(dir: string): Promise<void> {
  for (
    const [sub, name, text] of [["allowed", "a", "alpha"], ["other", "b", "bravo"], [
      "allowed-too",
      "c",
      "charlie",
    ]]
  ) {
    await Deno.mkdir(`${dir}/${sub}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${sub}/${name}.txt`, `${text}\n`);
  }
}

async function read(file: string, grant: string[], cwdConfig?: unknown) {
  const p = await project([READER], oneField({ reader: { file } }, 2));
  await files(p.dir);
  if (cwdConfig) await Deno.writeTextFile(`${p.dir}/deno.json`, JSON.stringify(cwdConfig));
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl", ...grant], {
    cwd: p.dir,
  });
  const data = r.code === 0 ? await Deno.readTextFile(`${p.out}/e.jsonl`) : "";
  return { ...r, p, data };
}

Deno.test("a plugin granted read on one folder reads that folder and nothing else", async () => {
  const grant = ["--allow-plugin-read=reader:./allowed"];
  const ok = await read("allowed/a.txt", grant);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.data, /"v":"alpha"/);

  for (const file of ["other/b.txt", "allowed-too/c.txt", "s.yaml"]) {
    const denied = await read(file, grant);
    assert.equal(denied.code, 1, `${file}: ${denied.stderr}`);
    assert.match(denied.stderr, /Plugin "reader" failed in create\(\).*Requires read access/);
    assert.equal(await exists(denied.p.out), false);
  }
});

Deno.test("a read grant in deno.json resolves against the project folder", async () => {
  const config = { fabricate: { grants: { reader: { read: ["./allowed"] } } } };
  const ok = await read("allowed/a.txt", [], config);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.data, /"v":"alpha"/);
  const denied = await read("other/b.txt", [], config);
  assert.equal(denied.code, 1, denied.stderr);
});

Deno.test("grants on a deno.json plugin entry apply wherever that module is listed", async () => {
  // The scenario lists the reader too: it is loaded once, with the entry's grants.
  const config = { fabricate: { plugins: [{ source: READER, grants: { read: ["./allowed"] } }] } };
  const ok = await read("allowed/a.txt", [], config);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.data, /"v":"alpha"/);
});

Deno.test("a plugin that declares a permission nobody granted is refused before generation", async () => {
  const p = await project([NEEDS_NET], oneField({ needs_net: {} }));
  const r = await runCli(["gen", p.scenario, "--out", p.out], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /Cannot run plugin "needs_net" from ".*needs_net\.ts": it declares permissions you have not granted/,
  );
  assert.match(r.stderr, /plugin "needs_net" asks for net "api\.example\.com"/);
  assert.match(r.stderr, /plugin "needs_net" asks for env "FABRICATE_TEST_TOKEN"/);
  assert.match(r.stderr, /--allow-plugin-net=needs_net:api\.example\.com/);
  assert.match(
    r.stderr,
    /"fabricate": \{ "grants": \{ "needs_net": \{"net":\["api\.example\.com"\]/,
  );
  assert.equal(await exists(p.out), false, "nothing is written");

  // Half granted is still refused, naming only what is missing.
  const half = await runCli([
    "gen",
    p.scenario,
    "--out",
    p.out,
    "--allow-plugin-env=needs_net:FABRICATE_TEST_TOKEN",
  ], { cwd: p.dir });
  assert.equal(half.code, 2, half.stderr);
  assert.match(half.stderr, /asks for net "api\.example\.com"/);
  assert.doesNotMatch(half.stderr, /asks for env/);
});

Deno.test("a grant fabricate itself lacks is refused with the Deno flag to add", async () => {
  const p = await project([NEEDS_NET], oneField({ needs_net: {} }));
  const grants = [
    "--allow-plugin-net=needs_net:api.example.com",
    "--allow-plugin-env=needs_net:FABRICATE_TEST_TOKEN",
  ];
  const r = await runCli(["gen", p.scenario, "--out", p.out, ...grants], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  // The cli permission set has net (for database targets) but not this env variable.
  assert.match(r.stderr, /env "FABRICATE_TEST_TOKEN": fabricate itself does not have that/);
  // A Deno flag replaces the permission set's list: the hint keeps what fabricate already reads.
  assert.match(r.stderr, /--allow-env=LOG_TOKENS,LOG_STREAM,FABRICATE_TEST_TOKEN/);
  assert.equal(await exists(p.out), false);

  const ok = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl", ...grants], {
    cwd: p.dir,
    env: { FABRICATE_TEST_TOKEN: "t0ken" },
    denoFlags: [
      "--allow-net=api.example.com",
      "--allow-env=LOG_TOKENS,LOG_STREAM,FABRICATE_TEST_TOKEN",
    ],
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(await Deno.readTextFile(`${p.out}/e.jsonl`), /"v":"t0ken"/);
});

Deno.test("a scenario cannot trust its own plugins or grant them permissions", async () => {
  const p = await project(
    [{ source: READER, trusted: true, grants: { read: ["/"] } }],
    oneField({ reader: { file: "/etc/hostname" } }),
  );
  const r = await runCli(["gen", p.scenario, "--out", p.out], { cwd: p.dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /s\.yaml:\d+:\d+ plugins\[0\]\.trusted\n\s+A scenario cannot mark its plugins trusted/,
  );
  assert.match(
    r.stderr,
    /plugins\[0\]\.grants\n\s+A scenario cannot grant its plugins permissions/,
  );
  assert.match(r.stderr, /--trust-plugin/);
  assert.equal(await exists(p.out), false);
});

Deno.test("a plugin trusted in deno.json runs in-process, with fabricate's own permissions", async () => {
  const p = await project([], oneField({ reader: { file: "other/b.txt" } }));
  await files(p.dir);
  await Deno.writeTextFile(
    `${p.dir}/deno.json`,
    JSON.stringify({ fabricate: { plugins: [{ source: READER, trusted: true }] } }),
  );
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--format", "jsonl"], { cwd: p.dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(await Deno.readTextFile(`${p.out}/e.jsonl`), /"v":"bravo"/);
});
