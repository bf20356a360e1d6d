import assert from "node:assert/strict";
import enumRule from "../../../plugins/validators/enum.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("enum accepts listed values only, compared strictly", () => {
  assert.deepEqual(
    failing(enumRule, ["paid", "shipped", 3, true], [
      "paid",
      "shipped",
      3,
      true,
      "Paid",
      "3",
      1,
      null,
    ]),
    [4, 5, 6],
  );
});

Deno.test("enum takes { values, ignore_case }", () => {
  const rule = { values: ["EUR", "USD"], ignore_case: true };
  assert.deepEqual(failing(enumRule, rule, ["eur", "Usd", "GBP", 1]), [2, 3]);
  assert.deepEqual(failing(enumRule, { values: ["EUR"] }, ["eur"]), [0]);
});

Deno.test("enum messages list the allowed values, shortened when long", () => {
  const [issue] = run(enumRule, ["a", "b"], setupFor("e", "v"), [batchOf({ v: ["c"] })]);
  assert.equal(issue!.message, '"c" is not one of a, b');
  const many = Array.from({ length: 15 }, (_, i) => i);
  const [long] = run(enumRule, many, setupFor("e", "v"), [batchOf({ v: [99] })]);
  assert.equal(long!.message, "99 is not one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (5 more)");
});

Deno.test("enum options need at least one value", () => {
  assert.match(optionProblems(enumRule, [])[0]!.message, /number of items ≥ 1/);
  assert.match(
    optionProblems(enumRule, { value: ["a"] }).find((i) => i.hint)!.hint!,
    /did you mean "values"/,
  );
});
