import assert from "node:assert/strict";
import { runCli } from "../../_helpers/rows.ts";

const CITIES = `name,state,zip,population
New York,NY,10001,70
Boston,MA,02134,25
"Springfield, IL",IL,62701,5
Ghost Town,NV,89001,0
`;

/** Writes files into a fresh folder and returns it. */
async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-choice-file-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${name}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

function scenario(fields: string, count = 20_000): string {
  return `name: s
seed: 7
entities:
  people:
    count: ${count}
    fields:
      id: { sequence: {} }
${fields.trim().split("\n").map((l) => `      ${l}`).join("\n")}
`;
}

async function jsonl(dir: string, args: string[] = []): Promise<Record<string, unknown>[]> {
  const { code, stdout, stderr } = await runCli(
    ["gen", "s.yaml", "--format", "jsonl", "--out", "-", ...args],
    { cwd: dir },
  );
  assert.equal(code, 0, stderr);
  return stdout.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("choice from a CSV file follows the weight column and never picks weight 0", async () => {
  const dir = await folderWith({
    "cities.csv": CITIES,
    "s.yaml": scenario(`city: { choice: { file: cities.csv, value: name, weight: population } }`),
  });
  const rows = await jsonl(dir);
  await Deno.remove(dir, { recursive: true });
  const share = (name: string) => rows.filter((r) => r.city === name).length / rows.length;
  assert.ok(Math.abs(share("New York") - 0.7) < 0.02, `${share("New York")}`);
  assert.ok(Math.abs(share("Boston") - 0.25) < 0.02, `${share("Boston")}`);
  assert.ok(Math.abs(share("Springfield, IL") - 0.05) < 0.01, `${share("Springfield, IL")}`);
  assert.equal(share("Ghost Town"), 0);
});

Deno.test("choice from a file is deterministic whatever the batch size or worker count", async () => {
  const dir = await folderWith({
    "cities.csv": CITIES,
    "s.yaml": scenario(
      `city: { choice: { file: cities.csv, value: name, weight: population } }`,
      3000,
    ),
  });
  const a = await runCli(["gen", "s.yaml", "--format", "csv", "--out", "-"], { cwd: dir });
  const b = await runCli(
    ["gen", "s.yaml", "--format", "csv", "--out", "-", "--batch-size", "7"],
    { cwd: dir },
  );
  const c = await runCli(
    ["gen", "s.yaml", "--format", "csv", "--out", "-", "--seed", "8"],
    { cwd: dir },
  );
  // Worker threads read the file themselves and pick the same rows.
  const w = await runCli(
    ["gen", "s.yaml", "--format", "csv", "--out", "-", "--workers", "2"],
    { cwd: dir },
  );
  await Deno.remove(dir, { recursive: true });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(a.stdout, w.stdout);
  assert.notEqual(a.stdout, c.stdout);
});

Deno.test("a row picked whole gives consistent columns of that same row", async () => {
  const dir = await folderWith({
    "data/cities.csv": CITIES,
    "s.yaml": scenario(
      `
city:  { choice: { file: data/cities.csv, weight: population }, hidden: true }
name:  { lookup: { field: city, key: name } }
state: { lookup: { field: city, key: state } }
zip:   { lookup: { field: city, key: zip } }
pop:   { lookup: { field: city, key: population, type: integer } }`,
      2000,
    ),
  });
  const rows = await jsonl(dir);
  await Deno.remove(dir, { recursive: true });
  const valid = new Set([
    "New York|NY|10001|70",
    "Boston|MA|02134|25",
    "Springfield, IL|IL|62701|5",
  ]);
  for (const r of rows) {
    assert.ok(!("city" in r), "the hidden row is not written");
    assert.ok(valid.has(`${r.name}|${r.state}|${r.zip}|${r.pop}`), JSON.stringify(r));
  }
  // A leading zero keeps a postal code text; numbers stay numbers.
  assert.ok(rows.some((r) => r.zip === "02134"));
  assert.ok(rows.every((r) => typeof r.pop === "number"));
});

Deno.test("choice reads JSON (array of objects) and JSONL files", async () => {
  const dir = await folderWith({
    "p.json": JSON.stringify([{ sku: "A-1", w: 1 }, { sku: "B-2", w: 3 }]),
    "p.jsonl": '{"sku":"C-3","w":2}\n\n{"sku":"D-4","w":2}\n',
    "s.yaml": scenario(
      `
a: { choice: { file: p.json, value: sku, weight: w } }
b: { choice: { file: p.jsonl, value: sku } }`,
      4000,
    ),
  });
  const rows = await jsonl(dir);
  await Deno.remove(dir, { recursive: true });
  const bShare = rows.filter((r) => r.a === "B-2").length / rows.length;
  assert.ok(Math.abs(bShare - 0.75) < 0.03, `${bShare}`);
  assert.deepEqual(new Set(rows.map((r) => r.b)), new Set(["C-3", "D-4"]));
});

Deno.test("bad data files exit 2 naming the scenario line, the field path and the fix", async () => {
  const dir = await folderWith({
    "cities.csv": CITIES,
    "empty.csv": "name,weight\n",
    "neg.csv": "name,weight\na,1\nb,-2\n",
    "text.csv": "name,weight\na,1\nb,lots\n",
    "s.yaml": `name: s
entities:
  e:
    count: 3
    fields:
      a: { choice: { file: nope.csv, value: name } }
      b: { choice: { file: cities.csv, value: nmae } }
      c: { choice: { file: empty.csv, value: name } }
      d: { choice: { file: neg.csv, value: name, weight: weight } }
      f: { choice: { file: text.csv, value: name, weight: weight } }
      g: { choice: { file: cities.xlsx, value: name } }
`,
  });
  const { code, stdout, stderr } = await runCli(["gen", "s.yaml", "--out", "out"], { cwd: dir });
  const wrote = await Deno.stat(`${dir}/out`).then(() => true, () => false);
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 2, stderr);
  assert.equal(stdout, "");
  assert.ok(!wrote, "nothing is written");
  for (
    const text of [
      "6 problems",
      "s.yaml:6:28 entities.e.fields.a.choice.file",
      'Cannot read data file "nope.csv": no such file',
      "s.yaml:7:47 entities.e.fields.b.choice.value",
      'has no column "nmae"',
      'did you mean "name"?',
      "s.yaml:8:28 entities.e.fields.c.choice.file",
      'Cannot read data file "empty.csv": it has no rows',
      "entities.e.fields.d.choice.weight",
      'Data file "neg.csv" line 3: weight column "weight" holds -2, not a number >= 0',
      "entities.e.fields.f.choice.weight",
      'Data file "text.csv" line 3: weight column "weight" holds "lots"',
      'unknown format ".xlsx"',
    ]
  ) {
    assert.ok(stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${stderr}`);
  }
});

Deno.test("hostile: a scenario cannot read files outside its folder through file:", async () => {
  const dir = await folderWith({ "inner/s.yaml": "" });
  const secret = await folderWith({ "secret.csv": "name\nTOP-SECRET-VALUE\n" });
  await Deno.symlink(`${secret}/secret.csv`, `${dir}/inner/link.csv`);
  await Deno.writeTextFile(
    `${dir}/inner/s.yaml`,
    `name: s
entities:
  e:
    count: 3
    fields:
      a: { choice: { file: /etc/passwd, value: root } }
      b: { choice: { file: ../../etc/passwd, value: root } }
      c: { choice: { file: "${secret}/secret.csv", value: name } }
      d: { choice: { file: ../../${secret.split("/").pop()}/secret.csv, value: name } }
      f: { choice: { file: link.csv, value: name } }
      g: { choice: { file: "sub/../../inner/../../x.csv", value: name } }
`,
  );
  const { code, stdout, stderr } = await runCli(
    ["gen", "s.yaml", "--format", "jsonl", "--out", "-"],
    { cwd: `${dir}/inner` },
  );
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(secret, { recursive: true });
  assert.equal(code, 2, stderr);
  assert.ok(!stdout.includes("TOP-SECRET") && !stderr.includes("TOP-SECRET"));
  assert.ok(!stdout.includes("root:") && !stderr.includes("root:"));
  assert.equal(stderr.match(/it is outside the scenario's folder/g)?.length, 6, stderr);
});

Deno.test("without read permission for the data file the message names the flag to add", async () => {
  const dir = await folderWith({ "cities.csv": CITIES });
  const data = await folderWith({
    "s.yaml": scenario(`city: { choice: { file: cities.csv, value: name } }`, 3),
  });
  // The scenario is readable, its folder is not (only the file itself is granted).
  const repo = new URL("../../../", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--allow-read=${repo},${data}/s.yaml`,
      "--allow-env",
      "--config",
      `${repo}deno.json`,
      `${repo}cli.ts`,
      "gen",
      `${data}/s.yaml`,
      "--format",
      "jsonl",
      "--out",
      "-",
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(data, { recursive: true });
  assert.equal(out.code, 2, stderr);
  assert.ok(stderr.includes("fabricate needs read permission for"), stderr);
  assert.ok(stderr.includes("hint: run with --allow-read="), stderr);
  assert.ok(stderr.includes("entities.people.fields.city.choice.file"), stderr);
});
