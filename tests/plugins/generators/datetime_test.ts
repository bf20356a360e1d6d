import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, rowsAloneMatchBatch } from "./_setup.ts";

const values = async (spec: unknown, n: number, seed = 1) =>
  await columnOf({ datetime: spec }, n, { seed });

Deno.test("datetime writes UTC ISO 8601 to the second, in the year before the reference date", async () => {
  const column = (await values({}, 2000)) as string[];
  for (const v of column) {
    assert.match(v, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(v >= "2024-01-01T00:00:00Z" && v <= "2025-01-01T00:00:00Z", v);
  }
  assert.equal((await compiledField({ datetime: {} })).type, "datetime");
});

Deno.test("datetime writes milliseconds with precision ms", async () => {
  const column = (await values({ from: "-2h", precision: "ms" }, 500)) as string[];
  for (const v of column) {
    assert.match(v, /^2024-12-31T2[23]:\d{2}:\d{2}\.\d{3}Z$/);
  }
  assert.ok(column.some((v) => !v.endsWith(".000Z")));
});

Deno.test("datetime stays within from and to, which may carry offsets", async () => {
  const from = "2025-03-01T08:00:00+01:00", to = "2025-03-01T09:00:00+01:00";
  const column = (await values({ from, to, format: "epoch_ms" }, 3000)) as number[];
  assert.ok(column.every((t) => t >= Date.UTC(2025, 2, 1, 7) && t <= Date.UTC(2025, 2, 1, 8)));
  assert.ok(column.every((t) => t % 1000 === 0), "whole seconds");
});

Deno.test("datetime covers a short range evenly, both ends included", async () => {
  const column =
    (await values({ from: "2025-01-01T00:00:00Z", to: "2025-01-01T00:00:02Z" }, 3000)) as string[];
  const counts = new Map<string, number>();
  for (const v of column) counts.set(v, (counts.get(v) ?? 0) + 1);
  assert.equal(counts.size, 3);
  for (const n of counts.values()) assert.ok(Math.abs(n / 3000 - 1 / 3) < 0.03);
});

Deno.test("datetime writes a token pattern or epoch seconds", async () => {
  const text = (await values({ from: "-1d", format: "YYYY-MM-DD HH:mm:ss" }, 100)) as string[];
  for (const v of text) assert.match(v, /^2024-12-31 \d{2}:\d{2}:\d{2}$|^2025-01-01 00:00:00$/);
  const epoch = (await values({ from: "-1d", format: "epoch" }, 100)) as number[];
  for (const t of epoch) {
    assert.ok(
      Number.isInteger(t) && t >= Date.UTC(2024, 11, 31) / 1000 && t <= Date.UTC(2025, 0, 1) / 1000,
    );
  }
  assert.equal((await compiledField({ datetime: { format: "epoch" } })).type, "integer");
  assert.equal((await compiledField({ datetime: { format: "HH:mm" } })).type, "string");
});

Deno.test("datetime is the same for the same seed and differs for another", async () => {
  assert.deepEqual(await values({}, 100, 1), await values({}, 100, 1));
  assert.notDeepEqual(await values({}, 100, 1), await values({}, 100, 2));
});

Deno.test("datetime rejects from after to", async () => {
  const [issue] = await issuesOf(oneField({ datetime: { from: "+1h", to: "now" } }));
  assert.equal(
    issue!.message,
    'Cannot generate datetimes from "+1h" to "now": from (2025-01-01T01:00:00.000Z) is after to (2025-01-01T00:00:00.000Z)',
  );
});

Deno.test("datetime rejects an unknown precision and a bad offset unit", async () => {
  const [precision] = await issuesOf(oneField({ datetime: { precision: "us" } }));
  assert.deepEqual(precision!.path, ["entities", "e", "fields", "v", "datetime", "precision"]);
  const [unit] = await issuesOf(oneField({ datetime: { from: "-3m" } }));
  assert.equal(unit!.message, 'Cannot read from "-3m": unknown unit "m"');
  assert.match(unit!.hint!, /"mo" for months or "min" for minutes/);
});

Deno.test("datetime gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ datetime: { precision: "ms" } }, 100),
    "e",
    [0, 33, 99],
  );
  assert.deepEqual(alone, batch);
});
