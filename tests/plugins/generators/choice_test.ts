import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import {
  compiledField,
  issuesOf,
  oneField,
  rowsAloneMatchBatch,
  tally,
  yamlIssues,
} from "./_setup.ts";

Deno.test("choice picks every value of a list about equally often", async () => {
  const values = await columnOf({ choice: ["S", "M", "L", "XL"] }, 20_000);
  const counts = tally(values);
  assert.deepEqual([...counts.keys()].sort(), ["L", "M", "S", "XL"]);
  for (const n of counts.values()) {
    assert.ok(Math.abs(n / 20_000 - 0.25) < 0.015, `share ${n / 20_000}`);
  }
});

Deno.test("choice follows the weights", async () => {
  const values = await columnOf({
    choice: { values: ["active", "paused", "churned"], weights: [80, 15, 5] },
  }, 40_000);
  const counts = tally(values);
  const expected = { active: 0.8, paused: 0.15, churned: 0.05 };
  for (const [v, p] of Object.entries(expected)) {
    const got = (counts.get(v) ?? 0) / values.length;
    assert.ok(Math.abs(got - p) < 0.01, `${v}: ${got} vs ${p}`);
  }
});

Deno.test("choice never picks a value of weight 0", async () => {
  const values = await columnOf(
    { choice: { values: ["a", "never", "b"], weights: [1, 0, 3] } },
    5000,
  );
  assert.ok(!values.includes("never"));
  assert.equal(
    (await compiledField({ choice: { values: ["a", "never", "b"], weights: [1, 0, 3] } })).gen
      .cardinality,
    2,
  );
});

Deno.test("choice infers the column type from its values", async () => {
  assert.equal((await compiledField({ choice: [1, 2, 3] })).type, "integer");
  assert.equal((await compiledField({ choice: [1.5, 2] })).type, "number");
  assert.equal((await compiledField({ choice: [true, false] })).type, "boolean");
  assert.equal((await compiledField({ choice: ["a", "b"] })).type, "string");
  assert.equal(
    (await compiledField({ choice: { values: ["2024-01-01", "2024-06-01"], type: "date" } })).type,
    "date",
  );
});

Deno.test("choice turns a mix of kinds into text, keeping null", async () => {
  const field = await compiledField({ choice: [1, "two", true, null] });
  assert.equal(field.type, "string");
  const values = new Set(await columnOf({ choice: [1, "two", true, null] }, 500));
  assert.deepEqual([...values].sort(), ["1", "true", "two", null].sort());
});

Deno.test("choice is the same for the same seed and differs for another", async () => {
  const spec = { choice: ["a", "b", "c", "d", "e"] };
  assert.deepEqual(await columnOf(spec, 200, { seed: 3 }), await columnOf(spec, 200, { seed: 3 }));
  assert.notDeepEqual(
    await columnOf(spec, 200, { seed: 3 }),
    await columnOf(spec, 200, { seed: 4 }),
  );
});

Deno.test("choice rejects weights that do not match the values", async () => {
  const [issue] = await issuesOf(
    oneField({ choice: { values: ["a", "b", "c"], weights: [1, 2] } }),
  );
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "choice", "weights"]);
  assert.match(issue!.message, /one weight per value: 3 values but 2 weights/);
});

Deno.test("choice rejects weights that are all 0 or negative", async () => {
  const [zero] = await issuesOf(oneField({ choice: { values: ["a", "b"], weights: [0, 0] } }));
  assert.match(zero!.message, /at least one weight above 0/);
  const [negative] = await issuesOf(oneField({ choice: { values: ["a", "b"], weights: [1, -1] } }));
  assert.deepEqual(negative!.path, ["entities", "e", "fields", "v", "choice", "weights", 1]);
});

Deno.test("choice rejects an empty list, with its line in the file", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      tier: { choice: [] }
`);
  assert.equal(issue!.line, 6);
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "tier", "choice"]);
});

Deno.test("choice refuses unique when it has fewer values than rows", async () => {
  const [issue] = await issuesOf(
    oneField({ choice: ["gold", "silver", "bronze"], unique: true }, 4),
  );
  assert.match(issue!.message, /at most 3 distinct values but e has 4 rows/);
});

Deno.test("choice gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ choice: { values: ["x", "y", "z"], weights: [1, 2, 3] } }, 100),
    "e",
    [0, 5, 99],
  );
  assert.deepEqual(alone, batch);
});
