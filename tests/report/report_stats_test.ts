/**
 * The numbers of report.json checked against DuckDB computing the same
 * statistics over the written files: row counts, null rates, distinct
 * counts, min/max/mean, top values, rows per day, foreign-key coverage,
 * children per parent and anomaly counts. `gen --report` (collected while
 * streaming) and `fabricate report <dir>` (read back from the files) must
 * agree with each other and with DuckDB.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlText } from "../formatters/_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";
import type { Report } from "../../core/report/collect_report.ts";
import type { ColumnReport } from "../../core/report/column_stats.ts";

const DAY_MS = 86_400_000;

type Row = Record<string, unknown>;
let query: (sql: string) => Promise<Row[]>;

/** One in-memory DuckDB per test case: each file is loaded once as a table. */
async function openDuck(): Promise<() => void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  query = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Row[];
  await query("SET TimeZone = 'UTC'");
  return () => {
    connection.closeSync();
    instance.closeSync();
  };
}

interface Case {
  label: string;
  scenario: string;
  format: "csv" | "jsonl" | "json";
  args: string[];
}

const CASES: Case[] = [
  {
    label: "quickstart as CSV (30,000 orders: distinct counts past the exact cap)",
    scenario: "quickstart",
    format: "csv",
    args: ["--count", "orders=30000"],
  },
  {
    label: "erp/normal-ops (timelines, anomalies, refs) as JSON Lines",
    scenario: "erp/normal-ops",
    format: "jsonl",
    args: ["--from", "2024-01-01", "--to", "2024-02-29"],
  },
  {
    label: "erp/anomaly-heavy as CSV",
    scenario: "erp/anomaly-heavy",
    format: "csv",
    args: ["--from", "2024-03-01", "--to", "2024-03-31"],
  },
  { label: "booking/base as JSON", scenario: "booking/base", format: "json", args: [] },
];

/** A DuckDB table expression reading one entity's file, every column as text. */
function source(dir: string, entity: string, format: Case["format"]): string {
  const path = sqlText(`${dir}/${entity}.${format}`);
  if (format === "csv") {
    return `read_csv(${path}, header = true, all_varchar = true, quote = '"', escape = '"', allow_quoted_nulls = false)`;
  }
  return `(SELECT * FROM read_json(${path}, format = ${
    sqlText(format === "json" ? "array" : "newline_delimited")
  }, sample_size = -1, maximum_object_size = 100000000))`;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The column as DuckDB text the way the report keys values (numbers as JS prints them). */
function textOf(col: ColumnReport): string {
  const c = ident(col.name);
  return col.kind === "number"
    ? `CAST(TRY_CAST(${c} AS DOUBLE) AS VARCHAR)`
    : `CAST(${c} AS VARCHAR)`;
}

function close(actual: number, expected: number, label: string, tolerance = 1e-9): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance * scale,
    `${label}: report ${actual}, DuckDB ${expected}`,
  );
}

