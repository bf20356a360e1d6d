/**
 * `gen --workers N` through the real CLI, beyond tests/cli/scale_test.ts:
 * `--only` and `--report` with several threads give one thread's bytes, a
 * large run whose Workers start before planning does too, and a Worker that
 * throws mid-task or dies fails the run with a clear error, leaving nothing
 * at the output path.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { runCli } from "../_helpers/rows.ts";

const FAULT = new URL("../fixtures/plugins/worker_fault.ts", import.meta.url).pathname;

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

/** Asserts two output folders hold the same files, bytes and manifest (timings aside). */
async function assertSameOutput(a: string, b: string): Promise<void> {
  const names = await files(a);
  assert.deepEqual(await files(b), names);
  for (const name of names) {
    if (name === "manifest.json" || name.startsWith("report.")) continue;
    assert.deepEqual(
      await Deno.readFile(`${b}/${name}`),
      await Deno.readFile(`${a}/${name}`),
      `${name} differs`,
    );
  }
  const manifest = async (dir: string) => {
    const m = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    delete m.started_at;
    delete m.duration_ms;
    delete m.report; // report.html and report.json carry their time of generation
    return m;
  };
  assert.deepEqual(await manifest(b), await manifest(a));
}

async function gen(args: string[], cwd: string): Promise<string> {
  const r = await runCli(["gen", ...args], { cwd });
  assert.equal(r.code, 0, r.stderr);
  return r.stderr;
}

Deno.test("gen --only orders --report --workers 3 writes the bytes and report of --workers 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-workers-" });
  try {
    const args = [
      "quickstart",
      "--count",
      "orders=20011",
      "--only",
      "orders",
      "--report",
      "--format",
      "csv,json",
      "--batch-size",
      "97",
      "-q",
    ];
    await gen([...args, "--workers", "1", "--out", "one"], dir);
    await gen([...args, "--workers", "3", "--out", "three"], dir);
    await assertSameOutput(`${dir}/one`, `${dir}/three`);
    const report = async (d: string) => {
      const r = JSON.parse(await Deno.readTextFile(`${dir}/${d}/report.json`));
      delete r.generated_at;
      return r;
    };
    assert.deepEqual(await report("three"), await report("one"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a large run whose Workers start while the scenario is planned writes the bytes of --workers 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-workers-" });
  try {
    // 60,000 rows of fixed counts: the Workers start before planning (core/worker_count.ts).
    const args = ["customers-10", "--count", "customers=60000", "--format", "jsonl,sql", "-q"];
    await gen([...args, "--workers", "1", "--out", "one"], dir);
    await gen([...args, "--workers", "2", "--out", "two"], dir);
    await assertSameOutput(`${dir}/one`, `${dir}/two`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [mode, message] of [
    [
      "throw",
      /Plugin "worker_fault" failed in value\(\) for e\.v at row (\d+): boom in a Worker at row \1\n/,
    ],
    ["crash", /A generation Worker failed: [^\n]*async boom in a Worker/],
  ] as const
) {
  Deno.test(`hostile: a Worker that ${mode === "throw" ? "throws mid-task" : "dies"} fails the run (exit 1) with a clear error and nothing at the output path`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "fabricate-workers-" });
    try {
      await Deno.writeTextFile(
        `${dir}/s.yaml`,
        stringify({
          name: "s",
          seed: 1,
          plugins: [FAULT],
          // The main thread makes this field slowly: the Worker is sure to get tasks.
          entities: { e: { count: 20_000, fields: { v: { worker_fault: { mode } } } } },
        }),
      );
      const r = await runCli([
        "gen",
        "s.yaml",
        "--trust-plugin",
        FAULT,
        "--workers",
        "2",
        "--batch-size",
        "100",
        "--format",
        "csv",
        "--out",
        "out",
      ], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(await files(dir), ["s.yaml"], "no output, no staging folder");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
