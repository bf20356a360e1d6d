import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import {
  compiledField,
  issuesOf,
  mean,
  oneField,
  rowsAloneMatchBatch,
  sd,
  tally,
} from "./_setup.ts";

const ints = async (spec: unknown, n: number, seed = 1) =>
  (await columnOf({ integer: spec }, n, { seed })) as number[];

Deno.test("integer defaults to 0..100", async () => {
  const values = await ints({}, 5000);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 100));
  assert.ok(values.includes(0) && values.includes(100));
});

Deno.test("integer respects min and max, both included", async () => {
  const values = await ints({ min: -3, max: 3 }, 5000);
  assert.deepEqual([...new Set(values)].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
});

Deno.test("integer stays within min and max for every distribution", async () => {
  const distributions = [
    "normal",
    "lognormal",
    "exponential",
    "zipf",
    "poisson",
    { normal: { mean: 0, sd: 100 } },
    { lognormal: { mu: 6, sigma: 2 } },
    { exponential: { rate: 0.001 } },
    { zipf: { s: 0.5 } },
    { poisson: { lambda: 500 } },
  ];
  for (const distribution of distributions) {
    const values = await ints({ min: 10, max: 60, distribution }, 3000);
    const bad = values.filter((v) => !(Number.isInteger(v) && v >= 10 && v <= 60));
    assert.deepEqual(bad, [], JSON.stringify(distribution));
  }
});

Deno.test("integer follows a normal distribution's mean and sd", async () => {
  const values = await ints(
    { min: 0, max: 200, distribution: { normal: { mean: 100, sd: 15 } } },
    20_000,
  );
  assert.ok(Math.abs(mean(values) - 100) < 0.5, `mean ${mean(values)}`);
  assert.ok(Math.abs(sd(values) - 15) < 0.5, `sd ${sd(values)}`);
});

Deno.test("integer normal defaults to the middle of the range", async () => {
  const values = await ints({ min: 20, max: 80, distribution: "normal" }, 20_000);
  assert.ok(Math.abs(mean(values) - 50) < 0.5, `mean ${mean(values)}`);
  assert.ok(Math.abs(sd(values) - 10) < 0.5, `sd ${sd(values)}`);
});

Deno.test("integer follows a Poisson distribution's mean, small and large", async () => {
  for (const lambda of [3, 250]) {
    const values = await ints(
      { min: 0, max: 10_000, distribution: { poisson: { lambda } } },
      20_000,
    );
    assert.ok(
      Math.abs(mean(values) - lambda) < 0.03 * lambda,
      `lambda ${lambda}: mean ${mean(values)}`,
    );
    assert.ok(
      Math.abs(sd(values) - Math.sqrt(lambda)) < 0.05 * Math.sqrt(lambda),
      `lambda ${lambda}: sd ${sd(values)}`,
    );
  }
});

Deno.test("integer exponential starts at min with the given rate", async () => {
  const values = await ints(
    { min: 5, max: 100_000, distribution: { exponential: { rate: 0.1 } } },
    20_000,
  );
  // floor(Exp(0.1)) is geometric with mean 1 / (e^0.1 - 1) ≈ 9.51.
  assert.ok(Math.abs(mean(values) - 5 - 9.51) < 0.3, `mean ${mean(values)}`);
  assert.equal(Math.min(...values), 5);
});

Deno.test("integer zipf puts most draws on the first ranks, min first", async () => {
  const values = await ints({ min: 1, max: 1000, distribution: { zipf: 1.1 } }, 20_000);
  const counts = tally(values);
  const top20 = values.filter((v) => v <= 200).length / values.length;
  assert.ok(top20 > 0.75, `top 20% of ranks hold ${top20}`);
  assert.ok(counts.get(1)! > counts.get(2)! && counts.get(2)! > counts.get(3)!);
  // P(1) = 1 / H(1000, 1.1) ≈ 0.1794 (H = Σ k^-1.1 for k ≤ 1000 ≈ 5.573; the
  // 0.1907 written here before was a miscalculation that passed by luck).
  assert.ok(
    Math.abs(counts.get(1)! / values.length - 0.1794) < 0.01,
    `P(1) ${counts.get(1)! / values.length}`,
  );
});

Deno.test("integer zipf accepts both shorthands", async () => {
  const a = await ints({ min: 1, max: 50, distribution: { zipf: 1.3 } }, 200);
  const b = await ints({ min: 1, max: 50, distribution: { zipf: { s: 1.3 } } }, 200);
  assert.deepEqual(a, b);
});

Deno.test("integer zipf handles a range of a billion in O(1) memory", async () => {
  const values = await ints({ min: 1, max: 1_000_000_000, distribution: { zipf: 1.05 } }, 2000);
  assert.ok(values.every((v) => v >= 1 && v <= 1_000_000_000));
  assert.ok(values.filter((v) => v === 1).length > 50);
});

Deno.test("integer is the same for the same seed and differs for another", async () => {
  const spec = { min: 0, max: 1_000_000, distribution: "lognormal" };
  assert.deepEqual(await ints(spec, 100, 5), await ints(spec, 100, 5));
  assert.notDeepEqual(await ints(spec, 100, 5), await ints(spec, 100, 6));
});

Deno.test("integer has max - min + 1 values, so an impossible unique is refused", async () => {
  const field = await compiledField({ integer: { min: 1, max: 6 } });
  assert.equal(field.type, "integer");
  assert.equal(field.gen.cardinality, 6);
  const [issue] = await issuesOf(oneField({ integer: { min: 1, max: 6 }, unique: true }, 7));
  assert.match(issue!.message, /at most 6 distinct values/);
});

Deno.test("integer rejects min greater than max", async () => {
  const [issue] = await issuesOf(oneField({ integer: { min: 500 } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "integer", "min"]);
  assert.equal(issue!.message, "Cannot generate integers from 500 to 100: min is greater than max");
  assert.match(issue!.hint!, /default to 0 and 100/);
});

Deno.test("integer rejects a misspelt distribution with a hint", async () => {
  const [named] = await issuesOf(oneField({ integer: { distribution: "nromal" } }));
  assert.deepEqual(named!.path, ["entities", "e", "fields", "v", "integer", "distribution"]);
  assert.equal(named!.message, 'Unknown distribution "nromal"');
  assert.equal(named!.hint, 'did you mean "normal"?');
  const [keyed] = await issuesOf(oneField({ integer: { distribution: { nromal: { sd: 3 } } } }));
  assert.deepEqual(keyed!.path, [
    "entities",
    "e",
    "fields",
    "v",
    "integer",
    "distribution",
    "nromal",
  ]);
  assert.equal(keyed!.hint, 'did you mean "normal"?');
});

Deno.test("integer rejects bad distribution parameters", async () => {
  const [sdIssue] = await issuesOf(oneField({ integer: { distribution: { normal: { sd: -1 } } } }));
  assert.deepEqual(sdIssue!.path, [
    "entities",
    "e",
    "fields",
    "v",
    "integer",
    "distribution",
    "normal",
    "sd",
  ]);
  const [two] = await issuesOf(oneField({ integer: { distribution: { normal: {}, zipf: 1 } } }));
  assert.match(two!.message, /exactly one distribution/);
  const [fraction] = await issuesOf(oneField({ integer: { min: 0.5 } }));
  assert.deepEqual(fraction!.path, ["entities", "e", "fields", "v", "integer", "min"]);
});

Deno.test("integer gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ integer: { min: 1, max: 1000, distribution: { zipf: 1.2 } } }, 200),
    "e",
    [0, 42, 199],
  );
  assert.deepEqual(alone, batch);
});
