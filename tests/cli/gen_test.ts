/**
 * The gen command end to end, through the real CLI.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { runCli } from "../_helpers/rows.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-gen-" });
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("gen quickstart writes one CSV per entity and a manifest into ./out", async () => {
  const cwd = await tempDir();
  const { code, stdout, stderr } = await runCli(["gen", "quickstart"], { cwd });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "", "stdout carries data only when asked");
  const runs = await files(`${cwd}/out`);
  assert.equal(runs.length, 1);
  assert.match(runs[0]!, /^quickstart-\d{8}T\d{6}Z$/);
  const dir = `${cwd}/out/${runs[0]}`;
  assert.deepEqual(await files(dir), [
    "customers.csv",
    "manifest.json",
    "orders.csv",
    "products.csv",
  ]);
  assert.match(stderr, /customers\s+1,000/);
  assert.match(stderr, /orders\s+5,000/);
  assert.ok(!stderr.includes("\u001b["), "NO_COLOR is honoured");

  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  assert.equal(manifest.scenario.name, "quickstart");
  assert.equal(manifest.seed, 42);
  assert.equal(manifest.entities.orders.rows, 5000);
  for (
    const [name, entity] of Object.entries(manifest.entities) as [
      string,
      { files: { path: string; sha256: string; bytes: number }[] },
    ][]
  ) {
    const file = entity.files[0]!;
    assert.equal(file.path, `${name}.csv`);
    const bytes = await Deno.readFile(`${dir}/${file.path}`);
    assert.equal(file.bytes, bytes.length);
    assert.equal(file.sha256, createHash("sha256").update(bytes).digest("hex"));
  }
  assert.ok(manifest.plugins.some((p: { name: string }) => p.name === "faker"));

  // A second run never overwrites the first.
  const again = await runCli(["gen", "quickstart"], { cwd });
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await files(`${cwd}/out`)).length, 2);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen with the same seed twice writes byte-identical files", async () => {
  const cwd = await tempDir();
  for (const out of ["a", "b"]) {
    const r = await runCli([
      "gen",
      "quickstart",
      "--out",
      out,
      "--format",
      "jsonl",
      "--seed",
      "7",
      "-q",
    ], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "--quiet prints nothing");
  }
  for (const name of ["customers.jsonl", "products.jsonl", "orders.jsonl"]) {
    assert.deepEqual(
      await Deno.readFile(`${cwd}/a/${name}`),
      await Deno.readFile(`${cwd}/b/${name}`),
      name,
    );
  }
  const c = await runCli([
    "gen",
    "quickstart",
    "--out",
    "c",
    "--format",
    "jsonl",
    "--seed",
    "8",
    "-q",
  ], { cwd });
  assert.equal(c.code, 0);
  assert.notDeepEqual(
    await Deno.readFile(`${cwd}/a/customers.jsonl`),
    await Deno.readFile(`${cwd}/c/customers.jsonl`),
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --batch-size does not change the output", async () => {
  const cwd = await tempDir();
  for (const [out, size] of [["one", "1"], ["many", "10000"]]) {
    const r = await runCli([
      "gen",
      "quickstart",
      "--out",
      out!,
      "--batch-size",
      size!,
      "--count",
      "orders=700",
      "-q",
    ], { cwd });
    assert.equal(r.code, 0, r.stderr);
  }
  for (const name of ["customers.csv", "products.csv", "orders.csv"]) {
    assert.deepEqual(
      await Deno.readFile(`${cwd}/one/${name}`),
      await Deno.readFile(`${cwd}/many/${name}`),
      name,
    );
  }
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --out - streams one entity to stdout and writes no file", async () => {
  const cwd = await tempDir();
  const r = await runCli([
    "gen",
    "quickstart",
    "--format",
    "jsonl",
    "--only",
    "customers",
    "--out",
    "-",
    "--count",
    "customers=5",
    "-q",
  ], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.equal(lines[0].id, 1);
  assert.deepEqual(await files(cwd), []);
  const csv = await runCli(["gen", "quickstart", "--format", "csv", "--out", "-"], { cwd });
  assert.equal(csv.code, 2);
  assert.match(csv.stderr, /--only/);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --preview prints rows and writes nothing", async () => {
  const cwd = await tempDir();
  const r = await runCli(["gen", "quickstart", "--preview", "3"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /# customers \(3 of 1,000 rows\)/);
  assert.match(r.stdout, /first_name/);
  assert.deepEqual(await files(cwd), []);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --dry-run prints the plan and writes nothing", async () => {
  const cwd = await tempDir();
  const r = await runCli(["gen", "quickstart", "--dry-run", "--multiplier", "2"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /customers\s+2,000 rows/);
  assert.match(r.stderr, /orders\s+10,000 rows/);
  assert.match(r.stderr, /customer_id\s+ref.*→ customers\.id/);
  assert.deepEqual(await files(cwd), []);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --force replaces an earlier run's output folder", async () => {
  const cwd = await tempDir();
  await Deno.mkdir(`${cwd}/data`);
  await Deno.writeTextFile(`${cwd}/data/old.txt`, "old");
  // --force replaces only fabricate output (a folder with its manifest.json).
  await Deno.writeTextFile(
    `${cwd}/data/manifest.json`,
    JSON.stringify({ fabricate: "0.1.0", scenario: { name: "old" } }),
  );
  const r = await runCli([
    "gen",
    "quickstart",
    "--out",
    "data",
    "--force",
    "-q",
    "--count",
    "orders=10",
  ], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await files(`${cwd}/data`), [
    "customers.csv",
    "manifest.json",
    "orders.csv",
    "products.csv",
  ]);
  assert.deepEqual(
    (await files(cwd)).filter((f) => f.startsWith(".")),
    [],
    "no staging or old folder left",
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --layout single writes one JSON document with every entity", async () => {
  const cwd = await tempDir();
  const r = await runCli([
    "gen",
    "quickstart",
    "--format",
    "json",
    "--layout",
    "single",
    "--out",
    "o",
    "-q",
  ], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(await Deno.readTextFile(`${cwd}/o/quickstart.json`));
  assert.deepEqual(Object.keys(doc), ["customers", "products", "orders"]);
  assert.equal(doc.orders.length, 5000);
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("gen --layout split writes one numbered file per record", async () => {
  const cwd = await tempDir();
  const r = await runCli([
    "gen",
    "quickstart",
    "--format",
    "json",
    "--layout",
    "split",
    "--only",
    "customers",
    "--count",
    "customers=12",
    "--out",
    "o",
    "-q",
  ], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const names = await files(`${cwd}/o/customers`);
  assert.equal(names.length, 12);
  assert.equal(names[0], "customers-0001.json");
  assert.equal(
    JSON.parse(await Deno.readTextFile(`${cwd}/o/customers/customers-0012.json`)).id,
    12,
  );
  await Deno.remove(cwd, { recursive: true });
});

Deno.test("usage errors exit with code 2 and a hint", async () => {
  const unknown = await runCli(["gen", "quickstart", "--fromat", "csv"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option "--fromat"/);
  assert.match(unknown.stderr, /did you mean "--format"\?/);
  const missing = await runCli(["gen"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing <scenario>/);
  const command = await runCli(["generate", "quickstart"]);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /did you mean "gen"\?/);
  const count = await runCli(["gen", "quickstart", "--count", "orders=-1"]);
  assert.equal(count.code, 2);
  const entity = await runCli(["gen", "quickstart", "--count", "ordes=5", "--dry-run"]);
  assert.equal(entity.code, 2);
  assert.match(entity.stderr, /did you mean "orders"\?/);
});

Deno.test("--help and --version answer on stdout", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: fabricate <command>/);
  const genHelp = await runCli(["gen", "--help"]);
  assert.match(genHelp.stdout, /--multiplier X/);
  const version = await runCli(["--version"]);
  assert.match(version.stdout, /^fabricate \d+\.\d+\.\d+/);
});

Deno.test("gen --dialect: writes SQL in that dialect; refuses a bad dialect or another format", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-dialect-" });
  const ok = await runCli(["gen", "quickstart", "--dialect", "mysql", "--out", `${dir}/o`, "-q"], {
    cwd: dir,
  });
  assert.equal(ok.code, 0, ok.stderr);
  const files = [...Deno.readDirSync(`${dir}/o`)].map((f) => f.name).filter((n) =>
    n.endsWith(".sql")
  );
  assert.ok(files.length > 0);
  const text = await Deno.readTextFile(`${dir}/o/${files[0]}`);
  assert.match(text, /dialect mysql/);
  const bad = await runCli(["gen", "quickstart", "--dialect", "oracle", "--out", `${dir}/b`], {
    cwd: dir,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown --dialect "oracle"/);
  const other = await runCli(["gen", "quickstart", "--dialect", "sqlite", "-f", "csv"], {
    cwd: dir,
  });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /--dialect applies to the sql format only/);
  await Deno.remove(dir, { recursive: true });
});
