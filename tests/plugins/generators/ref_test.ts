import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import { issuesOf, planOf, rowsAloneMatchBatch, tally, yamlIssues } from "./_setup.ts";
import { PluginInputError } from "../../../core/errors.ts";
import refPlugin from "../../../plugins/generators/ref.ts";
import { fakeSetup, ownerOf, valuesOf } from "./_fake_setup.ts";

function shop(ref: unknown, counts = { customers: 100, orders: 2000 }, seed: number | string = 1) {
  return {
    name: "shop",
    seed,
    entities: {
      customers: {
        count: counts.customers,
        fields: {
          code: { pattern: "C-######" },
          id: { sequence: { start: 1000 } },
          name: { faker: "person.lastName" },
        },
      },
      orders: { count: counts.orders, fields: { id: { sequence: {} }, customer_id: ref } },
    },
  };
}

async function keys(
  ref: unknown,
  counts?: { customers: number; orders: number },
  seed?: number | string,
) {
  const scenario = shop(ref, counts, seed);
  const parents = (await rowsOf(scenario, "customers")).map((c) => c.id as number);
  const children = (await rowsOf(scenario, "orders")).map((o) => o.customer_id as number);
  return { parents, children };
}

Deno.test("ref keys always exist among the parent's keys, for every distribution", async () => {
  for (
    const distribution of ["uniform", "sequential", "shuffle", "zipf", { zipf: 1.3 }, {
      zipf: { s: 0.8 },
    }]
  ) {
    const { parents, children } = await keys({ ref: { to: "customers.id", distribution } });
    const known = new Set(parents);
    assert.deepEqual(children.filter((c) => !known.has(c)), [], JSON.stringify(distribution));
  }
});

Deno.test("ref to an entity alone points to its id field, else its first field", async () => {
  const byId = await keys({ ref: "customers" });
  assert.ok(byId.children.every((c) => c >= 1000 && c < 1100));
  const scenario = {
    name: "t",
    entities: {
      tags: { count: 5, fields: { label: { pattern: "T-###" } } },
      posts: { count: 50, fields: { tag: { ref: "tags" } } },
    },
  };
  const labels = new Set((await rowsOf(scenario, "tags")).map((t) => t.label));
  for (const p of await rowsOf(scenario, "posts")) assert.ok(labels.has(p.tag));
});

Deno.test("ref uniform spreads children evenly over parents", async () => {
  const { children } = await keys({ ref: "customers.id" }, { customers: 10, orders: 20_000 });
  for (const n of tally(children).values()) assert.ok(Math.abs(n / 20_000 - 0.1) < 0.01);
});

Deno.test("ref sequential maps child i to parent i mod n", async () => {
  const { parents, children } = await keys({
    ref: { to: "customers.id", distribution: "sequential" },
  }, {
    customers: 7,
    orders: 30,
  });
  assert.deepEqual(children, Array.from({ length: 30 }, (_, i) => parents[i % 7]));
});

Deno.test("ref shuffle uses every parent once per round, in a new order each round", async () => {
  const { parents, children } = await keys(
    { ref: { to: "customers.id", distribution: "shuffle" } },
    {
      customers: 50,
      orders: 150,
    },
  );
  const rounds = [children.slice(0, 50), children.slice(50, 100), children.slice(100)];
  for (const round of rounds) assert.deepEqual([...round].sort(), [...parents].sort());
  assert.notDeepEqual(rounds[0], parents, "not in parent order");
  assert.notDeepEqual(rounds[0], rounds[1], "each round is shuffled anew");
});

Deno.test("ref shuffle and sequential are distinct while children do not outnumber parents", async () => {
  const plan = await planOf(
    shop({ ref: { to: "customers.id", distribution: "shuffle" }, unique: true }, {
      customers: 100,
      orders: 100,
    }),
  );
  const field = plan.byName.get("orders")!.declared.find((f) => f.name === "customer_id")!;
  assert.equal(field.gen.distinct, true);
  assert.equal(field.uniqueByRetry, false);
  assert.equal(field.gen.cardinality, 100);
  const more = await planOf(shop({ ref: { to: "customers.id", distribution: "sequential" } }, {
    customers: 100,
    orders: 101,
  }));
  assert.equal(
    more.byName.get("orders")!.declared.find((f) => f.name === "customer_id")!.gen.distinct,
    undefined,
  );
});

