/**
 * Determinism is random access: row i of an entity is a pure function of
 * (seed, entity, i), whatever the batch size or the rows generated before.
 */
import assert from "node:assert/strict";
import { prepare } from "../../core/gen.ts";
import { World } from "../../core/engine.ts";
import { entityBatches } from "../../core/batches.ts";
import { rowsOf } from "../_helpers/rows.ts";

const shop = {
  name: "det",
  seed: 99,
  entities: {
    customers: {
      count: 3000,
      fields: {
        id: { sequence: {} },
        first_name: { faker: "person.firstName" },
        last_name: { faker: "person.lastName" },
        email: {
          template: "{{first_name}}.{{last_name}}@example.com",
          transform: "lower",
          unique: true,
        },
        city: { faker: "location.city", nullable: 0.2 },
        score: { number: { min: 0, max: 100, decimals: 1 } },
      },
    },
    orders: {
      count: 5000,
      fields: {
        id: { uuid: {} },
        customer_id: { ref: { to: "customers.id", distribution: { zipf: 1.2 } } },
        customer_city: { template: "{{customer_id.city}}" },
        placed_at: { datetime: { from: "2024-01-01", to: "2024-12-31" } },
      },
    },
  },
};

Deno.test("the same seed gives the same rows; another seed gives other rows", async () => {
  const a = await rowsOf(shop, "orders");
  const b = await rowsOf(shop, "orders");
  assert.deepEqual(a, b);
  const c = await rowsOf(shop, "orders", { seed: 100 });
  const same = a.filter((r, i) => r.id === c[i]!.id).length;
  assert.equal(same, 0, "a changed seed changes the data");
});

Deno.test("batch size 1 and batch size 10,000 give identical rows", async () => {
  for (const entity of ["customers", "orders"]) {
    const small = await rowsOf(shop, entity, { batchSize: 1 });
    const large = await rowsOf(shop, entity, { batchSize: 10_000 });
    assert.deepEqual(small, large, entity);
  }
});

Deno.test("a row generated alone equals the same row generated in sequence", async () => {
  // Without unique-by-retry fields every row is random-access.
  const { email: _email, ...fields } = shop.entities.customers.fields;
  const big = {
    ...shop,
    entities: { customers: { ...shop.entities.customers, fields, count: 123_457 } },
  };
  const plan = await prepare(big);
  let last: Record<string, unknown> | undefined;
  const engine = new World(plan).engine("customers");
  for await (const { out } of entityBatches(engine, 10_000)) {
    if (out.start + out.length === 123_457) {
      last = Object.fromEntries(out.fields.map((f, c) => [f, out.columns[c]![out.length - 1]]));
    }
  }
  const alone = new World(await prepare(big)).engine("customers").rowAt(123_456);
  assert.deepEqual(alone, last);
  assert.equal(alone.id, 123_457);
});

Deno.test("lookups through a ref read the parent row's value", async () => {
  const plan = await prepare(shop);
  const world = new World(plan);
  const customers = world.engine("customers");
  const orders = await rowsOf(shop, "orders");
  for (const order of orders.slice(0, 500)) {
    const parent = customers.rowAt((order.customer_id as number) - 1);
    assert.equal(order.customer_city, parent.city ?? "");
  }
});

Deno.test("nullable keeps the non-null values of the field unchanged", async () => {
  const withNulls = await rowsOf(shop, "customers");
  const without = await rowsOf({
    ...shop,
    entities: {
      customers: {
        ...shop.entities.customers,
        fields: { ...shop.entities.customers.fields, city: { faker: "location.city" } },
      },
    },
  }, "customers");
  let nulls = 0;
  withNulls.forEach((r, i) => {
    if (r.city === null) nulls++;
    else assert.equal(r.city, without[i]!.city);
  });
  assert.ok(
    Math.abs(nulls / withNulls.length - 0.2) < 0.03,
    `null share ${nulls / withNulls.length}`,
  );
});

Deno.test("unique fields hold no duplicates", async () => {
  const rows = await rowsOf(shop, "customers");
  const emails = rows.map((r) => r.email);
  assert.equal(new Set(emails).size, emails.length);
});
