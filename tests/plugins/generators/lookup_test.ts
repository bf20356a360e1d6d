import assert from "node:assert/strict";
import { rowsOf } from "../../_helpers/rows.ts";
import { planOf, rowsAloneMatchBatch, yamlIssues } from "./_setup.ts";

function shop(lookup: unknown) {
  return {
    name: "t",
    seed: 6,
    entities: {
      customers: {
        count: 40,
        fields: {
          id: { sequence: { start: 100 } },
          country: { choice: ["US", "EG", "DE"], nullable: 0.2 },
          credit: { number: { min: 0, max: 1000, decimals: 2 } },
        },
      },
      orders: {
        count: 800,
        fields: { id: { sequence: {} }, customer_id: { ref: "customers.id" }, v: lookup },
      },
    },
  };
}

Deno.test("lookup copies the referenced parent's field as is, null included", async () => {
  const scenario = shop({ lookup: "customer_id.country" });
  const country = new Map((await rowsOf(scenario, "customers")).map((c) => [c.id, c.country]));
  const orders = await rowsOf(scenario, "orders");
  for (const o of orders) assert.equal(o.v, country.get(o.customer_id));
  assert.ok(orders.some((o) => o.v === null) && orders.some((o) => o.v === "EG"));
  const { alone, batch } = await rowsAloneMatchBatch(scenario, "orders", [0, 400, 799]);
  assert.deepEqual(alone, batch);
});

Deno.test("lookup declares the type it is given, text by default", async () => {
  const typeOf = async (lookup: unknown) =>
    (await planOf(shop(lookup))).byName.get("orders")!.declared.find((f) => f.name === "v")!
      .type;
  assert.equal(await typeOf({ lookup: "customer_id.country" }), "string");
  assert.equal(await typeOf({ lookup: { field: "customer_id.credit", type: "number" } }), "number");
  const scenario = shop({ lookup: { field: "customer_id.credit", type: "number" } });
  const credit = new Map((await rowsOf(scenario, "customers")).map((c) => [c.id, c.credit]));
  for (const o of await rowsOf(scenario, "orders")) assert.equal(o.v, credit.get(o.customer_id));
});

Deno.test("lookup rejects a misspelt ref field or parent field with a hint, at its line", async () => {
  const yaml = (a: string, b: string) =>
    `name: t
entities:
  customers:
    count: 3
    fields:
      id: { sequence: {} }
      country: US
  orders:
    count: 3
    fields:
      customer_id: { ref: customers.id }
      a: { lookup: ${a} }
      b: { lookup: ${b} }
`;
  const [ref] = await yamlIssues(yaml("custmer_id.country", "customer_id.country"));
  assert.equal(ref!.line, 12);
  assert.equal(
    ref!.message,
    'Cannot read field "custmer_id.country": orders has no field "custmer_id"',
  );
  assert.equal(ref!.hint, 'did you mean "customer_id"?');
  // The parent's field is checked once every entity is known.
  const [parent, notRef] = await yamlIssues(yaml("customer_id.contry", "{ field: a.country }"));
  assert.equal(parent!.line, 12);
  assert.match(parent!.message, /customers has no field "contry"/);
  assert.equal(parent!.hint, 'did you mean "country"?');
  assert.equal(notRef!.line, 13);
  assert.match(notRef!.message, /"a" is not a ref field/);
});