async function checkColumn(from: string, col: ColumnReport, where: string): Promise<void> {
  const c = ident(col.name);
  const [row] = await query(
    `SELECT count(*)::BIGINT AS n, (count(*) - count(${c}))::BIGINT AS nulls,
       count(DISTINCT ${textOf(col)})::BIGINT AS distinct_count
     FROM ${from}`,
  );
  assert.equal(col.count, Number(row!.n), `${where}: rows`);
  assert.equal(col.nulls, Number(row!.nulls), `${where}: nulls`);
  close(col.null_rate, Number(row!.nulls) / Number(row!.n), `${where}: null rate`);
  const distinct = Number(row!.distinct_count);
  if (col.kind === "json" || col.kind === "mixed") return; // keyed as JSON text, not DuckDB's
  if (col.distinct.exact) assert.equal(col.distinct.value, distinct, `${where}: distinct`);
  else {
    // HyperLogLog: ±4 standard errors.
    assert.ok(
      Math.abs(col.distinct.value - distinct) <= 4 * col.distinct.standard_error! * distinct,
      `${where}: distinct estimate ${col.distinct.value} vs ${distinct}`,
    );
  }
  if (col.kind === "number") {
    const [m] = await query(
      `SELECT min(TRY_CAST(${c} AS DOUBLE)) AS lo, max(TRY_CAST(${c} AS DOUBLE)) AS hi,
         avg(TRY_CAST(${c} AS DOUBLE)) AS mean FROM ${from}`,
    );
    assert.equal(col.min, Number(m!.lo), `${where}: min`);
    assert.equal(col.max, Number(m!.hi), `${where}: max`);
    close(col.mean!, Number(m!.mean), `${where}: mean`);
    assert.equal(
      col.histogram!.counts.reduce((a, b) => a + b, 0),
      col.count - col.nulls,
      `${where}: histogram holds every value`,
    );
  }
  if (col.kind === "date") {
    const [m] = await query(
      `SELECT min(CAST(${c} AS TIMESTAMPTZ)) AS lo, max(CAST(${c} AS TIMESTAMPTZ)) AS hi FROM ${from}`,
    );
    const ms = (v: unknown) => v instanceof Date ? v.getTime() : Date.parse(String(v));
    assert.equal(Date.parse(norm(String(col.min))), ms(m!.lo), `${where}: earliest`);
    assert.equal(Date.parse(norm(String(col.max))), ms(m!.hi), `${where}: latest`);
    const days = await query(
      `SELECT strftime(CAST(${c} AS TIMESTAMPTZ), '%Y-%m-%d') AS day, count(*)::BIGINT AS n
       FROM ${from} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      col.per_day,
      days.map((d) => ({ day: d.day, count: Number(d.n) })),
      `${where}: rows per day`,
    );
    const weeks = await query(
      `SELECT strftime(date_trunc('week', CAST(${c} AS TIMESTAMPTZ)), '%Y-%m-%d') AS week,
         count(*)::BIGINT AS n FROM ${from} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      col.per_week,
      weeks.map((d) => ({ week: d.week, count: Number(d.n) })),
      `${where}: rows per week`,
    );
  }
  if (col.top.exact && col.kind !== "boolean") {
    // Dates compare as instants: DuckDB types JSON timestamps itself.
    const same = (v: string) =>
      col.kind === "number"
        ? `${textOf(col)} = CAST(${Number(v)} AS DOUBLE)::VARCHAR`
        : col.kind === "date"
        ? `CAST(${c} AS TIMESTAMPTZ) = CAST(${sqlText(v)} AS TIMESTAMPTZ)`
        : `${textOf(col)} = ${sqlText(v)}`;
    const top = await query(
      `SELECT ${textOf(col)} AS v, count(*)::BIGINT AS n FROM ${from}
       WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT ${col.top.values.length}`,
    );
    assert.deepEqual(
      col.top.values.map((v) => v.count),
      top.map((t) => Number(t.n)),
      `${where}: top counts`,
    );
    for (const v of col.top.values) {
      const [n] = await query(`SELECT count(*)::BIGINT AS n FROM ${from} WHERE ${same(v.value)}`);
      assert.equal(v.count, Number(n!.n), `${where}: count of top value ${v.value}`);
    }
  }
}

/** A datetime without a zone is read as UTC (tests run with TZ=UTC). */
function norm(s: string): string {
  return s.length === 10 ? `${s}T00:00:00Z` : s;
}

async function reportOf(path: string): Promise<Report> {
  return JSON.parse(await Deno.readTextFile(path)) as Report;
}