Deno.test("ref refuses unique when children outnumber parents", async () => {
  const [issue] = await issuesOf(
    shop({ ref: "customers.id", unique: true }, { customers: 10, orders: 11 }),
  );
  assert.match(issue!.message, /at most 10 distinct values but orders has 11 rows/);
});

Deno.test("ref zipf gives most children to a few parents, not to the first ids", async () => {
  const { parents, children } = await keys({
    ref: { to: "customers.id", distribution: { zipf: 1.1 } },
  }, {
    customers: 1000,
    orders: 20_000,
  });
  const counts = [...tally(children).entries()].sort((a, b) => b[1] - a[1]);
  const top20 = counts.slice(0, 200).reduce((s, [, n]) => s + n, 0) / children.length;
  assert.ok(top20 > 0.75, `the top 20% of parents hold ${top20}`);
  assert.ok(counts[0]![1] / children.length > 0.15, "the favourite gets about 19%");
  const top3 = counts.slice(0, 3).map(([id]) => id);
  assert.notDeepEqual(top3, parents.slice(0, 3), "popularity is shuffled over parents");
});

Deno.test("ref zipf agrees on popular parents across children, and changes with the seed", async () => {
  const scenario = (seed: number) => ({
    name: "t",
    seed,
    entities: {
      customers: { count: 500, fields: { id: { sequence: {} } } },
      orders: {
        count: 5000,
        fields: { c: { ref: { to: "customers", distribution: { zipf: 1.2 } } } },
      },
      reviews: {
        count: 5000,
        fields: { c: { ref: { to: "customers", distribution: { zipf: 1.2 } } } },
      },
    },
  });
  const favourite = async (entity: string, seed: number) =>
    [...tally((await rowsOf(scenario(seed), entity)).map((r) => r.c)).entries()].sort((a, b) =>
      b[1] - a[1]
    )[0]![0];
  assert.equal(await favourite("orders", 1), await favourite("reviews", 1));
  const favourites = new Set(await Promise.all([1, 2, 3, 4].map((s) => favourite("orders", s))));
  assert.ok(favourites.size > 1, "another seed, another favourite");
});

Deno.test("ref is the same for the same seed and differs for another", async () => {
  const a = await keys({ ref: "customers.id" }, undefined, 1);
  const b = await keys({ ref: "customers.id" }, undefined, 1);
  const c = await keys({ ref: "customers.id" }, undefined, 2);
  assert.deepEqual(a.children, b.children);
  assert.notDeepEqual(a.children, c.children);
});

Deno.test("ref rejects an unknown entity or field with a did-you-mean hint, at its line", async () => {
  const issues = await yamlIssues(`name: t
entities:
  customers:
    count: 3
    fields:
      id: { sequence: {} }
  orders:
    count: 3
    fields:
      a: { ref: custmers.id }
      b: { ref: { to: customers.idd } }
`);
  assert.equal(issues.length, 2);
  const [entity, field] = issues;
  assert.equal(entity!.line, 10);
  assert.deepEqual(entity!.path, ["entities", "orders", "fields", "a", "ref"]);
  assert.equal(
    entity!.message,
    'Cannot reference "custmers.id": the scenario has no entity "custmers"',
  );
  assert.equal(entity!.hint, 'did you mean "customers"?');
  assert.equal(field!.line, 11);
  assert.deepEqual(field!.path, ["entities", "orders", "fields", "b", "ref", "to"]);
  assert.equal(field!.message, 'Cannot reference "customers.idd": customers has no field "idd"');
  assert.equal(field!.hint, 'did you mean "id"?');
});

Deno.test("ref rejects a parent with no rows, a misspelt distribution and itself", async () => {
  const [empty] = await issuesOf(shop({ ref: "customers.id" }, { customers: 0, orders: 5 }));
  assert.equal(empty!.message, "Cannot reference customers: it has 0 rows");
  const [dist] = await issuesOf(shop({ ref: { to: "customers.id", distribution: "shufle" } }));
  assert.deepEqual(dist!.path, [
    "entities",
    "orders",
    "fields",
    "customer_id",
    "ref",
    "distribution",
  ]);
  assert.equal(dist!.hint, 'did you mean "shuffle"?');
  const [self] = await issuesOf(shop({ ref: "orders.customer_id" }));
  assert.match(self!.message, /cannot point to itself/);
});

