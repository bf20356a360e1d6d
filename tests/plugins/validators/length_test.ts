import assert from "node:assert/strict";
import length, { codePoints } from "../../../plugins/validators/length.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("length checks strings between min and max", () => {
  assert.deepEqual(failing(length, { min: 2, max: 4 }, ["a", "ab", "abcd", "abcde", "", null]), [
    0,
    3,
    4,
  ]);
  assert.deepEqual(failing(length, { max: 3 }, ["", "abc", "abcd"]), [2]);
  assert.deepEqual(failing(length, 2, ["DE", "D", "DEU"]), [1, 2]);
});

Deno.test("length counts code points, not UTF-16 units", () => {
  assert.equal(codePoints("😀a"), 2);
  assert.equal(codePoints("\ud800"), 1, "a lone surrogate counts as one");
  assert.equal(codePoints("\ud83d\ud83d\ude00"), 2);
  // "😀😀" is 4 UTF-16 units but 2 characters; "Zoë" is 3 either way.
  assert.deepEqual(failing(length, { max: 2 }, ["😀😀", "😀😀😀", "Zoë"]), [1, 2]);
  assert.deepEqual(failing(length, { min: 3 }, ["😀😀", "😀😀😀", "🇩🇪"]), [0, 2]);
  assert.deepEqual(
    failing(length, 1, ["😀", "é", "e\u0301"]),
    [2],
    "a combining accent is its own code point",
  );
});

Deno.test("length checks lists by their number of items", () => {
  assert.deepEqual(failing(length, { min: 1, max: 2 }, [[1], [1, 2], [], [1, 2, 3]]), [2, 3]);
});

Deno.test("length fails values that have no length", () => {
  const issues = run(length, { max: 5 }, setupFor("e", "v"), [batchOf({ v: [12, { a: 1 }] })]);
  assert.deepEqual(issues.map((i) => i.message), [
    "12 has no length (not a string or a list)",
    '{"a":1} has no length (not a string or a list)',
  ]);
});

Deno.test("length messages say the length found and the one expected", () => {
  const [long, short] = run(length, { min: 2, max: 3 }, setupFor("e", "v"), [
    batchOf({ v: ["abcd", ["x"]] }),
  ]);
  assert.equal(long!.message, '"abcd" has 4 characters, expected 2 to 3');
  assert.equal(short!.message, '["x"] has 1 item, expected 2 to 3');
});

Deno.test("length options must make sense", () => {
  assert.match(optionProblems(length, {})[0]!.message, /needs a min, a max or both/);
  assert.match(
    optionProblems(length, { min: 3, max: 2 })[0]!.message,
    /max \(2\) is below min \(3\)/,
  );
  assert.equal(optionProblems(length, -1).length, 1);
  assert.equal(optionProblems(length, 1.5).length, 1);
});