for (const c of CASES) {
  Deno.test(`report numbers of ${c.label} equal DuckDB's over the written files`, async () => {
    const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-" });
    const dir = `${tmp}/out`;
    const gen = await runCli(
      ["gen", c.scenario, "--out", dir, "--format", c.format, "--report", "-q", ...c.args],
      { cwd: tmp },
    );
    assert.equal(gen.code, 0, gen.stderr);
    const streamed = await reportOf(`${dir}/report.json`);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    assert.deepEqual(
      manifest.report.map((f: { path: string }) => f.path).sort(),
      ["report.html", "report.json"],
      "the manifest lists the report",
    );

    // Read back from the files: the same numbers.
    const again = await runCli(["report", dir, "--out", `${tmp}/again.html`], { cwd: tmp });
    assert.equal(again.code, 0, again.stderr);
    const read = await reportOf(`${tmp}/again.json`);
    assert.equal(read.source, "files");
    assert.deepEqual(read.entities, streamed.entities, "gen --report and report <dir> agree");
    assert.deepEqual(read.foreign_keys, streamed.foreign_keys);
    assert.deepEqual(read.timelines, streamed.timelines);
    assert.deepEqual(
      read.anomalies.map((a) => a.kinds),
      streamed.anomalies.map((a) => a.kinds),
    );
    assert.deepEqual(read.checks, [], "generated data passes the report's checks");

    const close_ = await openDuck();
    for (const entity of streamed.entities) {
      await query(
        `CREATE TABLE ${ident(entity.name)} AS SELECT * FROM ${source(dir, entity.name, c.format)}`,
      );
    }

    if (c.args.includes("orders=30000")) {
      const id = streamed.entities.find((e) => e.name === "orders")!.columns[0]!;
      assert.equal(id.distinct.exact, false, "orders.id is past the cap: estimated");
      assert.equal(id.top.exact, false);
    }
    for (const entity of streamed.entities) {
      const from = ident(entity.name);
      const [n] = await query(`SELECT count(*)::BIGINT AS n FROM ${from}`);
      assert.equal(entity.rows, Number(n!.n), `${entity.name}: rows`);
      for (const col of entity.columns) await checkColumn(from, col, `${entity.name}.${col.name}`);
    }

    for (const fk of streamed.foreign_keys) {
      const where = `${fk.entity}.${fk.field} → ${fk.parent}.${fk.parent_field}`;
      const child = ident(fk.entity);
      const parent = ident(fk.parent);
      const [f] = await query(
        `WITH p AS (SELECT DISTINCT CAST(${ident(fk.parent_field)} AS VARCHAR) AS k FROM ${parent}
                    WHERE ${ident(fk.parent_field)} IS NOT NULL),
              ch AS (SELECT CAST(${ident(fk.field)} AS VARCHAR) AS k FROM ${child}
                     WHERE ${ident(fk.field)} IS NOT NULL),
              per AS (SELECT p.k, count(ch.k) AS n FROM p LEFT JOIN ch ON ch.k = p.k GROUP BY p.k)
         SELECT (SELECT count(*) FROM p)::BIGINT AS keys,
                (SELECT count(*) FROM per WHERE n > 0)::BIGINT AS covered,
                (SELECT count(*) FROM ch)::BIGINT AS refs,
                (SELECT count(*) FROM ch WHERE k NOT IN (SELECT k FROM p))::BIGINT AS orphans,
                (SELECT max(n) FROM per)::BIGINT AS most,
                (SELECT min(n) FROM per)::BIGINT AS fewest`,
      );
      assert.equal(fk.parent_keys, Number(f!.keys), `${where}: parent keys`);
      assert.equal(fk.covered, Number(f!.covered), `${where}: covered`);
      close(fk.coverage, Number(f!.covered) / Number(f!.keys), `${where}: coverage`);
      assert.equal(fk.references, Number(f!.refs), `${where}: references`);
      assert.equal(fk.orphans, Number(f!.orphans), `${where}: orphans`);
      assert.equal(fk.max, Number(f!.most), `${where}: most children`);
      assert.equal(fk.min, Number(f!.fewest), `${where}: fewest children`);
      const dist = await query(
        `WITH p AS (SELECT DISTINCT CAST(${ident(fk.parent_field)} AS VARCHAR) AS k FROM ${parent}
                    WHERE ${ident(fk.parent_field)} IS NOT NULL),
              ch AS (SELECT CAST(${ident(fk.field)} AS VARCHAR) AS k FROM ${child}),
              per AS (SELECT p.k, count(ch.k) AS n FROM p LEFT JOIN ch ON ch.k = p.k GROUP BY p.k)
         SELECT n::BIGINT AS children, count(*)::BIGINT AS parents FROM per GROUP BY n ORDER BY n`,
      );
      assert.deepEqual(
        fk.children_per_parent,
        dist.map((d) => ({ children: Number(d.children), parents: Number(d.parents) })),
        `${where}: children per parent`,
      );
    }

    for (const a of streamed.anomalies) {
      const from = ident(a.entity);
      const kinds = await query(
        `SELECT "_anomaly" AS kind, count(*)::BIGINT AS n FROM ${from}
         WHERE "_anomaly" IS NOT NULL GROUP BY 1`,
      );
      for (const k of a.kinds) {
        const want = Number(kinds.find((x) => x.kind === k.kind)?.n ?? 0);
        assert.equal(k.rows, want, `${a.entity} anomaly ${k.kind}`);
      }
      // A kind's configured rate is the entity's rate split by weight.
      close(
        a.kinds.reduce((s, k) => s + k.configured_rate, 0),
        a.configured_rate,
        `${a.entity}: configured rates add up`,
      );
    }

    for (const t of streamed.timelines) {
      const where = `${t.entity}.${t.field}`;
      const col = streamed.entities.find((e) => e.name === t.entity)!.columns
        .find((x) => x.name === t.field)!;
      const byDay = new Map(col.per_day!.map((d) => [d.day, d.count]));
      for (const d of t.days) assert.equal(d.rows, byDay.get(d.day) ?? 0, `${where} ${d.day}`);
      const rows = t.days.reduce((s, d) => s + d.rows, 0) + t.outside;
      assert.equal(rows, col.count - col.nulls, `${where}: every row is on a day or outside`);
      const entity = streamed.entities.find((e) => e.name === t.entity)!;
      close(t.days.reduce((s, d) => s + d.shape, 0), entity.rows, `${where}: shape total`, 1e-9);
      assert.equal(t.days.reduce((s, d) => s + d.planned, 0), entity.rows, `${where}: planned`);
      assert.equal(
        Date.parse(t.days.at(-1)!.day) - Date.parse(t.days[0]!.day),
        (t.days.length - 1) * DAY_MS,
        `${where}: one entry per day`,
      );
    }
    close_();
    await Deno.remove(tmp, { recursive: true });
  });
}

