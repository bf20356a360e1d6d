import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField } from "./_setup.ts";

const share = (values: unknown[]) => values.filter((v) => v === true).length / values.length;

Deno.test("boolean is true about half the time by default", async () => {
  const values = await columnOf({ boolean: {} }, 20_000);
  assert.ok(values.every((v) => typeof v === "boolean"));
  assert.ok(Math.abs(share(values) - 0.5) < 0.015, `share ${share(values)}`);
});

Deno.test("boolean is true with probability p", async () => {
  const values = await columnOf({ boolean: { p: 0.05 } }, 40_000);
  assert.ok(Math.abs(share(values) - 0.05) < 0.005, `share ${share(values)}`);
});

Deno.test("boolean accepts p alone as a shorthand", async () => {
  const values = await columnOf({ boolean: 0.8 }, 20_000);
  assert.ok(Math.abs(share(values) - 0.8) < 0.015, `share ${share(values)}`);
});

Deno.test("boolean with p 0 or 1 is constant", async () => {
  assert.ok((await columnOf({ boolean: { p: 0 } }, 500)).every((v) => v === false));
  assert.ok((await columnOf({ boolean: 1 }, 500)).every((v) => v === true));
  assert.equal((await compiledField({ boolean: 1 })).gen.cardinality, 1);
});

Deno.test("boolean is typed boolean with two values", async () => {
  const field = await compiledField({ boolean: { p: 0.3 } });
  assert.equal(field.type, "boolean");
  assert.equal(field.gen.cardinality, 2);
});

Deno.test("boolean is the same for the same seed", async () => {
  assert.deepEqual(
    await columnOf({ boolean: {} }, 100, { seed: 9 }),
    await columnOf({ boolean: {} }, 100, { seed: 9 }),
  );
  assert.notDeepEqual(
    await columnOf({ boolean: {} }, 100, { seed: 9 }),
    await columnOf({ boolean: {} }, 100, { seed: 10 }),
  );
});

Deno.test("boolean rejects a probability above 1", async () => {
  const [issue] = await issuesOf(oneField({ boolean: { p: 1.5 } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "boolean", "p"]);
  assert.match(issue!.message, /≤ 1/);
});

Deno.test("boolean refuses unique over more than two rows", async () => {
  const [issue] = await issuesOf(oneField({ boolean: {}, unique: true }, 3));
  assert.match(issue!.message, /at most 2 distinct values/);
});
