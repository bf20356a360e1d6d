/**
 * `report` reads what `gen --compress` wrote (customers.csv.gz,
 * orders.jsonl.zst) with the same numbers as the uncompressed files.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

Deno.test("report reads gzip and zstd files with the same numbers as plain ones", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-compressed-" });
  const entitiesOf = async (args: string[], name: string) => {
    const out = `${tmp}/${name}`;
    const gen = await runCli(["gen", "quickstart", "--seed", "3", "--out", out, "-q", ...args], {
      cwd: tmp,
    });
    assert.equal(gen.code, 0, gen.stderr);
    const report = await runCli(["report", out], { cwd: tmp });
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    assert.deepEqual(json.notes, [], `${name}: every file read`);
    return json.entities;
  };
  for (const format of ["csv", "jsonl", "json"]) {
    const plain = await entitiesOf(["--format", format], format);
    for (const c of ["gzip", "zstd"]) {
      const got = await entitiesOf(["--format", format, "--compress", c], `${format}-${c}`);
      assert.deepEqual(got, plain, `${format} with ${c}`);
    }
  }
  await Deno.remove(tmp, { recursive: true });
});
