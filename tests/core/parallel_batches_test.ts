/**
 * `--workers N` below the CLI (core/parallel_batches.ts, core/gen_task.ts,
 * core/gen_workers.ts): tasks made by the Workers alone, or by the Workers
 * and the main thread, give the bytes and columns of one thread making the
 * whole entity, whatever the batch size and task size; a Worker that fails
 * fails the entity with its error; and the task size follows the rows.
 */
import assert from "node:assert/strict";
import { prepare, type PrepareOptions } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { GenWorkers } from "../../core/gen_workers.ts";
import { TaskRunner } from "../../core/gen_task.ts";
import { batchesPerTask, parallelBatches, type ReadyBatch } from "../../core/parallel_batches.ts";
import { workerOptions } from "../../core/worker_count.ts";
import type { CompiledEntity, Plan } from "../../core/compile.ts";

/** Concatenated bytes per format, and every column, of an entity's batches in order. */
async function collect(batches: AsyncIterable<ReadyBatch>, formats: number) {
  const bytes: number[][] = Array.from({ length: formats }, () => []);
  const columns: unknown[][] = [];
  let next: number | undefined;
  for await (const b of batches) {
    if (next !== undefined) assert.equal(b.start, next, "batches come in row order");
    next = b.start + b.length;
    b.chunks?.forEach((c, f) => bytes[f]!.push(...c));
    b.full?.columns.forEach((c, i) => (columns[i] ??= []).push(...c));
  }
  return { bytes, columns };
}

/** The same, made by the main thread alone as one task. */
async function alone(
  plan: Plan,
  entity: CompiledEntity,
  layout: Plan["layout"],
  fileEntities: string[],
) {
  const runner = new TaskRunner(plan, new World(plan));
  const results = await runner.run({
    id: 0,
    entity: entity.name,
    from: 0,
    to: entity.count,
    full: true,
    format: true,
    layout,
    fileEntities,
  });
  async function* batches(): AsyncGenerator<ReadyBatch> {
    for (const r of results) {
      yield {
        start: r.start,
        length: r.length,
        chunks: r.chunks!,
        full: {
          entity: entity.name,
          start: r.start,
          length: r.length,
          fields: [],
          columns: r.full!,
        },
      };
    }
  }
  return await collect(batches(), plan.formats.length);
}

async function untilReady(pool: GenWorkers): Promise<void> {
  while (pool.ready < pool.size) {
    if (pool.failure) throw pool.failure;
    await pool.changed();
  }
}

for (
  const [name, options] of [
    [
      "odd counts, a one-row entity, refs, batches of 7, per-entity",
      {
        counts: { customers: 103, products: 1, orders: 1003 },
        batchSize: 7,
        formats: ["csv", "json", "jsonl", "sql", "yaml", "xml"],
      },
    ],
    [
      "layout single",
      {
        counts: { customers: 50, products: 3, orders: 400 },
        batchSize: 9,
        formats: ["json", "sql", "yaml", "xml"],
        layout: "single",
      },
    ],
  ] as [string, PrepareOptions][]
) {
  Deno.test(`parallelBatches() gives one thread's bytes and columns (${name}), with or without the main thread`, async () => {
    const plan = await prepare("quickstart", options);
    const pool = GenWorkers.start(2, "quickstart", workerOptions(options), undefined);
    try {
      await untilReady(pool);
      const local = new TaskRunner(plan, new World(plan));
      for (const entity of plan.entities) {
        // Unique by retry: each row depends on the rows before (the kernel makes it alone).
        if (entity.fields.some((f) => f.uniqueByRetry)) continue;
        const fileEntities = plan.layout === "single"
          ? plan.entities.map((e) => e.name)
          : [entity.name];
        const expected = await alone(plan, entity, plan.layout, fileEntities);
        for (const withMain of [false, true]) {
          const got = await collect(
            parallelBatches({
              pool,
              ...(withMain ? { local } : {}),
              plan,
              entity,
              from: 0,
              to: entity.count,
              format: true,
              layout: plan.layout,
              entities: plan.entities,
              columns: true,
            }),
            plan.formats.length,
          );
          for (const [f, format] of plan.formats.entries()) {
            assert.deepEqual(
              new Uint8Array(got.bytes[f]!),
              new Uint8Array(expected.bytes[f]!),
              `${entity.name} as ${format.plugin.name}${withMain ? " (with the main thread)" : ""}`,
            );
          }
          assert.deepEqual(got.columns, expected.columns, `${entity.name} columns`);
        }
      }
    } finally {
      pool.close();
      plan.registry.close();
    }
  });
}

Deno.test("parallelBatches() starts mid-entity (a shard or a resumed run) at the batch boundaries of one thread", async () => {
  const options = { counts: { orders: 500 }, batchSize: 11, formats: ["sql"] };
  const plan = await prepare("quickstart", options);
  const pool = GenWorkers.start(1, "quickstart", workerOptions(options), undefined);
  try {
    await untilReady(pool);
    const orders = plan.byName.get("orders")!;
    const starts: number[] = [];
    for await (
      const b of parallelBatches({
        pool,
        plan,
        entity: orders,
        from: 123,
        to: 456,
        format: true,
        layout: "per-entity",
        entities: [orders],
        columns: false,
      })
    ) {
      starts.push(b.start);
      assert.ok(b.length === 11 || b.start + b.length === 456);
    }
    assert.deepEqual(starts, Array.from({ length: 31 }, (_, k) => 123 + 11 * k));
  } finally {
    pool.close();
    plan.registry.close();
  }
});

Deno.test("parallelBatches() fails with the Worker's error, naming the plugin, when a Worker's task throws", async () => {
  const plugin = new URL("../fixtures/plugins/worker_fault.ts", import.meta.url).href;
  const scenario = {
    name: "fault",
    seed: 1,
    plugins: [plugin],
    entities: { e: { count: 200, fields: { v: { worker_fault: { mode: "throw" } } } } },
  };
  const options = { batchSize: 10, formats: ["csv"], policy: { trusted: [plugin] } };
  const plan = await prepare(scenario, options);
  const pool = GenWorkers.start(1, scenario, workerOptions(options), undefined);
  try {
    await untilReady(pool);
    const e = plan.byName.get("e")!;
    await assert.rejects(
      collect(
        parallelBatches({
          pool,
          plan,
          entity: e,
          from: 0,
          to: 200,
          format: true,
          layout: "per-entity",
          entities: [e],
          columns: false,
        }),
        1,
      ),
      (err: Error) => {
        assert.match(err.message, /worker_fault/);
        assert.match(String((err.cause as Error)?.message ?? err.message), /boom in a Worker/);
        return true;
      },
    );
  } finally {
    pool.close();
    plan.registry.close();
  }
});

Deno.test("batchesPerTask() keeps ~16 tasks a thread for small entities and ~10,000 rows a task at most", () => {
  assert.equal(batchesPerTask(10_000, 100, 2), 1);
  assert.equal(batchesPerTask(10_000, 1, 8), 1);
  assert.equal(batchesPerTask(1, 1_000_000, 2), 10_000);
  assert.equal(batchesPerTask(7, 100, 2), 3);
  assert.equal(batchesPerTask(7, 31, 2), 1);
  assert.equal(batchesPerTask(20_000, 500, 2), 1);
});
