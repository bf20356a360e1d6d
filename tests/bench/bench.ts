/**
 * `deno task bench`: generation speed and memory on the customers-10
 * workload. Each case runs in its own process (for an honest peak memory).
 *
 * Usage: deno task bench [--rows 1000000] [--scale]   (--scale adds 100k and 10M rows
 * to show that peak memory stays flat as rows grow)
 *
 * Figures are printed, never asserted.
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rows: { type: "string", default: "1000000" },
    scale: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const rows = Number(values.rows);
const here = new URL(".", import.meta.url).pathname;
const config = new URL("../../deno.json", import.meta.url).pathname;

interface Result {
  case: string;
  rows: number;
  ms: number;
  rowsPerSec: number;
  peakMb: number;
  bytes: number;
}

async function run(name: string, n: number): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-bench-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-P=bench",
        "--quiet",
        "--config",
        config,
        `${here}bench_case.ts`,
        name,
        String(n),
        dir,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`bench case ${name} failed`);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    return JSON.parse(lines.at(-1)!) as Result;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const cases = [
  "hand-written-faker-loop",
  "gen-csv",
  "gen-jsonl",
  "formatter-csv",
  "formatter-jsonl",
].filter((c) => !values.only || c.includes(values.only));

const fmt = (n: number) => n.toLocaleString("en-US");
console.log(
  `fabricate bench — customers-10, ${
    fmt(rows)
  } rows, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
);
console.log("case                       rows        time      rows/s   peak MB   size MB");
const results: Result[] = [];
const print = (r: Result) =>
  console.log(
    `${r.case.padEnd(24)} ${fmt(r.rows).padStart(10)} ${(r.ms / 1000).toFixed(2).padStart(8)}s ${
      fmt(r.rowsPerSec).padStart(11)
    } ${String(r.peakMb).padStart(9)} ${(r.bytes / 1048576).toFixed(1).padStart(9)}`,
  );
for (const name of cases) {
  const r = await run(name, rows);
  results.push(r);
  print(r);
}
const baseline = results.find((r) => r.case === "hand-written-faker-loop");
const csv = results.find((r) => r.case === "gen-csv");
if (baseline && csv) {
  console.log(
    `\ngen-csv vs hand-written faker loop: ${(csv.rowsPerSec / baseline.rowsPerSec).toFixed(2)}×`,
  );
}
if (values.scale) {
  console.log("\nmemory as rows grow (gen-csv):");
  for (const n of [100_000, 1_000_000, 10_000_000]) print(await run("gen-csv", n));
}
