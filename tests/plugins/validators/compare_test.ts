import assert from "node:assert/strict";
import compare, { compareValues } from "../../../plugins/validators/compare.ts";
import { batchOf, optionProblems, run, setupFor } from "./_setup.ts";

const setup = setupFor("orders", undefined, {
  entities: { orders: ["ordered_at", "shipped_at", "qty", "max_qty"] },
});

Deno.test("compare checks shipped_at >= ordered_at on each row, skipping nulls", () => {
  const issues = run(compare, { left: "shipped_at", op: ">=", right: "ordered_at" }, setup, [
    batchOf({
      ordered_at: ["2024-01-01", "2024-01-05", "2024-01-05T10:00:00Z", "2024-01-01", null],
      shipped_at: ["2024-01-01", "2024-01-04", "2024-01-05T09:00:00Z", null, "2024-01-01"],
    }, 10),
  ]);
  assert.deepEqual(issues, [
    {
      row: 11,
      field: "shipped_at",
      message: 'shipped_at "2024-01-04" is not >= ordered_at "2024-01-05"',
      value: "2024-01-04",
    },
    {
      row: 12,
      field: "shipped_at",
      message: 'shipped_at "2024-01-05T09:00:00Z" is not >= ordered_at "2024-01-05T10:00:00Z"',
      value: "2024-01-05T09:00:00Z",
    },
  ]);
});

Deno.test("compare supports every operator on numbers", () => {
  const batch = batchOf({ qty: [1, 2, 3], max_qty: [2, 2, 2] });
  const failing = (op: string) =>
    run(compare, { left: "qty", op, right: "max_qty" }, setup, [batch]).map((i) => i.row);
  assert.deepEqual(failing("<"), [1, 2]);
  assert.deepEqual(failing("<="), [2]);
  assert.deepEqual(failing(">"), [0, 1]);
  assert.deepEqual(failing(">="), [0]);
  assert.deepEqual(failing("=="), [0, 2]);
  assert.deepEqual(failing("!="), [1]);
});

Deno.test("compareValues orders ISO instants by time, other strings by code units", () => {
  assert.ok(compareValues("2024-01-01T01:00:00+02:00", "2024-01-01") < 0);
  assert.equal(compareValues("2024-01-01T00:00:00Z", "2024-01-01"), 0);
  assert.ok(compareValues("2024-03-02", "2024-03-01T23:00:00Z") > 0);
  assert.ok(compareValues("b", "a") > 0);
  assert.ok(compareValues("B", "a") < 0);
  assert.ok(compareValues(10, 9) > 0, "numbers compare by value, not as text");
  assert.ok(compareValues(true, false) > 0);
  assert.ok(Number.isNaN(compareValues(2, "2")));
  assert.ok(Number.isNaN(compareValues(NaN, 1)));
});

Deno.test("compare reports values it cannot compare", () => {
  const [issue] = run(compare, { left: "qty", op: "==", right: "max_qty" }, setup, [
    batchOf({ qty: [2], max_qty: ["2"] }),
  ]);
  assert.equal(issue!.message, 'cannot compare qty 2 with max_qty "2"');
});

Deno.test("compare names a missing field with a did-you-mean", () => {
  assert.throws(
    () => run(compare, { left: "shiped_at", op: ">=", right: "ordered_at" }, setup, []),
    /"shiped_at" is not a field of orders: did you mean "shipped_at"\?/,
  );
});

Deno.test("compare options list the operators", () => {
  const [bad] = optionProblems(compare, { left: "a", op: "=>", right: "b" });
  assert.deepEqual(bad?.path, ["rule", "op"]);
  assert.match(bad!.message, /Expected one of <, <=, >, >=, ==, !=, got "=>"/);
  assert.match(
    optionProblems(compare, { left: "a", op: ">" })[0]!.message,
    /Missing required "right"/,
  );
});
