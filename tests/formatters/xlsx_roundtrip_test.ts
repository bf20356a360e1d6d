/**
 * Excel workbooks read back by a real reader, openpyxl (Debian's
 * python3-openpyxl): every row, cell type and value of the tricky-values
 * fixture, one sheet per entity with `--layout single`, sheets continued
 * past the row limit, and the same bytes whatever the batch size.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { ColumnInfo } from "../../core/types.ts";
import {
  assertRows,
  expected,
  fixture,
  generate,
  IN_CI,
  mapRows,
  type Row,
  run,
  scenarioWith,
} from "./_roundtrip.ts";

// Debian's interpreter: python3-openpyxl installs there (.ci/run), whatever else is first on PATH.
const PYTHON = "/usr/bin/python3";
const HAS_OPENPYXL = await new Deno.Command(PYTHON, { args: ["-c", "import openpyxl"] })
  .output().then((o) => o.success, () => false);
if (!HAS_OPENPYXL && !IN_CI) {
  console.warn("⚠ Skipping tests: openpyxl is not installed (Debian package python3-openpyxl)");
}

/** Reads every sheet with openpyxl; dates become ISO text, datetimes epoch milliseconds. */
const READER = `
import datetime, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
epoch = datetime.datetime(1970, 1, 1)
def cell(v):
    if isinstance(v, datetime.datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return {"date": v.date().isoformat(), "ms": round((v - epoch).total_seconds() * 1000)}
        return {"ms": round((v - epoch).total_seconds() * 1000)}
    return v
out = {"sheets": wb.sheetnames, "rows": {}}
for name in wb.sheetnames:
    out["rows"][name] = [[cell(v) for v in row] for row in wb[name].iter_rows(values_only=True)]
json.dump(out, sys.stdout)
`;

interface Workbook {
  sheets: string[];
  rows: Record<string, unknown[][]>;
}

async function readXlsx(path: string): Promise<Workbook> {
  return JSON.parse(await run(PYTHON, ["-c", READER, path]));
}

/** A sheet's data rows as objects (the first row is the header). */
function sheetRows(rows: unknown[][], columns: readonly ColumnInfo[]): Row[] {
  assert.deepEqual(rows[0], columns.map((c) => c.name), "the header row holds the column names");
  return rows.slice(1).map((r) =>
    Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null]))
  );
}

/** What a generated value reads back as from Excel. */
function inExcel(v: unknown, type: ColumnInfo["type"]): unknown {
  if (v === null || v === undefined) return null;
  if (type === "date") return { date: v, ms: Date.parse(`${v}T00:00:00Z`) };
  if (type === "datetime") {
    const ms = Date.parse(v as string);
    return ms % 86_400_000 === 0 ? { date: (v as string).slice(0, 10), ms } : { ms };
  }
  if (type === "json") return JSON.stringify(v);
  return v;
}

const TRICKY = fixture("tricky_values.yaml");
const COUNT = 150;
const want = await expected(TRICKY, "people", { people: COUNT });

Deno.test({
  name: "xlsx reads back in openpyxl with every row, cell type and value",
  ignore: !HAS_OPENPYXL && !IN_CI,
  fn: async () => {
    const dir = await generate(TRICKY, [
      "--format",
      "xlsx",
      "--count",
      `people=${COUNT}`,
      "--batch-size",
      "64",
    ]);
    const book = await readXlsx(`${dir}/people.xlsx`);
    assert.deepEqual(book.sheets, ["people"]);
    assertRows(
      sheetRows(book.rows.people!, want.schema.columns),
      mapRows(want.rows, want.schema, inExcel),
      "xlsx",
    );
  },
});

Deno.test({
  name: "xlsx with --layout single holds one sheet per entity",
  ignore: !HAS_OPENPYXL && !IN_CI,
  fn: async () => {
    const dir = await generate("quickstart", [
      "--format",
      "xlsx",
      "--layout",
      "single",
      "--count",
      "customers=40",
      "--count",
      "products=10",
      "--count",
      "orders=90",
    ]);
    const book = await readXlsx(`${dir}/quickstart.xlsx`);
    assert.deepEqual(book.sheets, ["customers", "products", "orders"]);
    assert.deepEqual(
      book.sheets.map((s) => book.rows[s]!.length - 1),
      [40, 10, 90],
      "data rows per sheet",
    );
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    assert.equal(manifest.files[0].path, "quickstart.xlsx");
  },
});

Deno.test({
  name: "xlsx continues an entity in a new sheet past sheet_rows, header repeated",
  ignore: !HAS_OPENPYXL && !IN_CI,
  fn: async () => {
    const scenario = await scenarioWith(TRICKY, { xlsx: { sheet_rows: 51 } });
    const dir = await generate(scenario, ["--format", "xlsx", "--count", "people=120"]);
    const book = await readXlsx(`${dir}/people.xlsx`);
    assert.deepEqual(book.sheets, ["people", "people (2)", "people (3)"]);
    assert.deepEqual(book.sheets.map((s) => book.rows[s]!.length), [51, 51, 21]);
    const ids = book.sheets.flatMap((s) =>
      sheetRows(book.rows[s]!, want.schema.columns).map((r) => r.id)
    );
    assert.deepEqual(ids, Array.from({ length: 120 }, (_, i) => i + 1));
  },
});

Deno.test("xlsx files are byte-identical whatever the batch size", async () => {
  const a = await generate(TRICKY, ["--format", "xlsx", "--count", "people=90"]);
  const b = await generate(TRICKY, [
    "--format",
    "xlsx",
    "--count",
    "people=90",
    "--batch-size",
    "7",
  ]);
  const sha = async (path: string) =>
    createHash("sha256").update(await Deno.readFile(path)).digest("hex");
  assert.equal(await sha(`${a}/people.xlsx`), await sha(`${b}/people.xlsx`));
});

Deno.test({
  name: "xlsx writes text an anomaly put in a date column as a text cell",
  ignore: !HAS_OPENPYXL && !IN_CI,
  fn: async () => {
    const dir = await generate(fixture("mistyped_dates.yaml"), ["--format", "xlsx"]);
    const book = await readXlsx(`${dir}/visits.xlsx`);
    const days = book.rows.visits!.slice(1).map((r) => r[1]);
    assert.ok(days.includes("not a date"), "the anomaly is a text cell");
    assert.ok(
      days.some((d) => typeof d === "object" && d !== null && "date" in d),
      "other days are dates",
    );
  },
});
