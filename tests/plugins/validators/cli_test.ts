/**
 * Validators through the real CLI: failures are reported and counted, fail
 * the run only with --strict, and `validate --sample` lists every rule.
 */
import assert from "node:assert/strict";
import { runCli } from "../../_helpers/rows.ts";

// faker's default phone style is "human" ("733.929.3377 x1338"): not E.164.
const SCENARIO = `
name: checked
seed: 7
entities:
  people:
    count: 50
    fields:
      id: { sequence: {} }
      previous_id: { sequence: { start: 0 } }
      email: { faker: internet.email, validate: [required, { format: email }, unique] }
      phone: { faker: phone.number, validate: { format: phone } }
      mobile:
        faker: { method: phone.number, args: [{ style: international }] }
        validate: { format: phone }
      team: { constant: blue, validate: unique }
    validate:
      - compare: { left: id, op: ">", right: previous_id }
      - unique: { fields: [id, team] }
output:
  format: csv
`;

async function withScenario(
  text: string,
  fn: (dir: string, scenario: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-validators-" });
  try {
    await Deno.writeTextFile(`${dir}/checked.yaml`, text);
    await fn(dir, `${dir}/checked.yaml`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("gen reports rule failures in the summary and still succeeds", async () => {
  await withScenario(SCENARIO, async (dir, scenario) => {
    const { code, stderr } = await runCli(["gen", scenario, "--out", `${dir}/out`], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /validation: 8 rules, 99 failures/);
    assert.match(
      stderr,
      /people\.phone format: 50 of 50 rows, e\.g\. row 0: "[^"]+" is not an E\.164 phone number/,
    );
    assert.match(
      stderr,
      /people\.team unique: 49 of 50 rows, e\.g\. row 1: "blue" duplicates row 0/,
    );
    assert.doesNotMatch(
      stderr,
      /people\.mobile|people\.email|compare/,
      "passing rules are not listed",
    );
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/out/manifest.json`));
    assert.equal(manifest.validation.failures, 99);
    const phone = manifest.validation.results.find((r: { field?: string }) => r.field === "phone");
    assert.equal(phone.examples.length, 5);
    assert.equal(phone.examples[0].row, 0);
  });
});

Deno.test("gen --strict fails on a rule failure and leaves no output behind", async () => {
  await withScenario(SCENARIO, async (dir, scenario) => {
    const { code, stderr } = await runCli(["gen", scenario, "--out", `${dir}/out`, "--strict"], {
      cwd: dir,
    });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /Validation failed: 99 failures \(--strict\)/);
    assert.match(stderr, /people\.phone format: 50 of 50 rows/);
    await assert.rejects(Deno.stat(`${dir}/out`), Deno.errors.NotFound);
  });
});

Deno.test("validate --sample lists every rule's result", async () => {
  await withScenario(SCENARIO, async (dir, scenario) => {
    const { code, stderr } = await runCli(["validate", scenario, "--sample", "100"], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /✘ people\.phone format: 50 of 50 failed \(e\.g\. row 0: "[^"]+" is not an E\.164 phone number/,
    );
    assert.match(stderr, /✔ people\.mobile format: 0 of 50 failed/);
    assert.match(stderr, /✔ people\.email required: 0 of 50 failed/);
    assert.match(stderr, /✔ people\.email format: 0 of 50 failed/);
    assert.match(stderr, /✔ people compare: 0 of 50 failed/);
    assert.match(stderr, /✔ people unique: 0 of 50 failed/);
    const strict = await runCli(["validate", scenario, "--sample", "10", "--strict"], { cwd: dir });
    assert.equal(strict.code, 1, strict.stderr);
  });
});

Deno.test("bad rule options are scenario errors with file, line and a hint", async () => {
  const bad = SCENARIO.replace("{ format: phone }", "{ format: { postal_code: XY } }")
    .replace("{ format: email }", "{ format: emial }");
  await withScenario(bad, async (dir, scenario) => {
    const { code, stderr } = await runCli(["validate", scenario], { cwd: dir });
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /checked\.yaml:\d+:\d+ entities\.people\.fields\.email\.validate\[1\]\.format\n\s+Unknown format "emial": did you mean "email"\?/,
    );
    assert.match(
      stderr,
      /checked\.yaml:\d+:\d+ entities\.people\.fields\.phone\.validate\.format\.postal_code\n\s+Unknown country "XY" for postal codes/,
    );
  });
});

Deno.test("a rule naming a missing field fails the run before anything is written", async () => {
  const bad = SCENARIO.replace("left: id, op", "left: idd, op");
  await withScenario(bad, async (dir, scenario) => {
    const { code, stderr } = await runCli(["gen", scenario, "--out", `${dir}/out`], { cwd: dir });
    assert.notEqual(code, 0, stderr);
    assert.match(stderr, /"idd" is not a field of people: did you mean "id"\?/);
    await assert.rejects(Deno.stat(`${dir}/out`), Deno.errors.NotFound);
  });
});