Deno.test("ref to the same entity builds a hierarchy", async () => {
  const rows = await rowsOf({
    name: "t",
    entities: {
      employees: {
        count: 300,
        fields: { id: { sequence: {} }, manager_id: { ref: "employees.id", nullable: 0.2 } },
      },
    },
  }, "employees");
  const ids = new Set(rows.map((r) => r.id));
  assert.ok(rows.every((r) => r.manager_id === null || ids.has(r.manager_id)));
  assert.ok(rows.some((r) => r.manager_id === null));
});

Deno.test("ref gives the same row alone as in a batch", async () => {
  for (const distribution of ["uniform", "shuffle", { zipf: 1.1 }]) {
    const { alone, batch } = await rowsAloneMatchBatch(
      shop({ ref: { to: "customers.id", distribution } }),
      "orders",
      [0, 99, 1234, 1999],
    );
    assert.deepEqual(alone, batch, JSON.stringify(distribution));
  }
});

Deno.test("ref to the owning parent defaults to distribution owner: the parent the row belongs to", async () => {
  const owner = ownerOf("orders", [2, 3, 1]);
  const setup = fakeSetup({ owner, entities: { orders: ["id"], products: ["id"] } });
  // The fake setup's valueAt gives the parent index as the key.
  assert.deepEqual(await valuesOf(refPlugin, "orders.id", setup, 6), [0, 0, 1, 1, 1, 2]);
  assert.deepEqual(
    await valuesOf(refPlugin, { to: "orders", distribution: "owner" }, setup, 6),
    [0, 0, 1, 1, 1, 2],
  );
  const gen = await refPlugin.create(refPlugin.options.parse("orders.id"), setup);
  assert.equal(gen.distinct, undefined, "siblings share their parent");
  // A ref to another entity keeps the uniform default.
  const products = await valuesOf(refPlugin, "products.id", setup, 200);
  assert.ok(new Set(products).size > 6);
});

Deno.test("ref distribution owner needs rows that belong to that entity", async () => {
  const none = fakeSetup({ entities: { orders: ["id"] } });
  const other = fakeSetup({ owner: ownerOf("carts", [1]), entities: { orders: ["id"] } });
  const problem = async (setup: ReturnType<typeof fakeSetup>) => {
    try {
      await refPlugin.create(
        refPlugin.options.parse({ to: "orders", distribution: "owner" }),
        setup,
      );
    } catch (e) {
      if (e instanceof PluginInputError) return e;
      throw e;
    }
    throw new Error("accepted");
  };
  const a = await problem(none);
  assert.equal(
    a.message,
    'Cannot use distribution "owner" for a ref to orders: e rows do not belong to parent rows',
  );
  assert.equal(a.hint, "count e per parent: count: { per: orders, min: 1, max: 5 }");
  assert.deepEqual(a.path, ["distribution"]);
  const b = await problem(other);
  assert.match(b.message, /e rows belong to carts, not orders/);
});

Deno.test("ref in an entity counted per parent links every row to the parent it was counted for", async () => {
  const scenario = {
    name: "t",
    seed: 5,
    entities: {
      orders: { count: 300, fields: { id: { sequence: { start: 1000 } } } },
      items: {
        count: { per: "orders", min: 1, max: 5 },
        fields: { order_id: { ref: "orders.id" }, line: { position: {} } },
      },
    },
  };
  const items = await rowsOf(scenario, "items");
  // Items come parent by parent, each run starting at line 1.
  let expected = 999;
  for (const it of items) {
    if (it.line === 1) expected++;
    assert.equal(it.order_id, expected);
  }
  assert.equal(expected, 1299, "every order has its items");
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "items", [0, 7, items.length - 1]);
  assert.deepEqual(alone, batch);
});

Deno.test("ref owner links branches to the 30% of companies that have any", async () => {
  const scenario = {
    name: "t",
    seed: 8,
    entities: {
      companies: { count: 2000, fields: { id: { sequence: {} } } },
      branches: {
        count: { per: "companies", p: 0.3, min: 1, max: 3 },
        fields: { company_id: { ref: "companies.id" }, n: { position: {} } },
      },
    },
  };
  const branches = await rowsOf(scenario, "branches");
  const owners = tally(branches.map((b) => b.company_id));
  // 30% of 2000 companies: 600 ± 5 binomial sd (sd ≈ 20.5).
  assert.ok(Math.abs(owners.size - 600) < 103, `${owners.size} companies have branches`);
  for (const n of owners.values()) assert.ok(n >= 1 && n <= 3);
  assert.ok(branches.every((b) => (b.n as number) <= owners.get(b.company_id)!));
});
