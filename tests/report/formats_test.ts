/**
 * `report` and `check` read every format `gen` writes: for built-in
 * scenarios, each format (and SQL dialect, layout, compression) gives the
 * same report.json statistics as the JSON Lines output of the same seed
 * (the JSON Lines reader is the reference, checked against DuckDB in
 * report_stats_test.ts), and `check` exits as it does over JSON Lines.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

const COMPARED = ["entities", "foreign_keys", "timelines", "anomalies", "checks"] as const;

type Json = Record<string, unknown>;

let tmp: string;

async function genAndReport(
  scenario: string,
  label: string,
  args: string[],
): Promise<{ out: string; report: Json }> {
  const out = `${tmp}/${label}`;
  const gen = await runCli(["gen", scenario, "--out", out, "-q", ...args], { cwd: tmp });
  assert.equal(gen.code, 0, `${label}: gen: ${gen.stderr}`);
  const report = await runCli(["report", out], { cwd: tmp });
  assert.equal(report.code, 0, `${label}: report: ${report.stderr}`);
  return { out, report: JSON.parse(await Deno.readTextFile(`${out}/report.json`)) };
}

function sameStatistics(got: Json, reference: Json, label: string): void {
  assert.deepEqual(got.notes, [], `${label}: every file read`);
  for (const key of COMPARED) assert.deepEqual(got[key], reference[key], `${label}: ${key}`);
}

const SCENARIOS: { scenario: string; args: string[] }[] = [
  { scenario: "quickstart", args: ["--seed", "3"] },
  { scenario: "customers-10", args: ["--seed", "4", "--count", "customers=5000"] },
  {
    scenario: "erp/anomaly-heavy",
    args: ["--seed", "5", "--from", "2024-03-01", "--to", "2024-03-10"],
  },
  { scenario: "booking/base", args: ["--seed", "6"] },
];

const FORMATS: { label: string; args: string[] }[] = [
  { label: "csv", args: ["--format", "csv"] },
  { label: "json", args: ["--format", "json"] },
  { label: "yaml", args: ["--format", "yaml"] },
  { label: "xml", args: ["--format", "xml"] },
  { label: "sql-postgres", args: ["--format", "sql"] },
  { label: "sql-sqlite", args: ["--format", "sql", "--dialect", "sqlite"] },
  { label: "sql-mysql", args: ["--format", "sql", "--dialect", "mysql"] },
  { label: "xlsx", args: ["--format", "xlsx"] },
  { label: "parquet", args: ["--format", "parquet"] },
];

Deno.test("report reads every format with the statistics of JSON Lines, and check exits alike", async (t) => {
  tmp = await Deno.makeTempDir({ prefix: "fabricate-report-formats-" });
  for (const { scenario, args } of SCENARIOS) {
    const name = scenario.replace("/", "_");
    const reference = await genAndReport(scenario, `${name}-jsonl`, [...args, "--format", "jsonl"]);
    const checked = await runCli(["check", reference.out, "--scenario", scenario], { cwd: tmp });
    for (const f of FORMATS) {
      await t.step(`${scenario} as ${f.label}`, async () => {
        const { out, report } = await genAndReport(scenario, `${name}-${f.label}`, [
          ...args,
          ...f.args,
        ]);
        sameStatistics(report, reference.report, `${scenario} ${f.label}`);
        const check = await runCli(["check", out, "--scenario", scenario], { cwd: tmp });
        assert.equal(check.code, checked.code, `${f.label}: check: ${check.stderr}`);
      });
    }
  }
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report reads --layout single and split folders, and compressed text formats", async (t) => {
  tmp = await Deno.makeTempDir({ prefix: "fabricate-report-layouts-" });
  const counts = ["--seed", "3", "--count", "customers=40", "--count", "products=15"];
  const small = [...counts, "--count", "orders=60"];
  const reference = await genAndReport("quickstart", "ref", [...small, "--format", "jsonl"]);
  for (const format of ["json", "yaml", "xml", "sql", "xlsx"]) {
    await t.step(`--layout single as ${format}`, async () => {
      const { out, report } = await genAndReport("quickstart", `single-${format}`, [
        ...small,
        "--format",
        format,
        "--layout",
        "single",
      ]);
      sameStatistics(report, reference.report, `single ${format}`);
      const check = await runCli(["check", out, "--scenario", "quickstart"], { cwd: tmp });
      assert.equal(check.code, 0, check.stderr);
    });
  }
  for (const format of ["json", "jsonl", "csv", "yaml", "xml", "sql", "xlsx", "parquet"]) {
    await t.step(`--layout split as ${format}`, async () => {
      const { report } = await genAndReport("quickstart", `split-${format}`, [
        ...small,
        "--format",
        format,
        "--layout",
        "split",
      ]);
      sameStatistics(report, reference.report, `split ${format}`);
    });
  }
  for (const format of ["yaml", "xml", "sql"]) {
    for (const c of ["gzip", "zstd"]) {
      await t.step(`${format} with ${c}`, async () => {
        const { report } = await genAndReport("quickstart", `${format}-${c}`, [
          ...small,
          "--format",
          format,
          "--compress",
          c,
        ]);
        sameStatistics(report, reference.report, `${format} ${c}`);
      });
    }
  }
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("report reads an xlsx entity continued past a sheet's rows", async () => {
  tmp = await Deno.makeTempDir({ prefix: "fabricate-report-sheets-" });
  const scenario = `${tmp}/s.yaml`;
  await Deno.writeTextFile(
    scenario,
    `name: sheets
seed: 1
output: { xlsx: { sheet_rows: 100 } }
entities:
  items:
    count: 450
    fields:
      id: { sequence: {} }
      day: { date: { from: 2024-01-01, to: 2024-12-31 } }
      at: { datetime: { from: 2024-01-01, to: 2024-12-31 } }
      price: { number: { min: 0, max: 100, decimals: 2 } }
      name: { faker: person.fullName }
      ok: { boolean: {}, nullable: 0.2 }
`,
  );
  const reference = await genAndReport(scenario, "ref", ["--format", "jsonl"]);
  const { out, report } = await genAndReport(scenario, "xlsx", ["--format", "xlsx"]);
  sameStatistics(report, reference.report, "xlsx with 5 sheets");
  const { entries } = await listZip(`${out}/items.xlsx`);
  assert.equal(entries.filter((n) => n.startsWith("xl/worksheets/")).length, 5);
  await Deno.remove(tmp, { recursive: true });
});

async function listZip(path: string): Promise<{ entries: string[] }> {
  const { unzipSync } = await import("fflate");
  return { entries: Object.keys(unzipSync(await Deno.readFile(path))) };
}
