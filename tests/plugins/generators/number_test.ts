import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, rowsAloneMatchBatch } from "./_setup.ts";

const nums = async (spec: unknown, n: number, seed = 1) =>
  (await columnOf({ number: spec }, n, { seed })) as number[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

Deno.test("number defaults to 0..100 at full precision", async () => {
  const values = await nums({}, 2000);
  assert.ok(values.every((v) => typeof v === "number" && v >= 0 && v <= 100));
  assert.ok(values.some((v) => !Number.isInteger(v * 100)));
  assert.equal((await compiledField({ number: {} })).gen.cardinality, undefined);
});

Deno.test("number rounds to decimals and reaches both ends", async () => {
  const values = await nums({ min: 0.99, max: 1.05, decimals: 2 }, 3000);
  assert.deepEqual(
    [...new Set(values)].sort(),
    [0.99, 1, 1.01, 1.02, 1.03, 1.04, 1.05],
  );
});

Deno.test("number keeps the grid of decimals for every distribution", async () => {
  for (const distribution of ["normal", "lognormal", "exponential", "poisson", "zipf"]) {
    const values = await nums({ min: 1, max: 500, decimals: 2, distribution }, 2000);
    for (const v of values) {
      assert.ok(v >= 1 && v <= 500, `${distribution}: ${v}`);
      assert.equal(String(v), v.toFixed(2).replace(/\.?0+$/, ""), `${distribution}: ${v}`);
    }
  }
});

Deno.test("number lognormal has a median of e^mu", async () => {
  const values = await nums(
    { min: 0, max: 1e9, distribution: { lognormal: { mu: 4, sigma: 1 } } },
    20_000,
  );
  assert.ok(Math.abs(median(values) / Math.exp(4) - 1) < 0.04, `median ${median(values)}`);
});

Deno.test("number counts its values when decimals are given", async () => {
  const field = await compiledField({ number: { min: 0, max: 10, decimals: 1 } });
  assert.equal(field.type, "number");
  assert.equal(field.gen.cardinality, 101);
  const [issue] = await issuesOf(
    oneField({ number: { min: 0, max: 1, decimals: 1 }, unique: true }, 12),
  );
  assert.match(issue!.message, /at most 11 distinct values/);
});

Deno.test("number is the same for the same seed and differs for another", async () => {
  const spec = { min: -5, max: 5, decimals: 3, distribution: "normal" };
  assert.deepEqual(await nums(spec, 100, 1), await nums(spec, 100, 1));
  assert.notDeepEqual(await nums(spec, 100, 1), await nums(spec, 100, 2));
});

Deno.test("number rejects min greater than max", async () => {
  const [issue] = await issuesOf(oneField({ number: { min: 1, max: 0.5 } }));
  assert.equal(issue!.message, "Cannot generate numbers from 1 to 0.5: min is greater than max");
});

Deno.test("number rejects a range with no value at that many decimals", async () => {
  const [issue] = await issuesOf(oneField({ number: { min: 0.001, max: 0.002, decimals: 2 } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "number", "decimals"]);
  assert.match(issue!.message, /no such number lies in the range/);
});

Deno.test("number rejects a lognormal below 0", async () => {
  const [issue] = await issuesOf(
    oneField({ number: { min: -10, max: -1, distribution: "lognormal" } }),
  );
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "number", "distribution"]);
  assert.match(issue!.message, /its values are above 0/);
});

Deno.test("number gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ number: { min: 1, max: 100, decimals: 2, distribution: "exponential" } }, 100),
    "e",
    [3, 50, 99],
  );
  assert.deepEqual(alone, batch);
});
