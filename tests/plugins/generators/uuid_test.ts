import assert from "node:assert/strict";
import { columnOf } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, rowsAloneMatchBatch } from "./_setup.ts";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("uuid values are RFC 4122 version 4 UUIDs", async () => {
  const values = await columnOf({ uuid: {} }, 2000);
  for (const v of values) assert.match(v as string, V4);
});

Deno.test("uuid accepts an empty value as well as {}", async () => {
  const values = await columnOf({ uuid: null }, 3);
  for (const v of values) assert.match(v as string, V4);
});

Deno.test("uuid gives the same values for the same seed and others for another seed", async () => {
  const a = await columnOf({ uuid: {} }, 50, { seed: 1 });
  const b = await columnOf({ uuid: {} }, 50, { seed: 1 });
  const c = await columnOf({ uuid: {} }, 50, { seed: 2 });
  assert.deepEqual(a, b);
  assert.equal(a.filter((v, i) => v === c[i]).length, 0);
});

Deno.test("uuid values are distinct over 200000 rows", async () => {
  const values = await columnOf({ uuid: {} }, 200_000);
  assert.equal(new Set(values).size, values.length);
});

Deno.test("uuid is typed uuid and distinct, so unique needs no memory", async () => {
  const field = await compiledField({ uuid: {}, unique: true });
  assert.equal(field.type, "uuid");
  assert.equal(field.gen.distinct, true);
  assert.equal(field.uniqueByRetry, false);
});

Deno.test("uuid rejects unknown options", async () => {
  const [issue] = await issuesOf(oneField({ uuid: { upper: true } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "uuid", "upper"]);
  assert.match(issue!.message, /Unknown key "upper"/);
});

Deno.test("uuid gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(oneField({ uuid: {} }, 100), "e", [0, 17, 99]);
  assert.deepEqual(alone, batch);
});
