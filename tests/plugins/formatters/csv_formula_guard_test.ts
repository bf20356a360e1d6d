/**
 * The csv formatter's opt-in `formula_guard` (OWASP CSV injection), read
 * back by DuckDB: text cells that start a formula get a leading `'`, other
 * text is unchanged, and negative numbers in numeric columns stay numbers.
 */
import assert from "node:assert/strict";
import { duckdb, generate, scenarioWith, sqlText } from "../../formatters/_roundtrip.ts";
import { rowsOf } from "../../_helpers/rows.ts";
import { guardFormula } from "../../../plugins/formatters/csv.ts";

const CASE = new URL("../../cases/hostile/csv_injection.yaml", import.meta.url).pathname;

async function readBack(guard: boolean) {
  const scenario = await scenarioWith(CASE, { csv: { formula_guard: guard } });
  const dir = await generate(scenario, ["--format", "csv"]);
  return await duckdb(
    `SELECT id, text, delta, ratio, typeof(delta) AS delta_type, typeof(ratio) AS ratio_type
     FROM read_csv(${sqlText(`${dir}/cells.csv`)}, header = true, strict_mode = true)
     ORDER BY id`,
  );
}

Deno.test("csv formula_guard neutralises formula cells and keeps numbers numeric (DuckDB)", async () => {
  const want = await rowsOf(CASE, "cells");
  const rows = await readBack(true);
  assert.equal(rows.length, want.length);
  const guarded = new Set<string>();
  rows.forEach((row, i) => {
    const text = want[i]!.text as string;
    const dangerous = /^[=+\-@\t\r]/.test(text);
    assert.equal(row.text, dangerous ? `'${text}` : text, `row ${i}`);
    if (dangerous) guarded.add(text[0]!);
    assert.equal(Number(row.delta), want[i]!.delta);
    assert.ok(Number(row.delta) < 0);
    assert.equal(Number(row.ratio), want[i]!.ratio);
  });
  assert.deepEqual([...guarded].sort(), ["\t", "\r", "+", "-", "=", "@"].sort());
  assert.equal(rows[0]!.delta_type, "BIGINT");
  assert.equal(rows[0]!.ratio_type, "DOUBLE");
});

Deno.test("csv without formula_guard writes text as generated (the default)", async () => {
  const want = await rowsOf(CASE, "cells");
  const rows = await readBack(false);
  rows.forEach((row, i) => assert.equal(row.text, want[i]!.text));
});

Deno.test("guardFormula leaves numbers, null and safe text alone", () => {
  assert.equal(guardFormula(-5), -5);
  assert.equal(guardFormula(null), null);
  assert.equal(guardFormula("a=b"), "a=b");
  assert.equal(guardFormula("@x"), "'@x");
});
