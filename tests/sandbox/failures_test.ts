/**
 * A broken sandboxed plugin fails the run loudly, through the real CLI:
 * exit code 1, a message naming the plugin, hook, entity, field and row with
 * the plugin's own words, and nothing at the output path. One test per way
 * of breaking: throw, wrong type, wrong count, hang, crash, stop its Worker.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { exists, fixture, project } from "./_setup.ts";

const FAULTY = fixture("faulty");

async function run(
  fields: Record<string, unknown>,
  extra: string[] = [],
  output: Record<string, unknown> = {},
) {
  const p = await project([FAULTY], {
    e: { count: 25, fields: { id: { sequence: {} }, ...fields } },
  }, { output: { format: "jsonl", ...output } });
  const r = await runCli(["gen", p.scenario, "--out", p.out, "--batch-size", "10", ...extra], {
    cwd: p.dir,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(await exists(p.out), false, "nothing is left at the output path");
  return r.stderr;
}

Deno.test("a sandboxed generator that throws fails the run with its row and message", async () => {
  const stderr = await run({ v: { faulty: { mode: "throw", row: 13 } } });
  assert.match(stderr, /Plugin "faulty" failed in value\(\) for e\.v at row 13: boom at 13/);
});

Deno.test("a sandboxed generator that returns the wrong type fails the run", async () => {
  const stderr = await run({ v: { faulty: { mode: "wrong-type", row: 4 } } });
  assert.match(
    stderr,
    /Plugin "faulty" failed in value\(\) for e\.v at row 4: returned a number \(42\), but the generator's type is "string"/,
  );
});

Deno.test("a sandboxed generator that returns the wrong count fails the run", async () => {
  const stderr = await run({ v: { faulty: { mode: "wrong-count" } } });
  assert.match(
    stderr,
    /Plugin "faulty" failed in column\(\) for e\.v at row 0: column\(\) returned 9 values; expected 10 values/,
  );
});

Deno.test("a sandboxed generator that hangs is stopped after the time limit", async () => {
  const stderr = await run({ v: { faulty: { mode: "hang", row: 21 } } }, ["--plugin-timeout", "1"]);
  assert.match(
    stderr,
    /Plugin "faulty" failed in column\(\) for e\.v at row 21: did not answer within 1 s, so its worker was stopped/,
  );
  assert.match(stderr, /--plugin-timeout/);
});

Deno.test("a sandboxed plugin that stops its worker fails the run at once", async () => {
  const stderr = await run({ v: { faulty: { mode: "exit", row: 2 } } });
  assert.match(
    stderr,
    /Plugin "faulty" failed in column\(\) for e\.v at row 2: its worker stopped: the plugin called Deno\.exit\(3\)/,
  );
});

Deno.test("a sandboxed plugin whose worker crashes fails the run with the crash", async () => {
  const stderr = await run({ v: { faulty: { mode: "crash" } } });
  assert.match(
    stderr,
    /Plugin "faulty" failed in create\(\) for e\.v: its worker stopped: uncaught Error: async boom/,
  );
});

Deno.test("a sandboxed validator that throws or returns no list fails the run", async () => {
  const thrown = await run({ v: { constant: "x", validate: { faulty_check: "throw" } } });
  assert.match(thrown, /Plugin "faulty_check" failed in check\(\) for e\.v: check boom/);
  const wrong = await run({ v: { constant: "x", validate: { faulty_check: "wrong-type" } } });
  assert.match(
    wrong,
    /Plugin "faulty_check" failed in check\(\) for e\.v: check\(\) must return an array of issues/,
  );
});

Deno.test("a sandboxed formatter that throws or returns the wrong type fails the run", async () => {
  const fields = { v: { constant: "x" } };
  const thrown = await run(fields, [], {
    format: "faulty_format",
    faulty_format: { mode: "throw" },
  });
  assert.match(
    thrown,
    /Plugin "faulty_format" failed in write\(\) for e at row 0: write boom at 0/,
  );
  // Writes are pipelined; a failure is still reported with the batch it concerns.
  const later = await run(fields, [], {
    format: "faulty_format",
    faulty_format: { mode: "throw", from: 10 },
  });
  assert.match(
    later,
    /Plugin "faulty_format" failed in write\(\) for e at row 10: write boom at 10/,
  );
  const wrong = await run(fields, [], {
    format: "faulty_format",
    faulty_format: { mode: "wrong-type" },
  });
  assert.match(
    wrong,
    /Plugin "faulty_format" failed in write\(\) for e at row 0: write\(\) returned a number \(42\); expected a string or Uint8Array/,
  );
});
