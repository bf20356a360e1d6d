import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, mean, oneField, rowsAloneMatchBatch, sd } from "./_setup.ts";

const HOUR = 3_600_000, DAY = 86_400_000;

/** Rows with `at` (a datetime, or what `source` says) and `v` (the after field). */
async function pairs(after: Record<string, unknown>, n = 2000, source?: unknown, seed = 1) {
  const rows = await rowsOf(
    oneField({ after: { field: "at", ...after } }, n, {
      seed,
      extraFields: { at: source ?? { datetime: { from: "2024-01-01", to: "2024-12-31" } } },
    }),
    "e",
  );
  return rows as { at: string | null; v: string | number | null }[];
}

Deno.test("after keeps ship times after order times, within min and max", async () => {
  const rows = await pairs({ min: "1h", max: "5d" });
  for (const { at, v } of rows) {
    const gap = Date.parse(v as string) - Date.parse(at!);
    assert.ok(gap >= HOUR && gap <= 5 * DAY, `${at} → ${v}`);
    assert.match(v as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  }
  const gaps = rows.map(({ at, v }) => Date.parse(v as string) - Date.parse(at!));
  // Uniform over 1h..5d: the mean is halfway, within 3% of the width.
  assert.ok(Math.abs(mean(gaps) - (HOUR + 5 * DAY) / 2) < 0.03 * 5 * DAY);
  assert.equal(
    (await compiledField({ after: { field: "b", min: "1h" } }, 1, { b: "2024-01-01" })).type,
    "datetime",
  );
});

Deno.test("after with an exponential delay has about the mean asked for", async () => {
  const rows = await pairs(
    { min: "1h", max: "10d", distribution: { exponential: { mean: "1d" } } },
    5000,
  );
  const gaps = rows.map(({ at, v }) => Date.parse(v as string) - Date.parse(at!));
  assert.ok(gaps.every((g) => g >= HOUR && g <= 10 * DAY));
  // Mean past min is 1 day (truncation at 10 days changes it by < 0.1%); 5% tolerance.
  const m = mean(gaps) - HOUR;
  assert.ok(Math.abs(m / DAY - 1) < 0.05, `mean delay ${m / DAY} days`);
  assert.ok(gaps.filter((g) => g < HOUR + DAY).length / gaps.length > 0.6, "mostly within a day");
});

Deno.test("after with a normal delay centres on the mean", async () => {
  const rows = await pairs(
    { min: "0", max: "10d", distribution: { normal: { mean: "3d", sd: "12h" } } },
    5000,
  );
  const gaps = rows.map(({ at, v }) => (Date.parse(v as string) - Date.parse(at!)) / DAY);
  assert.ok(Math.abs(mean(gaps) - 3) < 0.05, `mean ${mean(gaps)}`);
  assert.ok(Math.abs(sd(gaps) - 0.5) < 0.05, `sd ${sd(gaps)}`);
});

Deno.test("after a date gives a date on or after it", async () => {
  const rows = await pairs({ min: "1d", max: "3d" }, 1000, {
    date: { from: "2024-01-01", to: "2024-12-31" },
  });
  for (const { at, v } of rows) {
    assert.match(v as string, /^\d{4}-\d{2}-\d{2}$/);
    const days = (Date.parse(v as string) - Date.parse(at!)) / DAY;
    assert.ok(days >= 1 && days <= 3, `${at} → ${v}`);
  }
  // Sub-day offsets from a date: the day the instant falls on, never earlier.
  for (const { at, v } of await pairs({ min: "0", max: "20h" }, 300, { date: {} })) {
    assert.equal(v, at);
  }
});

Deno.test("after with as: date writes the day of the later instant", async () => {
  const rows = await pairs({ min: "0", max: "2d", as: "date" }, 1000);
  for (const { at, v } of rows) {
    assert.match(v as string, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok((v as string) >= at!.slice(0, 10));
    assert.ok(Date.parse(v as string) <= Date.parse(at!) + 2 * DAY);
  }
  assert.equal(
    (await compiledField({ after: { field: "b", as: "date" } }, 1, { b: "2024-01-01" })).type,
    "date",
  );
});

Deno.test("after moves by calendar months and years", async () => {
  const [jan31] = await pairs({ min: "1mo" }, 1, "2024-01-31");
  assert.equal(jan31!.v, "2024-02-29");
  const [leap] = await pairs({ min: "18y" }, 1, "2004-02-29");
  assert.equal(leap!.v, "2022-02-28");
  const [back] = await pairs({ min: "-1y6mo" }, 1, "2024-08-31T10:00:00Z");
  assert.equal(back!.v, "2023-02-28T10:00:00Z");
  const spread = await pairs({ min: "1mo", max: "2mo" }, 500, "2024-01-15");
  for (const { v } of spread) assert.ok(v! >= "2024-02-15" && v! <= "2024-03-15", String(v));
});

Deno.test("after with negative offsets goes before the field (out-of-order anomalies)", async () => {
  for (const { at, v } of await pairs({ min: "-3d", max: "-1h" }, 1000)) {
    const gap = Date.parse(v as string) - Date.parse(at!);
    assert.ok(gap >= -3 * DAY && gap <= -HOUR, `${at} → ${v}`);
  }
});

Deno.test("after writes milliseconds, epoch or a pattern", async () => {
  const ms = await pairs({ min: "1s", max: "2s", precision: "ms" }, 300);
  for (const { v } of ms) assert.match(v as string, /\.\d{3}Z$/);
  assert.ok(ms.some(({ v }) => !(v as string).endsWith(".000Z")));
  for (const { at, v } of await pairs({ min: "1h", format: "epoch" }, 50)) {
    assert.equal(v, Date.parse(at!) / 1000 + 3600);
  }
  for (const { v } of await pairs({ min: "1d", format: "DD/MM/YYYY" }, 50, { date: {} })) {
    assert.match(v as string, /^\d{2}\/\d{2}\/\d{4}$/);
  }
  assert.equal(
    (await compiledField({ after: { field: "b", format: "epoch_ms" } }, 1, { b: "2024-01-01" }))
      .type,
    "integer",
  );
});

Deno.test("after is never before a field with milliseconds, at second precision", async () => {
  const rows = await pairs({ min: "0", max: "1s" }, 2000, { datetime: { precision: "ms" } });
  for (const { at, v } of rows) {
    assert.ok(Date.parse(v as string) >= Date.parse(at!), `${at} → ${v}`);
  }
});

Deno.test("after is null when the field is null", async () => {
  const rows = await pairs({ min: "1h" }, 300, { datetime: {}, nullable: 0.4 });
  assert.ok(rows.some((r) => r.at === null));
  for (const r of rows) assert.equal(r.v === null, r.at === null);
});

Deno.test("after reads a parent's field and gives the same row alone as in a batch", async () => {
  const scenario = {
    name: "t",
    seed: 8,
    entities: {
      orders: {
        count: 300,
        fields: {
          id: { sequence: {} },
          at: { datetime: { from: "2024-01-01", to: "2024-06-30" } },
        },
      },
      shipments: {
        count: 1000,
        fields: {
          order_id: { ref: "orders.id" },
          shipped_at: { after: { field: "order_id.at", min: "2h", max: "3d" } },
        },
      },
    },
  };
  const at = new Map((await rowsOf(scenario, "orders")).map((o) => [o.id, o.at as string]));
  for (const s of await rowsOf(scenario, "shipments")) {
    const gap = Date.parse(s.shipped_at as string) - Date.parse(at.get(s.order_id)!);
    assert.ok(gap >= 2 * HOUR && gap <= 3 * DAY);
  }
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "shipments", [0, 5, 999]);
  assert.deepEqual(alone, batch);
  assert.deepEqual(
    await pairs({ min: "1h", max: "1d" }, 50, undefined, 3),
    await pairs({ min: "1h", max: "1d" }, 50, undefined, 3),
  );
});

Deno.test("after rejects min above max, bad durations and unknown distributions", async () => {
  const extra = { extraFields: { at: "2024-01-01" } };
  const [order] = await issuesOf(
    oneField({ after: { field: "at", min: "5d", max: "1h" } }, 1, extra),
  );
  assert.equal(order!.message, 'Cannot offset "at" by 5d to 1h: min is longer than max');
  assert.deepEqual(order!.path, ["entities", "e", "fields", "v", "after", "min"]);
  const [minutes] = await issuesOf(oneField({ after: { field: "at", max: "5m" } }, 1, extra));
  assert.equal(minutes!.message, 'Cannot read duration "5m": unknown unit "m"');
  assert.equal(minutes!.hint, 'write "mo" for months or "min" for minutes');
  const [dist] = await issuesOf(
    oneField({ after: { field: "at", max: "1d", distribution: "exponental" } }, 1, extra),
  );
  assert.equal(dist!.hint, 'did you mean "exponential"?');
  const [mean] = await issuesOf(
    oneField(
      { after: { field: "at", max: "1d", distribution: { exponential: { mean: "2x" } } } },
      1,
      extra,
    ),
  );
  assert.deepEqual(mean!.path.slice(-4), ["after", "distribution", "exponential", "mean"]);
});

Deno.test("after of a value that is not ISO fails the run, naming the field", async () => {
  await assert.rejects(
    () => pairs({ min: "1d" }, 2, { date: { format: "epoch" } }),
    /"at" is \d+, not an ISO date or datetime/,
  );
});
