/**
 * `deno task bench`: generation speed and memory on the customers-10
 * workload. Each case runs in its own process (for an honest peak memory).
 *
 * Usage: deno task bench [--rows 1000000] [--scale] [--only TEXT] [--repeat N]
 * (--scale adds 100k and 10M rows to show that peak memory stays flat as rows grow;
 * --only runs the cases whose name contains TEXT, or one of several comma-separated
 * texts; --repeat runs every case N times, interleaved, and reports the run with
 * the median time, for noisy machines)
 *
 * Then the ERP suite: erp/normal-ops, one year of all 18 entities (rows/s over
 * all of them); --scale adds four years, written and streamed, to show that
 * parent-row lookups keep memory flat.
 *
 * Then the formatters alone (tests/bench/format_cases.ts): every format, and csv
 * with --compress gzip and zstd, in rows/s and MB/s; `--only format` runs just them.
 *
 * The worker cases (`--only workers`) print the speed-up of every core over one
 * thread, and beside it the machine's ceiling for the same work: as many
 * independent one-thread runs as cores, at once, against one alone.
 *
 * Then the database sinks (tests/bench/sink_cases.ts): customers-10 into SQLite,
 * PostgreSQL (COPY) and MariaDB (LOAD DATA), writes only (`sink-*-writes`) and
 * end to end, the servers from FABRICATE_TEST_PG and FABRICATE_TEST_MYSQL
 * (cases skipped when unset); `--only sink` runs just them.
 *
 * Figures are printed, never asserted.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { SINK_CASES } from "./sink_cases.ts";
import { printSpeedRatio } from "./speed_ratio.ts";
import { FORMAT_CASES, formatRate } from "./format_cases.ts";
import { REPORT_CASES } from "./report_cases.ts";
import { MASK_CASES } from "./mask_cases.ts";
import { SERVE_CASES } from "./serve_cases.ts";
import { MASK_DB_CASES } from "./mask_db_cases.ts";
import { WORKER_CASES } from "./worker_cases.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rows: { type: "string", default: "1000000" },
    scale: { type: "boolean", default: false },
    only: { type: "string" },
    repeat: { type: "string", default: "1" },
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
  /** CPU time of the process (user + system) over the same span as `ms`. */
  cpuMs?: number;
  /** The largest live heap after a full GC (erp-stream only). */
  liveMb?: number;
  /** Bytes before compression (format-csv-gzip, format-csv-zstd). */
  rawBytes?: number;
}

async function run(name: string, n: number): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-bench-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-P=bench",
        "--quiet",
        ...(name === "erp-stream" ? ["--v8-flags=--expose-gc"] : []),
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

/**
 * Runs `n` copies of a case at once, each its own process, `repeat` times; the
 * median of their rows/s in all (rows × n over the slowest copy's time).
 */
async function concurrentRuns(name: string, rows: number, n: number): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < Math.max(1, Number(values.repeat) || 1); i++) {
    const copies = await Promise.all(Array.from({ length: n }, () => run(name, rows)));
    rates.push(Math.round((rows * n) / (Math.max(...copies.map((c) => c.ms)) / 1000)));
  }
  return rates.sort((a, b) => a - b)[Math.floor((rates.length - 1) / 2)]!;
}

const cases = [
  "hand-written-faker-loop",
  "gen-csv",
  "gen-jsonl",
  "formatter-csv",
  "formatter-jsonl",
  "plugin-field-in-process",
  "plugin-field-sandboxed",
  "plugin-format-in-process",
  "plugin-format-sandboxed",
  // Each formatter alone, and csv with --compress (tests/bench/format_cases.ts).
  ...Object.keys(FORMAT_CASES),
  ...REPORT_CASES,
  ...MASK_CASES,
  ...SERVE_CASES,
  ...MASK_DB_CASES,
  // One worker vs every core (tests/bench/worker_cases.ts).
  ...Object.keys(WORKER_CASES),
  // Straight into databases (skipped when the server's env var is unset).
  ...Object.keys(SINK_CASES).filter((c) => SINK_CASES[c]!()),
].filter((c) => !values.only || values.only.split(",").some((t) => c.includes(t)));

