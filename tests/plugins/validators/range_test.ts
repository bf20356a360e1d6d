import assert from "node:assert/strict";
import range from "../../../plugins/validators/range.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("range checks numbers against inclusive bounds", () => {
  assert.deepEqual(failing(range, { min: 1, max: 500 }, [1, 500, 250.5, 0.99, 500.01, null, -1]), [
    3,
    4,
    6,
  ]);
  assert.deepEqual(failing(range, { min: 0 }, [0, 1e300, -0.0001]), [2]);
  assert.deepEqual(failing(range, { max: 10 }, [-1e300, 10, 11]), [2]);
});

Deno.test("range exclusive drops both bounds, or only the one named", () => {
  assert.deepEqual(failing(range, { min: 0, max: 1, exclusive: true }, [0, 0.5, 1]), [0, 2]);
  assert.deepEqual(failing(range, { min: 0, max: 1, exclusive: "max" }, [0, 0.5, 1]), [2]);
  assert.deepEqual(failing(range, { min: 0, max: 1, exclusive: "min" }, [0, 0.5, 1]), [0]);
});

Deno.test("range rejects values that are not numbers, NaN included", () => {
  const issues = run(range, { min: 0, max: 10 }, setupFor("e", "v"), [
    batchOf({ v: ["5", NaN, true, 5] }),
  ]);
  assert.deepEqual(issues.map((i) => i.row), [0, 1, 2]);
  assert.equal(issues[0]!.message, '"5" is not a number');
  assert.equal(issues[1]!.message, "NaN is not a number");
});

Deno.test("range compares ISO dates and datetimes as instants", () => {
  const rule = { min: "2024-01-01", max: "2024-03-31" };
  const values = [
    "2024-01-01", // the min itself
    "2024-03-31", // the max itself
    "2024-03-31T00:00:00Z", // the max's midnight
    "2024-03-31T12:00:00Z", // after the max
    "2023-12-31T23:59:59Z",
    "2024-01-01T01:00:00+02:00", // 2023-12-31T23:00Z
    "2024-02-30", // not a date
    20240201,
  ];
  assert.deepEqual(failing(range, rule, values), [3, 4, 5, 6, 7]);
  assert.deepEqual(
    failing(range, { min: "2024-01-01", max: "2024-02-01", exclusive: "max" }, [
      "2024-01-31T23:59:59.999Z",
      "2024-02-01",
    ]),
    [1],
  );
});

Deno.test("range messages show the interval", () => {
  const [issue] = run(range, { min: 1, max: 5, exclusive: "max" }, setupFor("e", "v"), [
    batchOf({ v: [5] }, 7),
  ]);
  assert.deepEqual(issue, { row: 7, field: "v", message: "5 is outside [1, 5)", value: 5 });
  const [open] = run(range, { min: "2020-01-01" }, setupFor("e", "v"), [
    batchOf({ v: ["2019-12-31"] }),
  ]);
  assert.equal(open!.message, '"2019-12-31" is outside [2020-01-01, ∞)');
});

Deno.test("range options must make sense", () => {
  assert.match(optionProblems(range, {})[0]!.message, /needs a min, a max or both/);
  assert.match(
    optionProblems(range, { min: 5, max: 1 })[0]!.message,
    /max \(1\) is below min \(5\)/,
  );
  assert.match(
    optionProblems(range, { min: 1, max: "2024-01-01" })[0]!.message,
    /both be numbers or both be dates/,
  );
  assert.deepEqual(optionProblems(range, { min: "2024-02-30" })[0]?.path, ["rule", "min"]);
  assert.match(optionProblems(range, { mni: 1 })[0]!.hint!, /did you mean "min"/);
  assert.deepEqual(optionProblems(range, { min: "2024-01-01", max: "2024-01-01T10:00:00Z" }), []);
});
