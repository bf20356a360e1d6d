/**
 * All cores and many machines (issue 9), through the real CLI: `--workers N`
 * writes the same bytes as one worker, `--shard i/n` parts joined in order
 * are one run's files (and DuckDB reads them), and a `--resumable` run
 * interrupted by SIGINT or SIGKILL and continued with `--resume` writes the
 * same bytes as an uninterrupted run.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../_helpers/rows.ts";
import { duckdb, sqlText } from "../formatters/_roundtrip.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-scale-" });
}

/** Every file under `dir` (relative paths), sorted. */
async function files(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await files(dir, path));
    else out.push(path);
  }
  return out.sort();
}

/** The manifest without what may differ between equal runs (timings). */
async function manifestOf(dir: string): Promise<unknown> {
  const m = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  delete m.started_at;
  delete m.duration_ms;
  return m;
}

/** Asserts two output folders hold the same files with the same bytes. */
async function assertSameOutput(a: string, b: string): Promise<void> {
  const names = await files(a);
  assert.deepEqual(await files(b), names);
  for (const name of names) {
    if (name === "manifest.json") continue;
    const [x, y] = [await Deno.readFile(`${a}/${name}`), await Deno.readFile(`${b}/${name}`)];
    assert.ok(x.length > 0 || y.length === 0);
    assert.deepEqual(y, x, `${name} differs`);
  }
  assert.deepEqual(await manifestOf(b), await manifestOf(a));
}