const fmt = (n: number) => n.toLocaleString("en-US");
console.log(
  `fabricate bench — customers-10, ${
    fmt(rows)
  } rows, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
);
console.log("case                       rows        time      rows/s   peak MB   size MB");
const repeat = Math.max(1, Number(values.repeat) || 1);
const results: Result[] = [];
const print = (r: Result) =>
  console.log(
    `${r.case.padEnd(24)} ${fmt(r.rows).padStart(10)} ${(r.ms / 1000).toFixed(2).padStart(8)}s ${
      fmt(r.rowsPerSec).padStart(11)
    } ${String(r.peakMb).padStart(9)} ${(r.bytes / 1048576).toFixed(1).padStart(9)}`,
  );
const runs = new Map<string, Result[]>(cases.map((c) => [c, []]));
for (let i = 0; i < repeat; i++) {
  for (const name of cases) {
    const r = await run(name, rows);
    runs.get(name)!.push(r);
    if (repeat === 1) print(r);
  }
}
for (const name of cases) {
  const sorted = runs.get(name)!.sort((a, b) => a.ms - b.ms);
  const r = sorted[Math.floor((sorted.length - 1) / 2)]!;
  results.push(r);
  if (repeat > 1) print(r);
}
for (const what of ["field", "format"]) {
  const inProcess = results.find((r) => r.case === `plugin-${what}-in-process`);
  const sandboxed = results.find((r) => r.case === `plugin-${what}-sandboxed`);
  if (inProcess && sandboxed) {
    const overhead = (sandboxed.ms / inProcess.ms - 1) * 100;
    console.log(
      `\nsandboxed ${what === "field" ? "generator field" : "formatter"} vs in-process: ${
        overhead >= 0 ? "+" : ""
      }${overhead.toFixed(1)}% time (target: at most +15%)`,
    );
  }
}
const formats = results.filter((r) => r.case in FORMAT_CASES);
if (formats.length) {
  console.log("\nformatters alone (MB/s written; of text compressed for gzip/zstd):");
  for (const r of formats) console.log(formatRate(r));
}
const baseline = results.find((r) => r.case === "hand-written-faker-loop");
const csv = results.find((r) => r.case === "gen-csv");
if (baseline && csv) printSpeedRatio(csv, baseline);
const [one, all] = Object.keys(WORKER_CASES).map((c) => results.find((r) => r.case === c));
if (one && all) {
  // What this machine gives two threads of this work: as many independent one-thread runs as
  // cores, at the same time (no shared state, no messages); their rows/s against one run alone.
  const together = await concurrentRuns("workers-1-csv", rows, navigator.hardwareConcurrency);
  console.log(
    `\nworkers: all ${navigator.hardwareConcurrency} cores vs 1: ${
      (all.rowsPerSec / one.rowsPerSec).toFixed(2)
    }× rows/s (target: ≥ 1.8× with 2 cores)`,
  );
  console.log(
    `  ${navigator.hardwareConcurrency} independent one-thread processes at once: ${
      fmt(together)
    } rows/s in all, ${
      (together / one.rowsPerSec).toFixed(2)
    }× one alone (the machine's ceiling for this work)`,
  );
}
if (values.scale) {
  console.log("\nmemory as rows grow (gen-csv):");
  for (const n of [100_000, 1_000_000, 10_000_000]) print(await run("gen-csv", n));
}
if (!values.only || values.only.split(",").some((t) => "erp-normal-ops".includes(t))) {
  console.log("\nERP suite — erp/normal-ops, 2024, all 18 entities to CSV with validators:");
  print(await run("erp-normal-ops", 1));
  if (values.scale) {
    console.log(
      "\nmemory as the ERP period grows, 1 → 4 years (erp-stream: no validators, no files):",
    );
    print(await run("erp-normal-ops", 4));
    for (const years of [1, 4]) {
      const r = await run("erp-stream", years);
      print(r);
      console.log(`  live heap after GC: ${r.liveMb} MB (${years} year${years > 1 ? "s" : ""})`);
    }
  }
}
