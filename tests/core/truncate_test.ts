/**
 * `transform: { truncate: n }` and `length` awareness: a field with a
 * `length` validator's max never produces a longer string, so a VARCHAR(n)
 * never overflows; anomaly replacements stay as they are.
 */
import assert from "node:assert/strict";
import { truncateTo } from "../../core/transforms.ts";
import { codePoints } from "../../plugins/validators/length.ts";
import { rowsOf, runCli } from "../_helpers/rows.ts";

Deno.test("truncateTo cuts code points, never half a surrogate pair, and drops trailing spaces", () => {
  assert.equal(truncateTo(3)("abcdef"), "abc");
  assert.equal(truncateTo(6)("abc"), "abc");
  assert.equal(truncateTo(2)("😀😀😀"), "😀😀");
  assert.equal(truncateTo(1)("😀a"), "😀");
  assert.equal(truncateTo(4)("Ana Lopez"), "Ana");
  assert.equal(truncateTo(3)("a😀b😀"), "a😀b");
});

Deno.test("transform: { truncate } alone and after other transforms", async () => {
  const rows = await rowsOf({
    name: "t",
    entities: {
      e: {
        count: 500,
        fields: {
          a: { faker: "lorem.paragraph", transform: { truncate: 20 } },
          b: { faker: "lorem.paragraph", transform: ["upper", { truncate: 12 }] },
        },
      },
    },
  }, "e");
  for (const r of rows) {
    assert.ok(codePoints(r.a as string) <= 20);
    assert.ok(codePoints(r.b as string) <= 12);
    assert.equal(r.b, (r.b as string).toUpperCase());
  }
  assert.ok(rows.some((r) => codePoints(r.a as string) >= 19), "long values are cut, not dropped");
});

Deno.test("a length validator's max bounds the generated strings; --strict passes", async () => {
  const scenario = {
    name: "fit",
    seed: 9,
    entities: {
      people: {
        count: 2000,
        fields: {
          id: { sequence: {} },
          name: { faker: "person.fullName", validate: { length: { max: 10 } } },
          bio: { faker: "lorem.sentences", validate: [{ length: { min: 1, max: 30 } }] },
          code: { pattern: "[A-Z]{12}", unique: true, validate: { length: 12 } },
        },
      },
    },
  };
  const rows = await rowsOf(scenario, "people");
  for (const r of rows) {
    assert.ok(codePoints(r.name as string) <= 10, `${r.name}`);
    assert.ok(codePoints(r.bio as string) <= 30);
    assert.equal((r.code as string).length, 12);
  }
  assert.ok(rows.some((r) => codePoints(r.name as string) === 10));

  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(scenario));
    const run = await runCli(["gen", file, "--format", "csv", "-o", `${dir}/out`, "--strict"]);
    assert.equal(run.code, 0, run.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anomaly replacements are not cut to the validator's max", async () => {
  const rows = await rowsOf({
    name: "anom",
    seed: 1,
    entities: {
      people: {
        count: 400,
        anomalies: {
          rate: 0.2,
          kinds: { too_long: { set: { name: { constant: "x".repeat(40) } } } },
        },
        fields: {
          name: { faker: "person.firstName", validate: { length: { max: 10 } } },
        },
      },
    },
  }, "people");
  assert.ok(rows.some((r) => r.name === "x".repeat(40)));
  assert.ok(
    rows.filter((r) => r.name !== "x".repeat(40)).every((r) => codePoints(r.name as string) <= 10),
  );
});
