import assert from "node:assert/strict";
import required from "../../../plugins/validators/required.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("required rejects null, missing values and the empty string", () => {
  assert.deepEqual(failing(required, undefined, ["a", null, undefined, "", " ", 0, false, []]), [
    1,
    2,
    3,
  ]);
});

Deno.test("required with allow_empty accepts the empty string", () => {
  assert.deepEqual(failing(required, { allow_empty: true }, ["", null]), [1]);
});

Deno.test("required says what is missing, at the absolute row", () => {
  const issues = run(required, undefined, setupFor("e", "v"), [batchOf({ v: [null, ""] }, 40)]);
  assert.deepEqual(issues, [
    { row: 40, field: "v", message: "null where a value is required", value: null },
    { row: 41, field: "v", message: "empty string where a value is required", value: "" },
  ]);
});

Deno.test("required options are optional and strict", () => {
  assert.deepEqual(optionProblems(required, undefined), []);
  assert.match(
    optionProblems(required, { allow_empt: true })[0]!.hint!,
    /did you mean "allow_empty"/,
  );
});
