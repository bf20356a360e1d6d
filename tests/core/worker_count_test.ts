/**
 * Deciding the threads of a run (core/worker_count.ts) and the built-ins
 * planning imports (core/needed_builtins.ts).
 */
import assert from "node:assert/strict";
import { loadScenario } from "../../core/load_scenario.ts";
import { earlyWorkerCount, workerOptions } from "../../core/worker_count.ts";
import { neededBuiltins } from "../../core/needed_builtins.ts";
import { prepare } from "../../core/gen.ts";

Deno.test("earlyWorkerCount() starts Workers before planning only for large runs that can use them", async () => {
  const customers = await loadScenario("customers-10");
  const quickstart = await loadScenario("quickstart");
  const big = { counts: { customers: 60_000 } };
  assert.equal(await earlyWorkerCount(customers, "customers-10", { ...big, workers: 2 }), 2);
  assert.equal(await earlyWorkerCount(customers, "customers-10", { ...big, workers: 1 }), 1);
  // Small: the default is one thread, an explicit count waits for the plan.
  assert.equal(await earlyWorkerCount(quickstart, "quickstart", { workers: 2 }), 1);
  const few = { counts: { customers: 1000 }, workers: 2 };
  assert.equal(await earlyWorkerCount(customers, "customers-10", few), 1);
  // This shard's rows, the selected entities only.
  const shard = { index: 0, count: 4 };
  assert.equal(await earlyWorkerCount(customers, "customers-10", { ...big, workers: 2, shard }), 1);
  const orders = { counts: { orders: 60_000 }, workers: 2 };
  assert.equal(await earlyWorkerCount(quickstart, "quickstart", orders), 2);
  assert.equal(
    await earlyWorkerCount(quickstart, "quickstart", { ...orders, only: ["products"] }),
    1,
  );
  // More threads than batches, layout split: planning decides.
  assert.equal(
    await earlyWorkerCount(customers, "customers-10", { ...big, workers: 8, batchSize: 10_000 }),
    1,
  );
  assert.equal(
    await earlyWorkerCount(customers, "customers-10", { ...big, workers: 2, layout: "split" }),
    1,
  );
  // A scenario with plugins of its own (they may run sandboxed: one thread).
  const withPlugins = await loadScenario({
    name: "p",
    plugins: ["./my_plugin.ts"],
    entities: { e: { count: 100_000, fields: { id: { sequence: {} } } } },
  });
  assert.equal(await earlyWorkerCount(withPlugins, "p", { workers: 2 }), 1);
});

Deno.test("workerOptions() sends a Worker the plain options that decide the plan, not the output's", () => {
  const plain = workerOptions({
    cwd: "/tmp",
    seed: 7,
    counts: { a: 1 },
    out: "data",
    force: true,
    workers: 2,
    only: ["a"],
  });
  assert.deepEqual(plain, { cwd: "/tmp", seed: 7, counts: { a: 1 } });
});

Deno.test("neededBuiltins() names the built-ins a scenario mentions, and planning with them gives the same plan", async () => {
  const { scenario } = await loadScenario("quickstart");
  const needed = neededBuiltins(scenario, { formats: ["csv"] });
  for (
    const path of [
      "./plugins/generators/faker.ts",
      "./plugins/generators/ref.ts",
      "./plugins/validators/ref.ts",
      "./plugins/validators/range.ts",
      "./plugins/generators/constant.ts",
      "./plugins/formatters/csv.ts",
    ]
  ) {
    assert.ok(needed.includes(path), path);
  }
  for (const path of ["./plugins/formatters/parquet.ts", "./plugins/formatters/xlsx.ts"]) {
    assert.ok(!needed.includes(path), path);
  }
  // prepare() plans with the guess; the plan uses the same plugins, in the same order.
  const plan = await prepare("quickstart", { formats: ["csv"] });
  const used = plan.registry.used().map((r) => r.source);
  assert.ok(used.every((s) => needed.includes(s)));
  assert.ok(plan.registry.list().length < 20, "not every built-in was imported");
  plan.registry.close();
});

Deno.test("prepare() falls back to every built-in when the scenario names none it can guess", async () => {
  // A format given only by the caller's options is found; a bad one still fails as before.
  await assert.rejects(prepare("quickstart", { formats: ["tsv"] }), /Unknown format "tsv"/);
});
