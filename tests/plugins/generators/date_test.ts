import assert from "node:assert/strict";
import { columnOf, runCli } from "../../_helpers/rows.ts";
import { compiledField, issuesOf, oneField, rowsAloneMatchBatch, yamlIssues } from "./_setup.ts";

const dates = async (spec: unknown, n: number, seed = 1) =>
  (await columnOf({ date: spec }, n, { seed })) as string[];

Deno.test("date writes YYYY-MM-DD dates of the year before the reference date by default", async () => {
  const values = await dates({}, 2000);
  for (const v of values) {
    assert.match(v, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(v >= "2024-01-01" && v <= "2025-01-01", v);
  }
  assert.equal((await compiledField({ date: {} })).type, "date");
});

Deno.test("date includes both ends of its range", async () => {
  const values = await dates({ from: "2024-02-28", to: "2024-03-01" }, 500);
  assert.deepEqual([...new Set(values)].sort(), ["2024-02-28", "2024-02-29", "2024-03-01"]);
  assert.equal(
    (await compiledField({ date: { from: "2024-02-28", to: "2024-03-01" } })).gen.cardinality,
    3,
  );
});

Deno.test("date offsets count from the reference date, for adult birthdates", async () => {
  const values = (await columnOf({ date: { from: "-90y", to: "-18y" } }, 5000, {})) as string[];
  // reference_date defaults to 2025-01-01.
  assert.ok(values.every((v) => v >= "1935-01-01" && v <= "2007-01-01"));
  assert.ok(values.some((v) => v < "1940-01-01") && values.some((v) => v > "2002-01-01"));
});

Deno.test("date is uniform over its range", async () => {
  const values = await dates({ from: "2000-01-01", to: "2009-12-31" }, 20_000);
  const early = values.filter((v) => v < "2005-01-01").length / values.length;
  assert.ok(Math.abs(early - 1827 / 3653) < 0.015, `share before 2005: ${early}`);
});

Deno.test("date writes a token pattern as text", async () => {
  const values = await dates({ from: "1950-01-01", to: "2005-12-31", format: "MM/DD/YYYY" }, 500);
  for (const v of values) {
    assert.match(v, /^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/(19[5-9]\d|200[0-5])$/);
  }
  assert.equal((await compiledField({ date: { format: "MM/DD/YYYY" } })).type, "string");
});

Deno.test("date writes epoch seconds or milliseconds at UTC midnight", async () => {
  const [s] = await dates({ from: "2024-03-10", to: "2024-03-10", format: "epoch" }, 1);
  const [msv] = await dates({ from: "2024-03-10", to: "2024-03-10", format: "epoch_ms" }, 1);
  assert.equal(s as unknown, Date.UTC(2024, 2, 10) / 1000);
  assert.equal(msv as unknown, Date.UTC(2024, 2, 10));
  assert.equal((await compiledField({ date: { format: "epoch" } })).type, "integer");
});

Deno.test("date is the same for the same seed and differs for another", async () => {
  assert.deepEqual(await dates({ from: "-50y" }, 100, 1), await dates({ from: "-50y" }, 100, 1));
  assert.notDeepEqual(await dates({ from: "-50y" }, 100, 1), await dates({ from: "-50y" }, 100, 2));
});

Deno.test("date rejects from after to, with the resolved dates", async () => {
  const [issue] = await issuesOf(oneField({ date: { from: "-18y", to: "-90y" } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "date", "from"]);
  assert.equal(
    issue!.message,
    'Cannot generate dates from "-18y" to "-90y": from (2007-01-01) is after to (1935-01-01)',
  );
  assert.match(issue!.hint!, /swap from and to/);
});

Deno.test("date rejects a bound it cannot read, at its line", async () => {
  const [issue] = await yamlIssues(`name: t
entities:
  e:
    count: 3
    fields:
      dob:
        date: { from: 2023-02-30, to: -18y }
`);
  assert.equal(issue!.line, 7);
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "dob", "date", "from"]);
  assert.equal(issue!.message, 'Cannot read from "2023-02-30": day 30 does not exist in 2023-02');
});

Deno.test("date rejects a format with lower-case years", async () => {
  const [issue] = await issuesOf(oneField({ date: { format: "mm/dd/yyyy" } }));
  assert.deepEqual(issue!.path, ["entities", "e", "fields", "v", "date", "format"]);
  assert.match(issue!.hint!, /MM\/DD\/YYYY/);
});

Deno.test("date output does not depend on the machine's time zone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fabricate-date-" });
  await Deno.writeTextFile(
    `${dir}/s.yaml`,
    `name: tz
reference_date: 2025-03-30
entities:
  e:
    count: 200
    fields:
      d: { date: { from: -1y, to: today, format: "YYYY-MM-DD HH:mm" } }
      t: { datetime: { from: -2d, to: now } }
`,
  );
  const outputs: string[] = [];
  for (const tz of ["UTC", "Pacific/Chatham", "America/St_Johns"]) {
    const r = await runCli(["gen", "s.yaml", "--format", "jsonl", "--out", "-", "-q"], {
      cwd: dir,
      env: { TZ: tz },
    });
    assert.equal(r.code, 0, r.stderr);
    outputs.push(r.stdout);
  }
  await Deno.remove(dir, { recursive: true });
  assert.ok(outputs[0]!.includes('"d":"2024-'));
  assert.ok(outputs[0]!.includes(' 00:00"'));
  assert.equal(outputs[1], outputs[0]);
  assert.equal(outputs[2], outputs[0]);
});

Deno.test("date gives the same row alone as in a batch", async () => {
  const { alone, batch } = await rowsAloneMatchBatch(
    oneField({ date: { from: "-90y", to: "-18y" } }, 100),
    "e",
    [1, 64, 99],
  );
  assert.deepEqual(alone, batch);
});
