import assert from "node:assert/strict";
import unique from "../../../plugins/validators/unique.ts";
import { batchOf, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("unique on a field reports each duplicate and the first row that had it", () => {
  const issues = run(unique, undefined, setupFor("e", "v"), [
    batchOf({ v: ["a", "b", "a", null, null] }, 0),
    batchOf({ v: ["b", "c", "a"] }, 5),
  ]);
  assert.deepEqual(issues, [
    { row: 2, field: "v", message: '"a" duplicates row 0', value: "a" },
    { row: 5, field: "v", message: '"b" duplicates row 1', value: "b" },
    { row: 7, field: "v", message: '"a" duplicates row 0', value: "a" },
  ]);
});

Deno.test("unique tells numbers from strings and compares lists by content", () => {
  const issues = run(unique, {}, setupFor("e", "v"), [
    batchOf({ v: [1, "1", [1, 2], [1, 2], { a: 1 }] }),
  ]);
  assert.deepEqual(issues.map((i) => i.row), [3]);
});

Deno.test("unique on an entity checks combinations across batches", () => {
  const setup = setupFor("lines", undefined, {
    entities: { lines: ["order_id", "product_id", "qty"] },
  });
  const rule = { fields: ["order_id", "product_id"] };
  const issues = run(unique, rule, setup, [
    batchOf({ order_id: [1, 1, 2], product_id: ["p1", "p2", "p1"], qty: [1, 1, 1] }, 0),
    batchOf(
      { order_id: [2, 1, 1, null], product_id: ["p2", "p2", "p3", "p1"], qty: [1, 1, 1, 1] },
      3,
    ),
    batchOf({ order_id: [null, 3], product_id: ["p1", null], qty: [1, 1] }, 7),
  ]);
  assert.deepEqual(issues, [
    { row: 4, message: '(order_id, product_id) = [1,"p2"] duplicates row 1', value: [1, "p2"] },
  ]);
});

Deno.test("unique on a field with fields makes a composite key with it", () => {
  const setup = setupFor("e", "email", { entities: { e: ["tenant", "email"] } });
  const issues = run(unique, { fields: ["tenant"] }, setup, [
    batchOf({ tenant: ["t1", "t2", "t1"], email: ["a@x.io", "a@x.io", "a@x.io"] }),
  ]);
  assert.deepEqual(issues.map((i) => [i.row, i.field]), [[2, "email"]]);
});

Deno.test("unique does not confuse keys that JSON would join ambiguously", () => {
  const setup = setupFor("e", undefined, { entities: { e: ["a", "b"] } });
  const issues = run(unique, { fields: ["a", "b"] }, setup, [
    batchOf({ a: ["x,y", "x"], b: ["z", "y,z"] }),
  ]);
  assert.deepEqual(issues, []);
});

Deno.test("unique on an entity needs its fields, and they must exist", () => {
  const setup = setupFor("e", undefined, { entities: { e: ["order_id", "product_id"] } });
  assert.throws(() => run(unique, {}, setup, []), /say which fields/);
  assert.throws(
    () => run(unique, { fields: ["order_id", "prodcut_id"] }, setup, []),
    /"prodcut_id" is not a field of e: did you mean "product_id"\?/,
  );
  assert.match(optionProblems(unique, { fields: [] })[0]!.message, /number of items ≥ 1/);
});
