import assert from "node:assert/strict";
import regex from "../../../plugins/validators/regex.ts";
import { batchOf, failing, optionProblems, run, setupFor } from "./_setup.ts";

Deno.test("regex tests each value against the pattern", () => {
  assert.deepEqual(
    failing(regex, "^INS-\\d{5}$", ["INS-00042", "INS-0042", "ins-00042", null, "xINS-00042"]),
    [1, 2, 4],
  );
});

Deno.test("regex is unanchored unless the pattern says so", () => {
  assert.deepEqual(failing(regex, "\\d", ["a1b", "ab"]), [1]);
});

Deno.test("regex takes flags", () => {
  assert.deepEqual(failing(regex, { pattern: "^ins-\\d+$", flags: "i" }, ["INS-1", "XNS-1"]), [1]);
  assert.deepEqual(failing(regex, { pattern: "^\\p{Lu}", flags: "u" }, ["Émile", "émile"]), [1]);
});

Deno.test("regex tests numbers and booleans as text, and fails objects", () => {
  assert.deepEqual(failing(regex, "^\\d{5}$", [12345, 1234, true, { a: 1 }]), [1, 2, 3]);
});

Deno.test("regex gives the same answer for every row (no lastIndex state)", () => {
  const values = Array.from({ length: 100 }, () => "abc");
  assert.deepEqual(failing(regex, "b", values), []);
});

Deno.test("regex messages show the pattern", () => {
  const [issue] = run(regex, "^A", setupFor("e", "v"), [batchOf({ v: ["B"] })]);
  assert.equal(issue!.message, '"B" does not match /^A/');
});

Deno.test("regex options reject invalid patterns and stateful flags", () => {
  const [bad] = optionProblems(regex, "^(INS-\\d{5}$");
  assert.deepEqual(bad?.path, ["rule"]);
  assert.match(
    bad!.message,
    /^Invalid regular expression \/\^\(INS-\\d\{5\}\$\/: Unterminated group$/,
  );
  assert.match(
    optionProblems(regex, { pattern: "a", flags: "g" })[0]!.message,
    /g and y are not allowed/,
  );
  assert.deepEqual(optionProblems(regex, { pattern: "a", flags: "ii" })[0]?.path, [
    "rule",
    "flags",
  ]);
  assert.deepEqual(optionProblems(regex, { pattern: "a", flags: "imsu" }), []);
});
