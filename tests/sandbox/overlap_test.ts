/**
 * Batches overlap when an entity has sandboxed fields (the next batch is
 * computed while a Worker computes the current one's column): the rows stay
 * exactly those of an in-process run, whatever the batch size, with several
 * sandboxed fields, one reading another, unique retries in the Worker and in
 * the kernel after it, nulls, transforms and conditions; a failure in a later
 * batch still comes after the batches before it, naming its row.
 */
import assert from "node:assert/strict";
import { entityBatches } from "../../core/batches.ts";
import { World } from "../../core/engine.ts";
import { prepare } from "../../core/gen.ts";
import { rowsOf } from "../_helpers/rows.ts";
import { example, fixture } from "./_setup.ts";

const PLUGINS = [example("username"), fixture("faulty")];

const scenario = {
  name: "overlap",
  seed: 11,
  plugins: PLUGINS,
  entities: {
    e: {
      count: 700,
      fields: {
        id: { sequence: {} },
        // Few names: the unique fields below collide often.
        first: { choice: { values: ["Ann", "Bob", "Cy"] } },
        // Sandboxed, reads nothing: "ok <row>" (it fails only at its row, beyond the count).
        plain: { faulty: { mode: "throw", row: 1_000_000 } },
        // Sandboxed, reads a field; the kernel retries its collisions in the Worker.
        user: { username: { from: "first", digits: 3 }, unique: true },
        // Sandboxed, reads another sandboxed field.
        again: { username: { from: "user", digits: 2, separator: "." }, nullable: 0.25 },
        nick: {
          username: { from: "first", digits: 0 },
          transform: "upper",
          when: { field: "again", not_null: true },
        },
        // In-process, unique by retry, computed after the sandboxed fields.
        code: { integer: { min: 1, max: 1000 }, unique: true },
      },
    },
  },
};

Deno.test("overlapping batches give the rows of an in-process run, whatever the batch size", async () => {
  const trusted = await rowsOf(scenario, "e", { policy: { trusted: PLUGINS }, batchSize: 700 });
  assert.equal(trusted.length, 700);
  assert.ok(trusted.some((r) => r.again === null), "some rows are null");
  assert.ok(trusted.some((r) => r.nick === null), "the condition leaves some rows out");
  assert.equal(new Set(trusted.map((r) => r.user)).size, 700, "user is unique");
  assert.equal(new Set(trusted.map((r) => r.code)).size, 700, "code is unique");
  for (const batchSize of [1, 7, 64, 300, 10_000]) {
    const sandboxed = await rowsOf(scenario, "e", { batchSize });
    assert.deepEqual(sandboxed, trusted, `batch size ${batchSize}`);
  }
});

Deno.test("a sandboxed failure in a later batch comes after the batches before it, naming its row", async () => {
  const failing = {
    name: "late",
    seed: 1,
    plugins: [fixture("faulty")],
    entities: {
      e: {
        count: 100,
        fields: { id: { sequence: {} }, v: { faulty: { mode: "throw", row: 25 } } },
      },
    },
  };
  const plan = await prepare(failing, { batchSize: 10 });
  const seen: number[] = [];
  try {
    const world = new World(plan);
    await assert.rejects(
      async () => {
        for await (const { out } of entityBatches(world.engine("e"), 10)) seen.push(out.start);
      },
      (e: Error) => {
        assert.match(e.message, /row 25/);
        assert.match(e.message, /boom at 25/);
        return true;
      },
    );
  } finally {
    plan.registry.close();
  }
  assert.deepEqual(seen, [0, 10]);
});

Deno.test("a caller that stops early leaves no batch failing unseen", async () => {
  const plan = await prepare(scenario, { batchSize: 50 });
  try {
    const world = new World(plan);
    let batches = 0;
    for await (const { out } of entityBatches(world.engine("e"), 50)) {
      assert.equal(out.length, 50);
      if (++batches === 2) break;
    }
    assert.equal(batches, 2);
  } finally {
    // Stops the Worker while the batch asked for ahead may still be pending.
    plan.registry.close();
  }
});
