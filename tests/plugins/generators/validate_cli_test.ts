import assert from "node:assert/strict";
import { runCli } from "../../_helpers/rows.ts";

Deno.test("fabricate validate reports every generator's option problems with lines and hints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-validate-" });
  await Deno.writeTextFile(
    `${dir}/bad.yaml`,
    `name: bad
entities:
  e:
    count: 3
    fields:
      age: { integer: { min: 90, max: 18 } }
      d: { date: { from: -3m } }
      p: { pattern: "AB[" }
      t: { choice: { values: [a, b], weights: [1] } }
      r: { ref: { to: e.age, distribution: zipff } }
      m: { template: "{{aeg}}" }
`,
  );
  const { code, stdout, stderr } = await runCli(["validate", "bad.yaml"], { cwd: dir });
  await Deno.remove(dir, { recursive: true });
  assert.equal(code, 2, stderr);
  assert.equal(stdout, "");
  const expected = [
    "6 problems",
    "bad.yaml:6:30 entities.e.fields.age.integer.min",
    "Cannot generate integers from 90 to 18: min is greater than max",
    "bad.yaml:7:26 entities.e.fields.d.date.from",
    'hint: write "mo" for months or "min" for minutes',
    "bad.yaml:8:21 entities.e.fields.p.pattern",
    'Cannot read pattern "AB[" at position 3: "[" is never closed',
    "bad.yaml:9:47 entities.e.fields.t.choice.weights",
    "bad.yaml:10:44 entities.e.fields.r.ref.distribution",
    'hint: did you mean "zipf"?',
    "bad.yaml:11",
    'hint: did you mean "age"?',
  ];
  for (const text of expected) {
    assert.ok(stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${stderr}`);
  }
});