Deno.test("anomaly counts without a label column come from the engine, then the scenario, and match the data", async () => {
  // user-profile/exclusion labels nothing (label: none), but exclusion_reason names each kind.
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-" });
  const dir = `${tmp}/out`;
  const gen = await runCli(
    ["gen", "user-profile/exclusion", "--out", dir, "--format", "csv", "--report", "-q"],
    { cwd: tmp },
  );
  assert.equal(gen.code, 0, gen.stderr);
  const again = await runCli(["report", dir, "--out", `${tmp}/again.html`], { cwd: tmp });
  assert.equal(again.code, 0, again.stderr);
  const streamed = await reportOf(`${dir}/report.json`);
  const read = await reportOf(`${tmp}/again.json`);
  const [a] = streamed.anomalies;
  const [b] = read.anomalies;
  assert.equal(a!.source, "engine");
  assert.equal(b!.source, "scenario");
  assert.deepEqual(b!.kinds, a!.kinds);
  assert.equal(a!.configured_rate, 0.2);
  const close_ = await openDuck();
  try {
    const counts = await query(
      `SELECT exclusion_reason AS kind, count(*)::BIGINT AS n FROM ${
        source(dir, "user_profiles", "csv")
      } WHERE exclusion_reason IS NOT NULL GROUP BY 1`,
    );
    for (const k of a!.kinds) {
      assert.equal(k.rows, Number(counts.find((c) => c.kind === k.kind)?.n ?? 0), k.kind);
      close(k.configured_rate, 0.05, `${k.kind}: a quarter of 0.2`);
    }
  } finally {
    close_();
  }
  await Deno.remove(tmp, { recursive: true });
});
