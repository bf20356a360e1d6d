/**
 * `fabricate check` and `fabricate report` through the real CLI: exit 0 on
 * generated data, 1 when a file is edited to break a validator or a report
 * check (each failure named by entity, field and row), 2 on bad input; a
 * report never overwrites silently.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

async function generated(args: string[] = []): Promise<{ tmp: string; out: string }> {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-check-" });
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", "quickstart", "--out", out, "-q", ...args], { cwd: tmp });
  assert.equal(gen.code, 0, gen.stderr);
  return { tmp, out };
}

async function editLines(path: string, edit: (lines: string[]) => void): Promise<void> {
  const eol = path.endsWith(".csv") ? "\r\n" : "\n";
  const lines = (await Deno.readTextFile(path)).split(eol);
  edit(lines);
  await Deno.writeTextFile(path, lines.join(eol));
}

Deno.test("check passes generated CSV and exits 0", async () => {
  const { tmp, out } = await generated();
  const r = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /✔ quickstart: 3 files, 6,200 rows, 4 rules, 0 failures/);
  // Without the manifest too (files from elsewhere): counts come from the scenario.
  await Deno.remove(`${out}/manifest.json`);
  const again = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(again.code, 0, again.stderr);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check exits 1 on a broken range, a dangling foreign key and a lost row", async () => {
  const { tmp, out } = await generated();
  // products row 0: a price outside the range rule.
  await editLines(`${out}/products.csv`, (l) => (l[1] = l[1]!.replace(/,[^,]*$/, ",9999")));
  // orders row 1: a customer that does not exist.
  await editLines(`${out}/orders.csv`, (l) => (l[2] = l[2]!.replace(/^(\d+),\d+,/, "$1,99999,")));
  // orders: the last row is gone (the manifest says 5,000).
  await editLines(`${out}/orders.csv`, (l) => l.splice(l.length - 2, 1));
  const r = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /products\.price range: 1 of 200 rows\n\s+row 0: 9999 is outside \[1, 500\]/,
  );
  assert.match(
    r.stderr,
    /orders\.customer_id ref: 1 of 4999 rows\n\s+row 1: 99999 is not a customers\.id/,
  );
  assert.match(
    r.stderr,
    /orders\.customer_id foreign-key: 1 value is no customers\.id\n\s+row 1: 99999/,
  );
  assert.match(r.stderr, /orders row-count: 4999 rows, the manifest says 5000/);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check exits 1 on a null in a field that is never null (JSON Lines)", async () => {
  const { tmp, out } = await generated(["--format", "jsonl"]);
  await editLines(`${out}/orders.jsonl`, (l) => {
    const row = JSON.parse(l[3]!);
    row.status = null;
    l[3] = JSON.stringify(row);
  });
  const r = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /orders\.status not-null: 1 null value in a field that is never null\n\s+row 3/,
  );
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check and report exit 2 on bad input, with the file and line", async () => {
  const { tmp, out } = await generated();
  const missing = await runCli(["check", out], { cwd: tmp });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing --scenario/);
  const nodir = await runCli(["check", `${tmp}/nope`, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(nodir.code, 2);
  assert.match(nodir.stderr, /Cannot read the folder/);
  await Deno.writeTextFile(
    `${tmp}/widgets.yaml`,
    "name: widgets\nentities:\n  widgets:\n    count: 3\n    fields:\n      id: { sequence: {} }\n",
  );
  const other = await runCli(["check", out, "--scenario", "widgets.yaml"], { cwd: tmp });
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, /no file is named after an entity of widgets/);
  await editLines(`${out}/orders.csv`, (l) => (l[5] = l[5]! + ',"open'));
  const bad = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /orders\.csv:6:1: a quoted cell is never closed/);
  const nomanifest = await runCli(["report", tmp], { cwd: tmp });
  assert.equal(nomanifest.code, 2);
  assert.match(nomanifest.stderr, /has no manifest\.json/);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report writes into the folder, never overwrites silently, and --force replaces", async () => {
  const { tmp, out } = await generated();
  const first = await runCli(["report", out], { cwd: tmp });
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
  assert.equal(report.source, "files");
  assert.equal(report.validation.source, "recorded in the manifest at generation");
  const before = await Deno.readTextFile(`${out}/report.json`);
  const again = await runCli(["report", out], { cwd: tmp });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /report\.html: it already exists/);
  assert.equal(await Deno.readTextFile(`${out}/report.json`), before, "left as it was");
  const forced = await runCli(["report", out, "--force"], { cwd: tmp });
  assert.equal(forced.code, 0, forced.stderr);
  const names = [];
  for await (const e of Deno.readDir(out)) names.push(e.name);
  assert.ok(!names.some((n) => n.includes(".tmp-")), "no temporary file left");
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("gen --report and report end on huge constant numbers (histogram bins past 2^53)", async () => {
  // A constant 1e10 column once made the histogram step through bins forever.
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-check-" });
  try {
    await Deno.writeTextFile(
      `${tmp}/big.yaml`,
      `name: big\nentities:\n  a:\n    count: 50\n    fields:\n      id: { sequence: {} }\n` +
        `      big: { constant: 10000000000 }\n      huge: { constant: 1.0e+303 }\n`,
    );
    // A hang fails the test instead of the CI run.
    const run = (args: string[]) =>
      runCli(args, { cwd: tmp, signal: AbortSignal.timeout(120_000) });
    const gen = await run(["gen", "big.yaml", "--format", "csv", "--out", "out", "--report", "-q"]);
    assert.equal(gen.code, 0, gen.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${tmp}/out/report.json`));
    const text = JSON.stringify(report);
    assert.ok(text.includes("10000000000"), "the big column is in the report");
    const again = await run(["report", "out", "--out", `${tmp}/again`]);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("gen --report refuses stdout and database targets", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-check-" });
  const stdout = await runCli([
    "gen",
    "quickstart",
    "--out",
    "-",
    "--only",
    "customers",
    "--report",
  ], {
    cwd: tmp,
  });
  assert.equal(stdout.code, 2);
  assert.match(stdout.stderr, /Cannot write a report to stdout/);
  const db = await runCli(["gen", "quickstart", "--to", `sqlite:${tmp}/x.db`, "--report"], {
    cwd: tmp,
  });
  assert.equal(db.code, 2);
  assert.match(db.stderr, /--report does not apply when loading into a database/);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report reads --layout single's one JSON document with the same numbers as gen --report", async () => {
  const { tmp, out } = await generated(["--format", "json", "--layout", "single", "--report"]);
  const r = await runCli(["report", out, "--out", `${tmp}/again.html`], { cwd: tmp });
  assert.equal(r.code, 0, r.stderr);
  const streamed = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
  const read = JSON.parse(await Deno.readTextFile(`${tmp}/again.json`));
  assert.deepEqual(read.entities, streamed.entities);
  assert.deepEqual(read.foreign_keys, streamed.foreign_keys);
  assert.deepEqual(read.notes, []);
  await Deno.remove(tmp, { recursive: true });
});