/** The files' bytes, one after the other (`cat`). */
async function joinFiles(paths: string[]): Promise<Uint8Array> {
  const parts = await Promise.all(paths.map((p) => Deno.readFile(p)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function gen(args: string[], cwd: string): Promise<string> {
  const r = await runCli(["gen", ...args], { cwd });
  assert.equal(r.code, 0, r.stderr);
  return r.stderr;
}

const ALL_FORMATS = "csv,json,jsonl,sql,yaml,xml";

for (
  const [scenario, extra] of [
    ["quickstart", ["--format", ALL_FORMATS]],
    ["erp/anomaly-heavy", ["--format", ALL_FORMATS]],
    ["erp/normal-ops", ["--format", "json", "--layout", "single"]],
    ["erp/normal-ops", ["--format", "sql", "--dialect", "postgres", "--layout", "single"]],
    ["user-profile/negative", ["--format", "csv,jsonl"]],
  ] as const
) {
  Deno.test(`gen ${scenario} ${extra.join(" ")}: --workers 2 writes the same bytes and manifest as --workers 1`, async () => {
    const dir = await tempDir();
    try {
      // Small batches: many tasks, answered out of order by the two Workers.
      const args = [scenario, ...extra, "--batch-size", "37", "-q"];
      await gen([...args, "--workers", "1", "--out", "one"], dir);
      await gen([...args, "--workers", "2", "--out", "two"], dir);
      await assertSameOutput(`${dir}/one`, `${dir}/two`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("an entity with a unique-by-retry field is generated on the main thread, with a note; bytes are the same", async () => {
  const dir = await tempDir();
  try {
    const args = [
      "booking/base",
      "--count",
      "patients=3000",
      "--format",
      "json,csv",
      "--batch-size",
      "500",
    ];
    await gen([...args, "--workers", "1", "--out", "one", "-q"], dir);
    const stderr = await gen([...args, "--workers", "2", "--out", "two"], dir);
    assert.match(stderr, /note: patients: generated on the main thread \(email is unique by retry/);
    await assertSameOutput(`${dir}/one`, `${dir}/two`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--shard 0/3 … 2/3: the part files joined in order are one run's files, byte for byte", async () => {
  const dir = await tempDir();
  try {
    // user-profile/model-1: a unique-by-retry field, so later shards replay earlier rows.
    for (const scenario of ["erp/normal-ops", "user-profile/model-1"]) {
      const args = [scenario, "--format", ALL_FORMATS, "--batch-size", "50", "-q"];
      const one = `${dir}/one-${scenario.replace("/", "-")}`;
      await gen([...args, "--out", one], dir);
      const parts = [0, 1, 2].map((i) => `${dir}/part-${scenario.replace("/", "-")}-${i}`);
      for (const [i, out] of parts.entries()) {
        await gen(
          [...args, "--shard", `${i}/3`, "--out", out, "--workers", i === 1 ? "2" : "1"],
          dir,
        );
      }
      const whole = JSON.parse(await Deno.readTextFile(`${one}/manifest.json`));
      for (
        const [entity, { files: written }] of Object.entries(whole.entities) as [
          string,
          { files: { path: string }[] },
        ][]
      ) {
        for (const { path } of written) {
          const ext = path.slice(path.lastIndexOf(".") + 1);
          const joined = await joinFiles(
            parts.map((out, i) => `${out}/${entity}.part-000${i}.${ext}`),
          );
          assert.deepEqual(joined, await Deno.readFile(`${one}/${path}`), path);
        }
      }
      // Each shard's manifest says which rows it holds; together, all of them.
      const manifests = await Promise.all(
        parts.map(async (out) => JSON.parse(await Deno.readTextFile(`${out}/manifest.json`))),
      );
      for (
        const [entity, { rows }] of Object.entries(whole.entities) as [string, { rows: number }][]
      ) {
        let next = 0;
        for (const [i, m] of manifests.entries()) {
          assert.deepEqual([m.shard.index, m.shard.count], [i, 3]);
          assert.equal(m.shard.first_rows[entity], next);
          next += m.entities[entity].rows;
        }
        assert.equal(next, rows, entity);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB reads shard parts: JSONL parts by a glob, CSV parts joined, the same rows as one run", async () => {
  const dir = await tempDir();
  try {
    const args = ["quickstart", "--format", "csv,jsonl", "-q"];
    await gen([...args, "--out", "one"], dir);
    for (const i of [0, 1, 2, 3]) {
      await gen([...args, "--shard", `${i}/4`, "--out", `parts/${i}`], dir);
    }
    await Deno.writeFile(
      `${dir}/orders.csv`,
      await joinFiles([0, 1, 2, 3].map((i) => `${dir}/parts/${i}/orders.part-000${i}.csv`)),
    );
    const q = (from: string) =>
      `SELECT count(*)::INTEGER AS n, sum(hash(t))::VARCHAR AS h FROM ${from} AS t`;
    const one = await duckdb(q(`read_json(${sqlText(`${dir}/one/orders.jsonl`)})`));
    const globbed = await duckdb(
      q(`read_json(${sqlText(`${dir}/parts/*/orders.part-*.jsonl`)})`),
    );
    assert.deepEqual(globbed, one);
    const csvOne = await duckdb(q(`read_csv(${sqlText(`${dir}/one/orders.csv`)})`));
    const csvJoined = await duckdb(q(`read_csv(${sqlText(`${dir}/orders.csv`)})`));
    assert.deepEqual(csvJoined, csvOne);
    assert.ok((one[0]!.n as number) > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Many cheap rows: a run lasts long enough to be interrupted after a few checkpoints. */
const LONG = `name: long
entities:
  rows:
    count: 1500000
    fields:
      id: { sequence: {} }
      word: { faker: lorem.word }
      n: { integer: { min: 1, max: 1000 } }
`;

/**
 * Two entities in one document, a validator on the second: resumed mid-way
 * through it. The run checkpoints every 20 ms (`--checkpoint-every`), so
 * however fast generation gets, it checkpoints before it ends.
 */
const TWO = `name: two
entities:
  a:
    count: 300000
    fields:
      id: { sequence: {} }
      word: { faker: lorem.word }
  b:
    count: 1200000
    fields:
      id: { sequence: {}, validate: [unique] }
      a_id: { ref: a.id }
      n: { integer: { min: 1, max: 9 } }
`;

/** Waits until the resumable run has checkpointed rows of an entity (`"current":{"name":"b"`). */
async function checkpointed(dir: string, mark = '"current"'): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    for await (const e of Deno.readDir(dir)) {
      if (!/^\.fabricate-[0-9a-f]{8}-/.test(e.name)) continue;
      const journal = await Deno.readTextFile(`${dir}/${e.name}/.fabricate-journal.json`)
        .catch(() => "");
      if (journal.includes(mark)) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run never checkpointed");
}

for (
  const [signal, workers, scenario, format, mark] of [
    ["SIGINT", "1", LONG, ["--format", "csv,json"], '"current"'],
    ["SIGKILL", "2", LONG, ["--format", "csv,json"], '"current"'],
    ["SIGTERM", "2", TWO, ["--format", "json,sql", "--layout", "single"], '"current":{"name":"b"'],
  ] as const
) {
  Deno.test(`a --resumable run (${format.join(" ")}) stopped by ${signal} (--workers ${workers}) and resumed writes the same bytes as an uninterrupted run`, async () => {
    const dir = await tempDir();
    try {
      await Deno.writeTextFile(`${dir}/s.yaml`, scenario);
      const args = ["s.yaml", ...format, "--batch-size", "5000"];
      await gen([...args, "--out", "ref", "-q"], dir);
      const child = spawnCli([
        "gen",
        ...args,
        "--out",
        "out",
        "--resumable",
        "--checkpoint-every",
        "20ms",
        "--workers",
        workers,
        "-q",
      ], { cwd: dir });
      await checkpointed(dir, mark);
      child.kill(signal);
      const stopped = await child.output();
      const stderr = new TextDecoder().decode(stopped.stderr);
      if (signal === "SIGINT") {
        assert.equal(stopped.code, 130, stderr);
        assert.match(
          stderr,
          /Interrupted: nothing was written to the output path; the rows written so far are kept for --resume/,
        );
        assert.match(
          stderr,
          /hint: resume with: fabricate gen s\.yaml --format csv,json --batch-size 5000 --checkpoint-every 20ms --workers 1 -q --resume out/,
        );
      }
      assert.ok(
        !(await files(dir)).some((f) => f.startsWith("out/")),
        "nothing at the output path",
      );
      // Another run into another folder of the same parent leaves the interrupted run alone.
      await gen(["quickstart", "--out", "other", "-q"], dir);
      // Different options are refused.
      const other = await runCli(["gen", ...args, "--seed", "9", "--resume", "out"], { cwd: dir });
      assert.equal(other.code, 2, other.stderr);
      assert.match(
        other.stderr,
        /Cannot resume "out": the interrupted run had another scenario, seed or options/,
      );
      await gen([...args, "--resume", "out", "-q"], dir);
      await assertSameOutput(`${dir}/ref`, `${dir}/out`);
      assert.deepEqual(
        (await files(dir)).filter((f) => !/^(ref|out|other)\//.test(f)),
        ["s.yaml"],
        "no journal, staging or lock left",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("--resume with nothing to resume, or to stdout, is a usage error (exit 2)", async () => {
  const dir = await tempDir();
  try {
    const none = await runCli(["gen", "quickstart", "--resume", "out"], { cwd: dir });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /Cannot resume "out": no interrupted resumable run of it was found/);
    const stdout = await runCli(["gen", "quickstart", "--resume", "-"], { cwd: dir });
    assert.equal(stdout.code, 2, stdout.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [args, message] of [
    [["--shard", "3/3"], /Expected --shard I\/N with 0 ≤ I < N, got "3\/3"/],
    [["--shard", "1/0"], /Expected --shard I\/N/],
    [["--shard", "one/3"], /Expected --shard I\/N/],
    [["--shard=-1/3"], /Expected --shard I\/N/],
    [["--workers", "0"], /Expected a whole number ≥ 1 for --workers, got "0"/],
    [["--workers", "two"], /Expected a whole number ≥ 1 for --workers/],
    [["--checkpoint-every", "2s"], /--checkpoint-every applies only to a resumable run/],
    [["--resumable", "--checkpoint-every", "0s"], /Expected a time of at least 1ms/],
    [["--resumable", "--checkpoint-every", "5"], /Expected a time of at least 1ms.*"5"/],
    [
      ["--shard", "0/2", "--format", "json", "--layout", "single"],
      /Cannot write layout "single" in shards/,
    ],
  ] as const
) {
  Deno.test(`gen ${args.join(" ")} is a usage error (exit 2)`, async () => {
    const dir = await tempDir();
    try {
      const r = await runCli(["gen", "quickstart", ...args, "--out", "out"], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(await files(dir), [], "nothing written");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("the progress bar shows rows/s, ETA and the workers making the rows", async () => {
  const { progressReporter } = await import("../../cli/progress.ts");
  let out = "";
  const p = progressReporter({
    isTerminal: () => true,
    writeSync: (b) => {
      out += new TextDecoder().decode(b);
      return b.length;
    },
  });
  p.start?.("customers", 1000, 2);
  await new Promise((r) => setTimeout(r, 120));
  p.advance?.("customers", 500);
  p.done();
  assert.match(out, /customers .* 50% 500\/1,000 {2}[\d,]+ rows\/s {2}ETA (<1|\d+)s {2}2 workers/);
});
